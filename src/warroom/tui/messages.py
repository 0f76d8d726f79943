"""Messages the watcher posts from its thread to the console (writes: see bridge.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from textual.message import Message

from warroom.domain.alerts.record import AlertOnRecord
from warroom.domain.checklists import Checklist
from warroom.domain.engine_presence import EngineOnRecord
from warroom.domain.models import Engagement, FollowUp, Incident, RoleAssignment, TimelineEntry
from warroom.domain.pages import Page
from warroom.domain.timeline_state import TimelineState
from warroom.store.read_model import ClockInputs as ClockInputs  # kept importable from here
from warroom.store.read_model import TimelinePage
from warroom.tui.deadline_prep import BoardWork, Prepared
from warroom.tui.timeline_layout import TimelineLayout


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
    # a timeline too long to hold: the page around where its reader is, read again
    # when rows were written (then `entries` is empty: the page says what shows)
    page: TimelinePage | None = None
    pages: list[Page] = field(default_factory=list)  # who it paged, and how it went
    alerts: list[AlertOnRecord] = field(default_factory=list)  # what monitoring said
    # `folded` laid out as the screen's timeline was when it was read (the screen lays
    # it out itself if its timeline has changed shape since)
    laid_out: TimelineLayout | None = None
    # which reading of the file it is of (the watcher's count: a file put in place of
    # another is read from scratch), so a timeline handed back is of the file read now
    reading: int = 0


@dataclass
class Snapshot(Message):
    """A fresh read of the database, taken after something changed."""

    incidents: list[Incident]
    selection: Selection | None = field(default=None)
    # their ids, in the same order (None: not said; worked out from them)
    ids: tuple[int, ...] | None = None
    clocks: dict[int, ClockInputs] = field(default_factory=dict)
    # (incident id, timer, deadline) of every recorded breach of a live incident
    breaches: frozenset[tuple[int, str, str]] = frozenset()
    failed_pages: list[Page] = field(default_factory=list)  # FAILED for good, newest first
    engines: tuple[EngineOnRecord, ...] = ()  # engines on record (`warroom engine`)
    policy_in_effect: str | None = None  # the fingerprint the file records now
    # each incident's deadlines, worked out by the watcher (deadline_board.prepare)
    prepared: Mapping[int, Prepared] = field(default_factory=dict)
    # the deadline board's whole state for this list, worked out by the watcher
    board: BoardWork | None = None
    # start-up's first snapshot: the board's state is still being worked out (`prepared`
    # holds the first rows' only); it comes in a following snapshot of the same list
    board_pending: bool = False
    # start-up's first snapshot of a long list: its first rows only, and how many
    # incidents are (live, resolved) in all; the others come in the board's snapshot
    counts: tuple[int, int] | None = None


@dataclass
class TimelinePageRead(Message):
    """The page of a long timeline its view asked for (`TimelinePageWanted`)."""

    page: TimelinePage


@dataclass
class WatchFailed(Message):
    """The database could not be read; the console keeps trying."""

    reason: str


@dataclass
class RowsLeftOut(Message):
    """Rows with times that cannot be used were left out; everything else shows."""

    warning: str
