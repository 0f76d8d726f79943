"""Every incident's deadlines (SLA timers, ladder rungs), recomputed once a second.

Deadlines derive from the stored timestamps, the history and the policy
(never a stored countdown), so the board is right after a restart. It also
says when something fell due that nobody has recorded yet, so the console
can ask the service to write it, and counts newly recorded breaches for the bell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from warroom.domain import escalation, sla
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.domain.timefmt import to_iso
from warroom.tui.messages import ClockInputs

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
                incident, self._board.policy, self._now, inputs.history, assigned=inputs.assigned
            )
        return self._found[incident_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._board.incidents)

    def __len__(self) -> int:
        return len(self._board.incidents)


@dataclass(frozen=True)
class _Kept:
    """One incident's deadlines, kept while its incident row and clock inputs are."""

    incident: Incident
    inputs: ClockInputs
    deadlines: tuple[sla.Deadline, ...]
    rungs: tuple[tuple[dt.datetime, dt.datetime | None], ...]  # escalation.upcoming
    isos: tuple[str, ...]  # each deadline as the record of breaches stores it
    # the most urgent running timer: the earliest deadline, display order on ties
    urgent: tuple[str, dt.datetime] | None

    @classmethod
    def of(
        cls,
        incident: Incident,
        inputs: ClockInputs,
        deadlines: tuple[sla.Deadline, ...],
        rungs: tuple[tuple[dt.datetime, dt.datetime | None], ...],
    ) -> _Kept:
        urgent: tuple[str, dt.datetime] | None = None
        for d in deadlines:
            if d.done_at is None and (urgent is None or d.deadline < urgent[1]):
                urgent = (d.name, d.deadline)
        isos = tuple(to_iso(d.deadline) for d in deadlines)
        return cls(incident, inputs, deadlines, rungs, isos, urgent)

    def escalation_due(self, now: dt.datetime) -> dt.datetime | None:
        """When the next rung fires (ladder_status(...).next_at, without naming anyone)."""
        return next((due for due, stop in self.rungs if stop is None or now < stop), None)


@dataclass(frozen=True)
class BoardReading:
    timers: Mapping[int, tuple[sla.Timer, ...]]  # computed when looked up
    next_due: dict[int, str]  # incident id -> "Ack OVERDUE 4m"
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
        self._kept: dict[int, _Kept] = {}
        # deadlines not in the record of breaches: only these can fall due unrecorded
        self._unrecorded: tuple[sla.Deadline, ...] = ()

    def update(
        self,
        incidents: list[Incident],
        inputs: dict[int, ClockInputs],
        recorded: frozenset[tuple[int, str, str]],
    ) -> int:
        """Take a snapshot read from the database; returns how many breaches were
        recorded since the last one. Only a real read may come here: the record of
        breaches is what keeps the bell from ringing twice."""
        new = len(recorded - self.recorded) if self._seen_once else 0
        self._seen_once = True
        self.incidents = {i.id: i for i in incidents if i.id in inputs}
        self.inputs = inputs
        self.recorded = recorded
        kept: dict[int, _Kept] = {}
        for incident_id, incident in self.incidents.items():
            clock = inputs[incident_id]
            before = self._kept.get(incident_id)
            if (
                before is not None
                and _same(before.incident, incident)
                and _same(before.inputs, clock)
            ):
                kept[incident_id] = before
                continue
            kept[incident_id] = _Kept.of(
                incident,
                clock,
                sla.deadlines(incident, self.policy, clock.history),
                escalation.upcoming(
                    incident,
                    self.policy,
                    pauses=clock.history.reopened,
                    assigned=clock.assigned,
                ),
            )
        self._kept = kept
        self._unrecorded = tuple(
            d
            for incident_id, one in kept.items()
            for d, iso in zip(one.deadlines, one.isos, strict=True)
            if (incident_id, d.name, iso) not in recorded
        )
        return new

    def timers(self, now: dt.datetime) -> Mapping[int, tuple[sla.Timer, ...]]:
        """Every running incident's timers at `now`, each computed when looked up."""
        return _LazyTimers(self, now)

    def read(self, now: dt.datetime) -> BoardReading:
        next_due: dict[int, str] = {}
        unrecorded = False
        for incident_id, kept in self._kept.items():
            urgent = kept.urgent
            rung = kept.escalation_due(now)
            if rung is not None:
                # a rung is due the moment its time comes: auto-advance takes it
                unrecorded = unrecorded or rung <= now
                if urgent is None or rung < urgent[1]:
                    urgent = ("escalation", rung)
            if urgent is not None:
                label = LIST_LABELS.get(urgent[0], urgent[0])
                next_due[incident_id] = f"{label} {list_countdown(urgent[1] - now)}"
        unrecorded = unrecorded or any(sla.is_overdue(d, now) for d in self._unrecorded)
        return BoardReading(_LazyTimers(self, now), next_due, unrecorded)

    def ladder(self, incident_id: int, now: dt.datetime) -> escalation.LadderStatus | None:
        incident = self.incidents.get(incident_id)
        inputs = self.inputs.get(incident_id)
        if incident is None or inputs is None:
            return None
        return escalation.ladder_status(
            incident, self.policy, now, pauses=inputs.history.reopened, assigned=inputs.assigned
        )


def _same(before: object, now: object) -> bool:
    """Equal rows, the identity first: a list read again hands unchanged rows on."""
    return before is now or before == now
