"""Fill an update template from the incident as it stands (no textual here).

Shared by the console's composer and `warroom compose`; reads only, through
the read model (`store.read_model`) and the store's update reads. Also the one
home of the rule for whom an update goes to (`audience_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from warroom.domain.incident_record import PostedUpdate
from warroom.domain.models import Draft, Incident, TimelineEntry
from warroom.domain.policy import Policy, Severity
from warroom.domain.templates import Template, build_context, render
from warroom.domain.timeline_state import fold
from warroom.errors import InvalidInput
from warroom.store import read_model
from warroom.store.update_queries import draft, posted

if TYPE_CHECKING:
    import sqlite_utils

__all__ = [
    "Draft",
    "PostedUpdate",
    "audience_of",
    "current_entries",
    "draft",
    "fill",
    "fill_from",
    "posted",
]


def audience_of(template: Template | None) -> str:
    """Whom an update goes to: its template's audience; without a template, internal."""
    return template.audience if template is not None else "internal"


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
    view = read_model.incident_view(db, incident_id)
    return fill_from(
        view.incident,
        current_entries(view.timeline),
        view.answers,
        policy,
        template,
        now,
        tz,
        free,
    )


def current_entries(rows: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """The timeline as it reads now: the newest version of each entry, struck ones left out."""
    return [s.entry for s in fold(rows) if not s.struck]


def _cadence(severity: Severity | None, template: Template) -> dt.timedelta | None:
    """The cadence a template promises: a customer template the external one."""
    if severity is None:
        return None
    if template.audience == "external" and severity.external_update_every is not None:
        return severity.external_update_every
    return severity.update_every


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
        update_every=_cadence(severity, template),
        postmortem_due=severity.postmortem_due if severity else None,
        severity_label=severity.label if severity else None,
        free=free or {},
    )
    return render(template, context)
