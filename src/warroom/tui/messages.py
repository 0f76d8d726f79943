"""Messages that carry results from worker threads back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from warroom.domain.models import Incident, RoleAssignment, TimelineEntry


@dataclass(frozen=True)
class Selection:
    """Everything the detail panes show for one incident."""

    incident: Incident
    roles: list[RoleAssignment]
    entries: list[TimelineEntry]  # new since the last snapshot unless `reset`
    reset: bool


@dataclass
class Snapshot(Message):
    """A fresh read of the database, taken after something changed."""

    incidents: list[Incident]
    selection: Selection | None = field(default=None)


@dataclass
class WriteDone(Message):
    """A user action was committed."""

    description: str
    token: str = ""


@dataclass
class WriteRefused(Message):
    """A user action did not happen; `reason` says why, in one line."""

    reason: str
    token: str = ""


@dataclass
class WatchFailed(Message):
    """The database could not be read; the console keeps trying."""

    reason: str
