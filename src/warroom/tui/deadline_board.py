"""Every incident's deadlines (SLA timers, ladder rungs), recomputed once a second.

Deadlines derive from the stored timestamps, the history and the policy
(never a stored countdown), so the board is right after a restart. It also
says when something fell due that nobody has recorded yet, so the console
can ask the service to write it, and counts newly recorded breaches for the bell.
"""

from __future__ import annotations

import datetime as dt
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
    "resolve": "resolve",
    "postmortem": "PM",
    "escalation": "escal.",
}


def list_countdown(remaining: dt.timedelta) -> str:
    """The list's coarser countdown: `45s`, `14m`, `1h 04m`, `OVERDUE 32m`.

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
        text = f"{span // 3600}h {span % 3600 // 60:02d}m"
    else:
        text = f"{span // 86400}d {span % 86400 // 3600:02d}h"
    return f"OVERDUE {text}" if seconds < 0 else text


@dataclass(frozen=True)
class BoardReading:
    timers: dict[int, tuple[sla.Timer, ...]]
    next_due: dict[int, str]  # incident id -> "Ack OVERDUE +04:12"
    unrecorded: bool  # a breach or a due rung that is not in the record yet


class DeadlineBoard:
    """The deadlines of every running incident, from the last real snapshot."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.incidents: dict[int, Incident] = {}
        self.inputs: dict[int, ClockInputs] = {}
        self.recorded: frozenset[tuple[int, str, str]] = frozenset()
        self._seen_once = False

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
        return new

    def read(self, now: dt.datetime) -> BoardReading:
        timers: dict[int, tuple[sla.Timer, ...]] = {}
        next_due: dict[int, str] = {}
        unrecorded = False
        for incident_id, incident in self.incidents.items():
            inputs = self.inputs[incident_id]
            found = sla.timers(incident, self.policy, now, inputs.history, assigned=inputs.assigned)
            timers[incident_id] = found
            urgent = sla.most_urgent(found)
            if urgent is not None:
                label = LIST_LABELS.get(urgent.name, urgent.name)
                next_due[incident_id] = f"{label} {list_countdown(urgent.remaining)}"
            for timer in found:
                if timer.name == "escalation":
                    # a rung is due the moment its time comes: auto-advance takes it
                    unrecorded = unrecorded or timer.remaining <= dt.timedelta(0)
                elif timer.state == sla.OVERDUE:
                    key = (incident_id, timer.name, to_iso(timer.deadline))
                    unrecorded = unrecorded or key not in self.recorded
        return BoardReading(timers, next_due, unrecorded)

    def ladder(self, incident_id: int, now: dt.datetime) -> escalation.LadderStatus | None:
        incident = self.incidents.get(incident_id)
        inputs = self.inputs.get(incident_id)
        if incident is None or inputs is None:
            return None
        return escalation.ladder_status(
            incident, self.policy, now, pauses=inputs.history.reopened, assigned=inputs.assigned
        )
