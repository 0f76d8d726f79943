"""Every incident's deadlines (SLA timers, ladder rungs), recomputed once a second.

Deadlines derive from the stored timestamps, the history and the policy
(never a stored countdown), so the board is right after a restart. It also
says when something fell due that nobody has recorded yet, so the console
can ask the service to write it, and counts newly recorded breaches for the bell.
"""

from __future__ import annotations

import bisect
import datetime as dt
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from warroom.domain import escalation, sla
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.store import read_model
from warroom.tui.deadline_prep import BoardWork, Prepared, work_out
from warroom.tui.messages import ClockInputs

_LAST = sys.maxsize  # sorts after every incident id
# the list's next-deadline cell of a running incident whose deadlines are still being
# worked out (start-up's first frame, rows below the first screenful): never a blank,
# which would say nothing is running
WORKING_OUT = "working out…"

# the incident list has room for a word, not a label
LIST_LABELS = {
    "ack": "ack",
    "first_update": "1st upd",
    "update": "update",
    "external_update": "cust upd",
    "resolve": "resolve",
    "postmortem": "PM",
    "escalation": "escal.",
}


def list_countdown(remaining: dt.timedelta) -> str:
    """The list's coarser countdown: `in 45s`, `in 14m`, `in 1h04m`, `OVERDUE 32m`
    (units, never like a clock time, as in the SLA pane).

    It changes once a minute (seconds only in the last minute), so a list of
    many live incidents is not redrawn every second; the SLA pane of the
    selected incident shows the seconds.
    """
    seconds = int(remaining.total_seconds())
    span = abs(seconds)
    if span < 60:
        text = f"{span}s"
    elif span < 3600:
        text = f"{span // 60}m"
    elif span < 86400:
        text = f"{span // 3600}h{span % 3600 // 60:02d}m"
    else:
        text = f"{span // 86400}d {span % 86400 // 3600:02d}h"
    return f"OVERDUE {text}" if seconds < 0 else f"in {text}"


class _DueLabels(Mapping[int, str]):
    """The list's next-deadline cells at one moment, each formatted when looked up."""

    def __init__(self, board: DeadlineBoard, now: dt.datetime) -> None:
        self._board = board
        self._now = now

    def __getitem__(self, incident_id: int) -> str:
        label = self._board.due_label(incident_id, self._now)
        if not label:
            raise KeyError(incident_id)  # nothing running: no cell text, as `get(id, "")`
        return label

    def __iter__(self) -> Iterator[int]:
        return (i for i in self._board.incidents if self._board.due_label(i, self._now))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _LazyTimers(Mapping[int, tuple[sla.Timer, ...]]):
    """Every running incident's timers at one moment, each computed when first
    looked up: the screen shows those of the selected incident only."""

    def __init__(self, board: DeadlineBoard, now: dt.datetime) -> None:
        self._board = board
        self._now = now
        self._found: dict[int, tuple[sla.Timer, ...]] = {}

    def __getitem__(self, incident_id: int) -> tuple[sla.Timer, ...]:
        if incident_id not in self._found:
            incident = self._board.incidents[incident_id]  # KeyError: not running
            inputs = self._board.inputs[incident_id]
            self._found[incident_id] = sla.timers(
                incident,
                self._board.policy,
                self._now,
                inputs.history,
                assigned=inputs.assigned,
                engaged=inputs.engaged,
            )
        return self._found[incident_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._board.incidents)

    def __len__(self) -> int:
        return len(self._board.incidents)


@dataclass(frozen=True)
class BoardReading:
    timers: Mapping[int, tuple[sla.Timer, ...]]  # computed when looked up
    next_due: Mapping[int, str]  # incident id -> "ack OVERDUE 4m" (formatted when looked up)
    unrecorded: bool  # a breach or a due rung that is not in the record yet


