"""Each incident's deadlines and rungs to come, worked out where it costs the console
nothing: the watcher does it on its own thread for the rows it read, and the deadline
board (deadline_board.py) takes them when they were worked out from the very rows it
is given (10,000 incidents read at start-up: ~0.5 s off the console's thread)."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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
    return Prepared(incident, inputs, deadlines, rungs, urgent)


# `prepare_all`, `work_out`: `between` after this many incidents. Each incident is
# ~60 us of the interpreter (10,000 incidents: ~4,000 prepared at start-up); an entry
# typed then waited for up to a batch of 256 (~15-25 ms beside the console's thread)
# before it was read: 32, entries typed during start-up median ~24 -> ~18 ms
BETWEEN_EVERY = 32


def prepare_all(
    incidents: list[Incident],
    inputs: Mapping[int, ClockInputs],
    policy: Policy,
    before: Mapping[int, Prepared],
    between: Callable[[], object] | None = None,
) -> dict[int, Prepared]:
    """`prepare` for each incident with clock inputs, keeping what `before` holds for
    the very same rows (a list read again hands unchanged rows on). `between`: called
    every `BETWEEN_EVERY` incidents (a background read pauses there while a person
    moves, or serves what they wait for)."""
    found: dict[int, Prepared] = {}
    for n, incident in enumerate(incidents):
        if between is not None and n % BETWEEN_EVERY == BETWEEN_EVERY - 1:
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


_SERIALS = itertools.count()
# `work_out`: incidents compared with the record one deadline at a time before the
# incidents with a breach on record are gathered (the same answer either way)
ON_RECORD_AFTER = 64
# `work_out`: at most this many incidents (or an eighth of those watched) moved in the
# list of what can fall due; more, and it is sorted again whole
WATCH_MOVED = 64


@dataclass(frozen=True)
class BoardWork:
    """The deadline board's whole state for one list read, worked out by the watcher
    (10,000 incidents: ~50 ms of the console's thread on each list change before):
    the running incidents, their deadlines, those not in the record of breaches, and
    the earliest moment each can fall due unrecorded. Good for these very containers
    (`incidents`, `inputs`, `recorded`) only."""

    incidents: list[Incident]
    inputs: Mapping[int, ClockInputs]
    recorded: frozenset[tuple[int, str, str]]
    running: dict[int, Incident]
    kept: dict[int, Prepared]
    unrecorded: dict[int, tuple[sla.Deadline, ...]]
    earliest: dict[int, dt.datetime]  # incidents with something that can fall due
    watch: list[tuple[dt.datetime, int]]  # (earliest, incident), in time order
    # breaches recorded since the state this one was worked out from (`before`), of
    # incidents that state had running, and that state (the bell's count, for a board
    # that took `before`)
    recorded_since: int = 0
    before: int | None = None
    serial: int = field(default_factory=lambda: next(_SERIALS))
    # `recorded` by incident, when the watcher handed it on (`IncidentList.breaches_of`)
    recorded_of: Mapping[int, frozenset[tuple[int, str, str]]] | None = None


def work_out(
    incidents: list[Incident],
    inputs: Mapping[int, ClockInputs],
    recorded: frozenset[tuple[int, str, str]],
    prepared: Mapping[int, Prepared],
    policy: Policy,
    before: BoardWork | None = None,
    between: Callable[[], object] | None = None,
    changed: Mapping[int, Incident | None] | None = None,
    recorded_of: Mapping[int, frozenset[tuple[int, str, str]]] | None = None,
) -> BoardWork:
    """The board's state for this read; an incident whose deadlines are the very ones
    `before` held and whose record of breaches did not change keeps what was found for
    it there. `between`: called every `BETWEEN_EVERY` incidents (start-up's watcher reads
    what the person waits for there).

    `changed`: the incidents read again since the list `before` was worked out from
    (by id; None: no longer listed), when every other row, clock input and breach of
    this list is that list's very one (`IncidentList.since`): only those are looked at,
    not every running incident (a commit's read at 10,000 incidents walked all of them,
    ~20 ms of the watcher's thread for each entry another console logged).
    `recorded_of`: `recorded` by incident; with `before`'s too, the breaches recorded
    since are counted for those incidents alone, not found among all of them."""
    since = 0
    if before is None:
        moved: set[int] | None = None  # nothing to keep
    elif changed is not None:  # the rows, inputs and record changed for these only
        moved = set(changed)
        was_of = before.recorded_of
        if recorded is before.recorded:
            since = 0
        elif recorded_of is not None and was_of is not None:
            none: frozenset[tuple[int, str, str]] = frozenset()
            since = sum(
                len(recorded_of.get(i, none) - was_of.get(i, none))
                for i in changed
                if i in before.running
            )
        else:
            since = sum(1 for b in recorded - before.recorded if b[0] in before.running)
    elif recorded is before.recorded:
        moved = set()
    else:  # incidents with a breach recorded (or removed) since
        added = recorded - before.recorded
        moved = {b[0] for b in added} | {b[0] for b in before.recorded - recorded}
        since = sum(1 for b in added if b[0] in before.running)
    # incidents with any breach on record: only their deadlines need writing out to be
    # compared with it (the others' are all unrecorded); gathered once more than a few
    # incidents need it (a commit's read changes one or two, and gathering them from
    # the record, ~40,000 breaches at 10,000 incidents, was a third of the work)
    on_record: set[int] | None = None
    looked_at: list[int] = []  # the incidents worked out here (not kept from `before`)
    kept: dict[int, Prepared]
    unrecorded: dict[int, tuple[sla.Deadline, ...]]
    earliest: dict[int, dt.datetime]

    def look(incident_id: int, incident: Incident) -> None:
        """Work out what of `incident` is unrecorded, and the earliest it can fall due."""
        nonlocal on_record
        one = prepared.get(incident_id)
        clock = inputs[incident_id]
        if one is None or not (_same(one.incident, incident) and _same(one.inputs, clock)):
            one = prepare(incident, clock, policy)
        kept[incident_id] = one
        unrecorded.pop(incident_id, None)
        earliest.pop(incident_id, None)
        if (
            before is not None
            and moved is not None
            and incident_id not in moved
            and before.kept.get(incident_id) is one
        ):
            if incident_id in before.unrecorded:
                unrecorded[incident_id] = before.unrecorded[incident_id]
            if incident_id in before.earliest:
                earliest[incident_id] = before.earliest[incident_id]
            return
        # each deadline as the record of breaches stores it, written out here only (kept,
        # 10,000 incidents held ~40,000 such strings)
        looked_at.append(incident_id)
        if on_record is None and len(looked_at) > ON_RECORD_AFTER:
            on_record = {b[0] for b in recorded}
        missing = (
            tuple(
                d
                for d in one.deadlines
                if (incident_id, d.name, record_form(d.deadline)) not in recorded
            )
            if on_record is None or incident_id in on_record
            else one.deadlines
        )
        if missing:
            unrecorded[incident_id] = missing
        # the earliest moment anything of this incident can fall due unrecorded
        moments = [d.deadline for d in missing] + [due for due, _stop in one.rungs]
        if moments:
            earliest[incident_id] = min(moments)

    if before is not None and changed is not None:
        # the rows of `before`'s list, with those read again looked at (the record of
        # breaches changed for those only); the dicts are copied whole, in C
        running = dict(before.running)
        kept, unrecorded, earliest = (
            dict(before.kept),
            dict(before.unrecorded),
            dict(before.earliest),
        )
        for incident_id, incident in changed.items():
            if incident is None or incident_id not in inputs:
                for held in (running, kept, unrecorded, earliest):
                    held.pop(incident_id, None)
                continue
            running[incident_id] = incident
            look(incident_id, incident)
    else:
        running = {i.id: i for i in incidents if i.id in inputs}
        kept, unrecorded, earliest = {}, {}, {}
        for n, (incident_id, incident) in enumerate(running.items()):
            if between is not None and n % BETWEEN_EVERY == BETWEEN_EVERY - 1:
                between()
            look(incident_id, incident)
    watch = _watch(earliest, before, looked_at, running)
    return BoardWork(
        incidents,
        inputs,
        recorded,
        running,
        kept,
        unrecorded,
        earliest,
        watch,
        since,
        None if before is None else before.serial,
        recorded_of=recorded_of,
    )


def _watch(
    earliest: Mapping[int, dt.datetime],
    before: BoardWork | None,
    looked_at: list[int],
    running: Mapping[int, Incident],
) -> list[tuple[dt.datetime, int]]:
    """`earliest` as (moment, incident) in time order: `before`'s list with the few
    incidents worked out again (or gone) moved in it, when only a few were. Sorting all
    of them again for each commit's read (~9,000 at 10,000 incidents while a console
    catches up on a stale file) was a sixth of the watcher's work, and the console's
    thread freed the old list's every pair when it took the new one."""
    if before is None:
        return sorted((moment, incident_id) for incident_id, moment in earliest.items())
    gone = list(before.earliest.keys() - running.keys()) if before.earliest else []
    moved = [i for i in looked_at if earliest.get(i) != before.earliest.get(i)] + gone
    if len(moved) > max(WATCH_MOVED, len(before.watch) // 8):
        return sorted((moment, incident_id) for incident_id, moment in earliest.items())
    watch = list(before.watch)  # the same pairs: freeing it frees none of them
    for incident_id in moved:
        was = before.earliest.get(incident_id)
        if was is not None:
            del watch[bisect.bisect_left(watch, (was, incident_id))]
        now = earliest.get(incident_id)
        if now is not None:
            bisect.insort(watch, (now, incident_id))
    return watch


def record_form(at: dt.datetime) -> str:
    """`timefmt.to_iso` (the record of breaches' form), by the C `isoformat`: the same
    text, in a third of the time (10,000 incidents: ~24,000 deadlines at start-up)."""
    utc = at.astimezone(dt.UTC) if at.tzinfo is not None else None
    if utc is None or utc.year < 1000:  # refused, or written without the leading zeros
        return to_iso(at)
    return utc.isoformat(timespec="seconds")[:19] + "Z"


def _same(before: object, now: object) -> bool:
    """Equal rows, the identity first: a list read again hands unchanged rows on."""
    return before is now or before == now
