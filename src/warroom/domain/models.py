"""Plain records read from the store and handed to the console and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident as stored: what it is, who runs it, and when each step happened."""

    id: int
    title: str
    severity: str
    status: str
    kind: str
    summary: str
    impact_users: str
    impact_services: str
    impact_business: str
    commander: str
    drill: bool
    declared_at: dt.datetime
    detected_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    mitigated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    last_update_at: dt.datetime | None
    escalation_level: int
    channel: str
    postmortem_owner: str = ""
    # 007_postmortem_and_impact: the post-mortem marked done; customer impact's span
    postmortem_done_at: dt.datetime | None = None
    impact_started_at: dt.datetime | None = None
    impact_ended_at: dt.datetime | None = None

    @property
    def ref(self) -> str:
        """How people say the incident's name: `#12`."""
        return f"#{self.id}"


# an incident's stored times, in the order `cli.json_shapes.incident_json` prints them
INCIDENT_TIMES = (
    "declared_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "last_update_at",
    "postmortem_done_at",
    "impact_started_at",
    "impact_ended_at",
)
# the record's fields in order: a row's columns are read and printed in this order
INCIDENT_FIELDS = tuple(f.name for f in fields(Incident))
# where the stored times sit among them (INCIDENT_TIMES' order is the fields' own)
INCIDENT_TIME_AT = tuple(INCIDENT_FIELDS.index(name) for name in INCIDENT_TIMES)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One row of an incident's timeline, as stored."""

    id: int
    incident_id: int
    at: dt.datetime
    logged_at: dt.datetime
    author: str
    os_user: str
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    supersedes: int | None = None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Work that outlives the incident: an action item for the post-mortem."""

    id: int
    incident_id: int
    text: str
    owner: str
    due: dt.date | None
    priority: str  # high / medium / low
    status: str  # open / done / wont-do
    from_entry: int | None
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    """Who holds a role on an incident, as stored."""

    incident_id: int
    role: str
    person: str
    assigned_at: dt.datetime
    assigned_by: str


@dataclass(frozen=True, slots=True)
class Engagement:
    """A rung of the escalation ladder that was reached: who, when, how."""

    level: int
    who: str
    person: str
    notify: str
    engaged_at: dt.datetime
    how: str  # auto / manual
    by: str
    severity: str = ""  # the ladder it was called from (empty in records before 008)

    @property
    def vacant(self) -> bool:
        """Nobody held the rung's role: the call fell through to the next rung."""
        return not self.person


@dataclass(frozen=True, slots=True)
class Draft:
    """An update being written, kept between sessions (one per incident)."""

    template: str
    body: str
    updated_at: dt.datetime
    author: str


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is at the keyboard: the display name and the OS account."""

    name: str
    os_user: str
