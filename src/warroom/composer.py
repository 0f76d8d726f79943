"""Fill an update template from the incident as it stands (no textual here).

Shared by the console's composer and `warroom compose`; reads only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from warroom.domain.models import Incident, TimelineEntry
from warroom.domain.policy import Policy
from warroom.domain.templates import Template, build_context, render
from warroom.domain.timeline_state import fold
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
    return fill_from(
        queries.incident(db, incident_id),
        current_entries(queries.timeline(db, incident_id)),
        checklist_queries.answers(db, incident_id),
        policy,
        template,
        now,
        tz,
        free,
    )


def current_entries(rows: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """The timeline as it reads now: the newest version of each entry, struck ones left out."""
    return [s.entry for s in fold(rows) if not s.struck]


def fill_from(
    incident: Incident,
    entries: Sequence[TimelineEntry],
    answers: dict[str, str],
    policy: Policy,
    template: Template,
    now: dt.datetime,
    tz: dt.tzinfo,
    free: dict[str, str] | None = None,
) -> str:
    """`fill` from what is already at hand (the console holds it): no reads."""
    try:
        severity = policy.severity(incident.severity)
    except InvalidInput:
        severity = None
    context = build_context(
        incident,
        list(entries),
        now=now,
        tz=tz,
        answers=answers,
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
        "SELECT audience, template, body, posted_at, author, id FROM updates"
        " WHERE incident_id = ? ORDER BY posted_at DESC, id DESC",
        (incident_id,),
    ).fetchall()
    return queries._readable(  # noqa: SLF001 - a row with an unusable time is left out, named
        lambda r: PostedUpdate(
            r[0],
            r[1],
            r[2],
            queries._required_time(  # noqa: SLF001
                r[3], f"update #{r[5]} of incident #{incident_id}", "posted_at", "update"
            ),
            r[4],
        ),
        rows,
    )


def draft(db: sqlite_utils.Database, incident_id: int) -> Draft | None:
    row = db.conn.execute(
        "SELECT template, body, updated_at, author FROM drafts WHERE incident_id = ?",
        (incident_id,),
    ).fetchone()
    found = queries._readable(  # noqa: SLF001 - an unusable time: left out, named
        lambda r: Draft(
            r[0],
            r[1],
            queries._required_time(  # noqa: SLF001
                r[2], f"draft of incident #{incident_id}", "updated_at", "draft"
            ),
            r[3],
        ),
        [] if row is None else [row],
    )
    return found[0] if found else None
