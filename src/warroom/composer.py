"""Fill an update template from the incident as it stands (no textual here).

Shared by the console's composer and `warroom compose`; reads only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from warroom.domain.policy import Policy
from warroom.domain.templates import Template, build_context, render
from warroom.domain.timefmt import from_iso
from warroom.errors import InvalidInput
from warroom.store import checklist_queries, queries


@dataclass(frozen=True)
class PostedUpdate:
    audience: str
    template: str
    body: str
    posted_at: dt.datetime
    author: str


@dataclass(frozen=True)
class Draft:
    template: str
    body: str
    updated_at: dt.datetime
    author: str


def fill(
    db: sqlite_utils.Database,
    policy: Policy,
    incident_id: int,
    template: Template,
    now: dt.datetime,
    tz: dt.tzinfo,
    free: dict[str, str] | None = None,
) -> str:
    """The template filled from the incident; missing values show as ⟨ETA?⟩ markers."""
    incident = queries.incident(db, incident_id)
    try:
        severity = policy.severity(incident.severity)
    except InvalidInput:
        severity = None
    context = build_context(
        incident,
        queries.timeline(db, incident_id),
        now=now,
        tz=tz,
        answers=checklist_queries.answers(db, incident_id),
        status_page_url=policy.status_page_url or None,
        update_every=severity.update_every if severity else None,
        postmortem_due=severity.postmortem_due if severity else None,
        severity_label=severity.label if severity else None,
        free=free or {},
    )
    return render(template, context)


def posted(db: sqlite_utils.Database, incident_id: int) -> list[PostedUpdate]:
    """The incident's posted updates, latest first."""
    rows = db.conn.execute(
        "SELECT audience, template, body, posted_at, author FROM updates WHERE incident_id = ?"
        " ORDER BY posted_at DESC, id DESC",
        (incident_id,),
    ).fetchall()
    return [PostedUpdate(r[0], r[1], r[2], from_iso(r[3]), r[4]) for r in rows]


def draft(db: sqlite_utils.Database, incident_id: int) -> Draft | None:
    row = db.conn.execute(
        "SELECT template, body, updated_at, author FROM drafts WHERE incident_id = ?",
        (incident_id,),
    ).fetchone()
    return None if row is None else Draft(row[0], row[1], from_iso(row[2]), row[3])
