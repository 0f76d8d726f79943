"""Messages that carry results from worker threads back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from warroom.domain.checklists import Checklist
from warroom.domain.models import FollowUp, Incident, RoleAssignment, TimelineEntry
from warroom.domain.sla import IncidentHistory
from warroom.domain.timeline_state import TimelineState
from warroom.store.queries import Engagement


@dataclass(frozen=True)
class Selection:
    """Everything the detail panes show for one incident."""

    incident: Incident
    roles: list[RoleAssignment]
    entries: list[TimelineEntry]  # new since the last snapshot unless `reset`
    reset: bool
    engagements: list[Engagement] = field(default_factory=list)
    checklists: list[Checklist] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    folded: TimelineState | None = None  # `entries` already folded, when `reset`


@dataclass(frozen=True)
class ClockInputs:
    """What an incident's timers need besides the incident row."""

    history: IncidentHistory
    assigned: dict[str, str]


@dataclass
class Snapshot(Message):
    """A fresh read of the database, taken after something changed."""

    incidents: list[Incident]
    selection: Selection | None = field(default=None)
    clocks: dict[int, ClockInputs] = field(default_factory=dict)
    # (incident id, timer, deadline) of every recorded breach of a live incident
    breaches: frozenset[tuple[int, str, str]] = frozenset()


@dataclass
class WriteDone(Message):
    """A user action was committed."""

    description: str
    token: str = ""
    outcome: object = None


@dataclass
class WriteRefused(Message):
    """A user action did not happen; `reason` says why, in one line."""

    reason: str
    token: str = ""
    quiet: bool = False  # a background write: say it once, not every second
    description: str = ""


@dataclass
class WatchFailed(Message):
    """The database could not be read; the console keeps trying."""

    reason: str


@dataclass
class RowsLeftOut(Message):
    """Rows with times that cannot be used were left out; everything else shows."""

    warning: str
