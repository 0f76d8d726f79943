"""Each incident's deadlines and rungs to come, worked out where it costs the console
nothing: the watcher does it on its own thread for the rows it read, and the deadline
board (deadline_board.py) takes them when they were worked out from the very rows it
is given (10,000 incidents read at start-up: ~0.5 s off the console's thread)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from warroom.domain import escalation, sla
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.domain.timefmt import to_iso
from warroom.store.read_model import ClockInputs


@dataclass(frozen=True, slots=True)
class Prepared:
    """One incident's deadlines and ladder, worked out from these rows (by the watcher,
    off the console's thread: 10,000 incidents read at start-up cost ~0.5 s of it)."""

    incident: Incident
    inputs: ClockInputs
    deadlines: tuple[sla.Deadline, ...]
    rungs: tuple[tuple[dt.datetime, dt.datetime | None], ...]  # escalation.upcoming
    isos: tuple[str, ...]  # each deadline as the record of breaches stores it
    # the most urgent running timer: the earliest deadline, display order on ties
    urgent: tuple[str, dt.datetime] | None

    def escalation_due(self, now: dt.datetime) -> dt.datetime | None:
        """When the next rung fires (ladder_status(...).next_at, without naming anyone)."""
        return next((due for due, stop in self.rungs if stop is None or now < stop), None)


def prepare(incident: Incident, inputs: ClockInputs, policy: Policy) -> Prepared:
    """What the board keeps for `incident`: its deadlines and its rungs to come."""
    deadlines = sla.deadlines(incident, policy, inputs.history)
    urgent: tuple[str, dt.datetime] | None = None
    for d in deadlines:
        if d.done_at is None and (urgent is None or d.deadline < urgent[1]):
            urgent = (d.name, d.deadline)
    rungs = escalation.upcoming(
        incident,
        policy,
        pauses=inputs.history.reopened,
        assigned=inputs.assigned,
        engaged=inputs.engaged,
    )
    isos = tuple(to_iso(d.deadline) for d in deadlines)
    return Prepared(incident, inputs, deadlines, rungs, isos, urgent)


def prepare_all(
    incidents: list[Incident],
    inputs: Mapping[int, ClockInputs],
    policy: Policy,
    before: Mapping[int, Prepared],
    between: Callable[[], object] | None = None,
) -> dict[int, Prepared]:
    """`prepare` for each incident with clock inputs, keeping what `before` holds for
    the very same rows (a list read again hands unchanged rows on). `between`: called
    every few hundred incidents (a background read pauses there while a person moves)."""
    found: dict[int, Prepared] = {}
    for n, incident in enumerate(incidents):
        if between is not None and n % 256 == 255:
            between()
        clock = inputs.get(incident.id)
        if clock is None:
            continue
        kept = before.get(incident.id)
        if kept is not None and kept.incident is incident and kept.inputs is clock:
            found[incident.id] = kept
        else:
            found[incident.id] = prepare(incident, clock, policy)
    return found