class DeadlineBoard:
    """The deadlines of every running incident, from the last real snapshot.

    Deadlines change only when an incident or its clock inputs do: they are
    kept from one snapshot to the next, and once a second only the countdowns
    are formatted and the deadlines that passed found (the same answers as
    `sla.timers` at that moment; the selected incident's timers are computed
    whole, for the SLA pane).
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.incidents: dict[int, Incident] = {}
        self.inputs: dict[int, ClockInputs] = {}
        self.recorded: frozenset[tuple[int, str, str]] = frozenset()
        self._seen_once = False
        self._kept: dict[int, Prepared] = {}
        self._serial: int | None = None  # the state last taken (BoardWork.serial)
        # deadlines not in the record of breaches: only these can fall due unrecorded
        self._unrecorded: dict[int, tuple[sla.Deadline, ...]] = {}
        # (earliest moment something can fall due unrecorded, incident), in time order
        self._watch: list[tuple[dt.datetime, int]] = []
        # start-up: the rows' deadlines are known for the first rows only, and what fell
        # due unrecorded is not judged yet (the watcher's next snapshot brings it all)
        self.pending = False
        self._waiting: set[int] = set()  # pending: running, not read yet (WORKING_OUT)

    def update(
        self,
        incidents: list[Incident],
        inputs: dict[int, ClockInputs],
        recorded: frozenset[tuple[int, str, str]],
        prepared: Mapping[int, Prepared] | None = None,
        work: BoardWork | None = None,
        *,
        pending: bool = False,
    ) -> int:
        """Take a snapshot read from the database; returns how many breaches were
        recorded since the last one, for incidents the board already had (an incident
        first read now, such as the ended ones read after the live ones at start-up,
        brings its old breaches, not new ones). Only a real read may come here: the
        record of breaches is what keeps the bell from ringing twice. `prepared`: the
        deadlines the watcher worked out off this thread (`prepare`), used when they
        were worked out from these very rows. `work`: the whole state, worked out by
        the watcher (`work_out`), taken when it was worked out for these containers.
        `pending`: start-up's first snapshot, whose board the watcher works out next:
        `prepared` (the first rows') is taken as it is, each timer is worked out when
        looked up, the other rows' cells say WORKING_OUT and nothing is found due."""
        if pending:
            return self._take_pending(incidents, inputs, recorded, prepared or {})
        if (
            work is None
            or work.incidents is not incidents
            or work.inputs is not inputs
            or work.recorded is not recorded
        ):  # worked out here then: what was kept for equal rows is kept
            ready = {**self._kept, **(prepared or {})}
            work = work_out(incidents, inputs, recorded, ready, self.policy)
        new = 0
        if self._seen_once and recorded is not self.recorded:
            if work.before is not None and work.before == self._serial:
                new = work.recorded_since  # counted by the watcher from what was taken here
            else:
                new = sum(1 for b in recorded - self.recorded if b[0] in self.incidents)
        self._seen_once = True
        self._serial = work.serial
        self.incidents, self.inputs, self.recorded = work.running, inputs, recorded
        self._kept, self._unrecorded, self._watch = work.kept, work.unrecorded, work.watch
        self.pending = False
        self._waiting = set()
        return new

    def _take_pending(
        self,
        incidents: list[Incident],
        inputs: dict[int, ClockInputs],
        recorded: frozenset[tuple[int, str, str]],
        prepared: Mapping[int, Prepared],
    ) -> int:
        """`update` for a list whose board is still being worked out (see there)."""
        new = 0
        if self._seen_once and recorded is not self.recorded:
            new = sum(1 for b in recorded - self.recorded if b[0] in self.incidents)
        self._seen_once = True
        self._serial = None  # the watcher's next state counts from nothing taken here
        self.incidents = {i.id: i for i in incidents if i.id in inputs}
        # running incidents whose clock inputs the first snapshot did not read yet
        self._waiting = {i.id for i in incidents if i.id not in inputs and read_model.clocks_run(i)}
        self.inputs, self.recorded = inputs, recorded
        self._kept = {
            i: one
            for i, one in prepared.items()
            if one.incident is self.incidents.get(i) and one.inputs is inputs.get(i)
        }
        self._unrecorded, self._watch = {}, []
        self.pending = True
        return new

    def timers(self, now: dt.datetime) -> Mapping[int, tuple[sla.Timer, ...]]:
        """Every running incident's timers at `now`, each computed when looked up."""
        return _LazyTimers(self, now)

    def read(self, now: dt.datetime) -> BoardReading:
        """The board at `now`: countdown labels are formatted when looked up (the list
        asks for the rows on screen), and only incidents with something due by now
        are looked at to say whether anything fell due unrecorded."""
        unrecorded = False
        for _due, incident_id in self._watch[: bisect.bisect_right(self._watch, (now, _LAST))]:
            kept = self._kept[incident_id]
            rung = kept.escalation_due(now)
            # a rung is due the moment its time comes: auto-advance takes it
            if (rung is not None and rung <= now) or any(
                sla.is_overdue(d, now) for d in self._unrecorded.get(incident_id, ())
            ):
                unrecorded = True
                break
        return BoardReading(_LazyTimers(self, now), _DueLabels(self, now), unrecorded)

    def due_label(self, incident_id: int, now: dt.datetime) -> str:
        """The list's next-deadline cell: `ack 14m`, `escal. 3m`, or '' (none running)."""
        kept = self._kept.get(incident_id)
        if kept is None:
            if self.pending and (incident_id in self.incidents or incident_id in self._waiting):
                return WORKING_OUT
            return ""
        urgent = kept.urgent
        rung = kept.escalation_due(now)
        if rung is not None and (urgent is None or rung < urgent[1]):
            urgent = ("escalation", rung)
        if urgent is None:
            return ""
        return f"{LIST_LABELS.get(urgent[0], urgent[0])} {list_countdown(urgent[1] - now)}"

    def ladder(self, incident_id: int, now: dt.datetime) -> escalation.LadderStatus | None:
        incident = self.incidents.get(incident_id)
        inputs = self.inputs.get(incident_id)
        if incident is None or inputs is None:
            return None
        return escalation.ladder_status(
            incident,
            self.policy,
            now,
            pauses=inputs.history.reopened,
            assigned=inputs.assigned,
            engaged=inputs.engaged,
        )
