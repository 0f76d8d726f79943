"""The clock-driven actions: breaches, escalations and the notify hook.

Whoever notices first — one console, five, or a later CLI command — writes a
breach or an escalation; the database makes sure it is written exactly once
(a UNIQUE key per breach; the record of calls read again under the write
lock, inside one unit of work that re-reads the incident).
"""

from __future__ import annotations

import datetime as dt
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from warroom.domain import escalation, sla
from warroom.domain.models import Engagement, Incident
from warroom.domain.pages import UPDATE_TIMERS, paging_on
from warroom.domain.policy import Policy
from warroom.domain.timefmt import to_iso
from warroom.errors import InvalidInput, WarroomError
from warroom.service.base import RoomBase
from warroom.service.pages import commander_of, paged_people, queue_event
from warroom.store import clock_queries, clock_writes, outbox_queries, queries
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from warroom.notify import HookRun


# the sweep reads what is recorded for this many incidents at a time (SQLite's limit on
# bound values, as the queries chunk them): its memory does not grow with the file
SWEEP_CHUNK = 500

# a sweep with many incidents to record adds incidents to one transaction until it has
# held the write lock this long, or holds this many, then commits and goes on: one
# transaction an incident spent ~1 ms of its ~4.4 ms on BEGIN IMMEDIATE and COMMIT, and
# made a console's watcher read the list again after each (100 ms at 10,000 incidents),
# so catching up on a backlog kept a core busy for minutes; another process's write
# waits behind one such transaction: this long, one incident more and the commit (SQLite's
# busy handler retries in steps of tens of ms: ~35-55 ms in all); the sweeping console's
# own write, for the incident under way (`sweep`'s `waiting` and `turn`)
SWEEP_HOLD_SECONDS = 0.025
SWEEP_BATCH_MOST = 100


@dataclass(frozen=True)
class Engaged:
    """A rung just reached, for the notify hook (`person` empty: nobody held its
    role, and the call fell through to the next rung)."""

    incident_id: int
    severity: str
    level: int
    who: str
    person: str
    notify: str
    how: str


@dataclass(frozen=True)
class SweepResult:
    """What one sweep wrote: the breaches it recorded and the rungs it reached."""

    breaches: list[tuple[int, sla.Breach]]
    engaged: list[Engaged]
    # why the sweep stopped before its last incident, having recorded what it lists
    # (each transaction committed stays): the rest is swept again next time
    stopped: str | None = None


@dataclass
class _Batch:
    """What one transaction of a sweep recorded: the incidents done so far, in order,
    and their breaches and rungs (kept only once it commits)."""

    done: list[int] = field(default_factory=list)
    breaches: list[tuple[int, sla.Breach]] = field(default_factory=list)
    engaged: list[Engaged] = field(default_factory=list)


def _record_breach(uow: UnitOfWork, incident_id: int, breach: sla.Breach, policy: Policy) -> bool:
    if not clock_writes.record_breach(uow, incident_id, breach.timer, breach.deadline):
        return False
    _page_timer(uow, policy, incident_id, "breach", breach.timer, breach.label, breach.deadline)
    uow.append_timeline(
        incident_id,
        "sla_breach",
        f"SLA breached: {breach.label} {to_iso(breach.deadline)} ({breach.severity})",
        at=breach.deadline,
        data={
            "timer": breach.timer,
            "deadline": to_iso(breach.deadline),
            "severity": breach.severity,
        },
        automatic=True,
    )
    return True


def _page_timer(
    uow: UnitOfWork,
    policy: Policy,
    incident_id: int,
    event: str,
    timer: str,
    label: str,
    deadline: dt.datetime,
) -> None:
    """Page the commander and whoever the ladder called last: a timer breached
    (`breach`) or about to be (`warning`; an update timer's is `update_due`)."""
    if event == "warning" and timer in UPDATE_TIMERS:
        event = "update_due"
    said = {"breach": "SLA breached", "warning": "SLA about to breach", "update_due": "due"}
    what = f"{said[event]}: {label} {to_iso(deadline)}"
    names = [commander_of(uow, incident_id), *paged_people(uow, incident_id)[:1]]
    key = f"{event}:{timer}:{to_iso(deadline)}"
    queue_event(uow, policy, incident_id, event, key, what, names, values={"timer": timer})


def _warnings(
    incident: Incident, policy: Policy, now: dt.datetime, history: sla.IncidentHistory
) -> list[sla.Timer]:
    """The timers inside their warning window (the policy's warn_before) at `now`."""
    return [
        timer
        for timer in sla.timers(incident, policy, now, history)
        if timer.state == sla.WARNING and timer.name != "escalation"
    ]


def _warning_key(incident_id: int, timer: sla.Timer) -> str:
    """The page event key `_page_timer` records for a timer's warning."""
    event = "update_due" if timer.name in UPDATE_TIMERS else "warning"
    return f"{incident_id}:{event}:{timer.name}:{to_iso(timer.deadline)}"


def _engage(
    uow: UnitOfWork,
    incident_id: int,
    severity: str,
    chain: tuple[escalation.RungStatus, ...],
    how: str,
    since: dt.datetime | None = None,
    *,
    policy: Policy,
) -> list[Engaged]:
    """Record one call: the rung reached and, while its role has nobody, each rung it
    falls through to (each vacancy a warning on the timeline). An automatic step is
    dated when its rung fell due, so the record is the same whichever process noticed
    it, and however late; but never before `since`, when the ladder last changed (a
    rung an upgrade made due was called then). A fall-through is dated with the
    vacancy that caused it."""
    first = chain[0]
    due = max(first.due_at, since) if since is not None else first.due_at
    at = min(due, uow.now) if how == "auto" else uow.now
    reached: list[Engaged] = []
    for index, rung in enumerate(chain):
        person = rung.responder.name
        clock_writes.insert_escalation(
            uow,
            incident_id,
            level=rung.level,
            who=rung.rung.who,
            person=person,
            notify=rung.notify,
            at=at,
            how=how,
            severity=severity,
        )
        by = f" by {uow.actor.name}" if how == "manual" else " (automatic)"
        data = {"level": rung.level, "who": rung.rung.who, "person": person, "how": how}
        if rung.responder.vacant:
            after = chain[index + 1] if index + 1 < len(chain) else None
            onward = (
                f"falls through to level {after.level} {after.rung.who}"
                if after
                else "nobody is left above it on the ladder: call someone by hand"
            )
            text = f"⚠ Level {rung.level} {rung.rung.who}: nobody holds it; {onward}{by}"
            data |= {"vacant": True, "severity": severity}
        else:
            named = rung.rung.who if person == rung.rung.who else f"{rung.rung.who} ({person})"
            via = f" via {rung.notify}" if rung.notify else ""
            text = f"Escalated to level {rung.level}: {named}{via}{by}"
            data |= {"notify": rung.notify, "severity": severity}
        row_id = uow.append_timeline(
            incident_id, "escalation", text, at=at, data=data, automatic=how == "auto"
        )
        if not rung.responder.vacant:
            queue_event(
                uow,
                policy,
                incident_id,
                "escalated",
                f"escalated:{rung.level}:{row_id}",
                f"escalated to level {rung.level}: {named}",
                [person],
                not_to=uow.actor.name if how == "manual" else "",
                values={"level": str(rung.level), "who": rung.rung.who, "notify": rung.notify},
                must_reach=True,
            )
        reached.append(
            Engaged(incident_id, severity, rung.level, rung.rung.who, person, rung.notify, how)
        )
    return reached


class Clocks(RoomBase):
    """Breaches recorded, ladders climbed, people paged."""

    def sweep(
        self,
        incident_ids: list[int] | None = None,
        *,
        waiting: Callable[[], bool] | None = None,
        turn: Callable[[], AbstractContextManager[object]] | None = None,
        hold: float = SWEEP_HOLD_SECONDS,
        most: int = SWEEP_BATCH_MOST,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> SweepResult:
        """Record every due breach and engage every due rung, exactly once each.

        Reads first without a lock; only when something is due does it take the
        write lock and check each incident again, so idle consoles sweeping cost no
        writes. Incidents are recorded in transactions that each hold the lock for
        about `hold` seconds (by `monotonic`) or `most` incidents, whichever comes
        first (one incident: one transaction). A console lets its person's writes go
        first: each transaction runs inside `turn()` (the console's own writes take that
        turn too, so they wait for the transaction's end in the console, not in SQLite's
        busy handler, which sleeps in steps of up to 25 ms), and one commits after the
        incident it is on once `waiting` says a write waits (an entry typed meanwhile
        waits for the incident the transaction is on, not for the rest of it).
        """
        now = self.clock.now()
        live = clock_queries.clock_incidents(self.db, incident_ids)
        # about-to-breach pages: only when someone can be paged (one more read per sweep)
        warn = self.policy.pages.about_to_breach and paging_on(self.policy.contacts)
        candidates: list[int] = []
        for start in range(0, len(live), SWEEP_CHUNK):
            candidates += self._with_work(live[start : start + SWEEP_CHUNK], now, warn=warn)
        result = SweepResult([], [])
        start = 0
        while start < len(candidates):
            # each incident is checked again under the lock, so each is recorded once; a
            # backlog never holds the lock for much longer than `hold`, and a person's
            # entry commits between two transactions
            batch = _Batch()
            try:
                self._record_batch(
                    candidates[start : start + max(most, 1)],
                    batch,
                    warn,
                    hold,
                    monotonic,
                    waiting,
                    turn,
                )
            except Exception as exc:
                return self._stopped(result, batch.done, exc, warn=warn, turn=turn)
            result.breaches.extend(batch.breaches)  # committed: said and paged
            result.engaged.extend(batch.engaged)
            start += len(batch.done)
        return result

    def _record_batch(
        self,
        incident_ids: Sequence[int],
        batch: _Batch,
        warn: bool,
        hold: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        waiting: Callable[[], bool] | None = None,
        turn: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        """Record what is due for the first of `incident_ids`, and the next ones while
        the transaction has held the write lock for less than `hold` seconds and no
        write is `waiting`, in one transaction (inside `turn()`); `batch` says which
        were done (all rolled back if it raises)."""
        with turn() if turn is not None else nullcontext(), self.unit_of_work() as uow:
            # its rows dated once it holds the write lock (a commit another console made
            # while it waited for it is read, and dated, before them), the same moment
            # for each of its incidents
            uow.now = max(uow.now, self.clock.now())
            held = monotonic()
            for incident_id in incident_ids:
                self._record_due(uow, incident_id, batch, warn=warn)
                batch.done.append(incident_id)
                if monotonic() - held >= hold or (waiting is not None and waiting()):
                    break

    def _stopped(
        self,
        result: SweepResult,
        done: list[int],
        failed: Exception,
        *,
        warn: bool,
        turn: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> SweepResult:
        """What a sweep returns when a transaction failed and rolled back: `done`, the
        incidents recorded in it before the failure, recorded again one per transaction
        (so nothing recordable is lost), and why it stopped there; the failure itself
        when nothing at all was recorded."""
        for incident_id in done:
            alone = _Batch()
            try:
                self._record_batch([incident_id], alone, warn, turn=turn)
            except Exception as again:
                failed = again
                break
            result.breaches.extend(alone.breaches)
            result.engaged.extend(alone.engaged)
        if not result.breaches and not result.engaged:
            raise failed
        # what is recorded stays, and is returned so its rungs are paged (the hook runs
        # on what a sweep returns); the rest waits for the next sweep
        reason = str(failed) if isinstance(failed, WarroomError) else f"{failed!r}"
        return SweepResult(result.breaches, result.engaged, stopped=reason)

    def _record_due(self, uow: UnitOfWork, incident_id: int, batch: _Batch, *, warn: bool) -> None:
        """The breaches, rungs and warning pages due for one incident, read again under
        the write lock."""
        now = uow.now
        incident = queries.incident(uow.db, incident_id)
        history = queries.history(uow.db, incident_id)
        for breach in sla.breaches(incident, self.policy, now, history):
            if _record_breach(uow, incident_id, breach, self.policy):
                batch.breaches.append((incident_id, breach))
        batch.engaged += self._advance(uow, incident, history)
        if warn:
            for near in _warnings(incident, self.policy, now, history):
                _page_timer(
                    uow, self.policy, incident_id, "warning", near.name, near.label, near.deadline
                )

    def _with_work(self, chunk: list[int], now: dt.datetime, *, warn: bool) -> list[int]:
        """Those of `chunk` with something due (`_has_work`), from what is recorded read
        for the whole chunk at once (not 3 queries per incident), a chunk at a time: a
        console's sweep over 10,000 incidents held every incident's history, calls and
        breaches at once (~14 MB, which stayed in the console's resident size after)."""
        histories = queries.histories(self.db, chunk)
        calls = queries.engagements_of(self.db, chunk)
        recorded: dict[int, set[tuple[str, str]]] = {i: set() for i in chunk}
        for incident_id, timer, deadline in queries.recorded_breaches(self.db, chunk):
            recorded[incident_id].add((timer, deadline))
        warned = outbox_queries.recorded_warnings(self.db, chunk) if warn and chunk else None
        return [
            i for i in chunk if self._has_work(i, now, histories[i], recorded[i], calls[i], warned)
        ]

    def _has_work(
        self,
        incident_id: int,
        now: dt.datetime,
        history: sla.IncidentHistory,
        recorded: set[tuple[str, str]],
        calls: list[Engagement],
        warned: set[str] | None = None,
    ) -> bool:
        """Whether a breach is due and unrecorded, or a rung is due, or (`warned`: the
        warning pages on record) a timer entered its warning window unpaged (read
        without a lock)."""
        try:
            incident = queries.incident(self.db, incident_id)
        except queries.UnreadableRow:  # a stored time it cannot use: left out (and named) by reads
            return False
        for breach in sla.breaches(incident, self.policy, now, history):
            if (breach.timer, to_iso(breach.deadline)) not in recorded:
                return True
        if warned is not None:
            for timer in _warnings(incident, self.policy, now, history):
                if _warning_key(incident_id, timer) not in warned:
                    return True
        ladder = escalation.ladder_status(
            incident, self.policy, now, pauses=history.reopened, engaged=calls
        )
        if not ladder.due and any(not call.person for call in calls):
            # a rung reached while nobody held its role is due again once someone does
            ladder = escalation.ladder_status(
                incident,
                self.policy,
                now,
                pauses=history.reopened,
                assigned=queries.role_holders(self.db, incident_id),
                engaged=calls,
            )
        return bool(ladder.due)

    def _ladder(
        self, uow: UnitOfWork, incident: Incident, history: sla.IncidentHistory
    ) -> escalation.LadderStatus:
        """The ladder as the record stands, read under the write lock."""
        return escalation.ladder_status(
            incident,
            self.policy,
            uow.now,
            pauses=history.reopened,
            assigned=queries.role_holders(uow.db, incident.id),
            engaged=queries.engagements(uow.db, incident.id),
        )

    def _advance(
        self, uow: UnitOfWork, incident: Incident, history: sla.IncidentHistory
    ) -> list[Engaged]:
        """Engage every due rung not on record yet (read again under the lock, so a
        rung another console engaged a moment ago is not called twice)."""
        ladder = self._ladder(uow, incident, history)
        reached: list[Engaged] = []
        called: set[int] = set()
        since = clock_queries.ladder_changed_at(uow.db, incident.id) if ladder.due else None
        for rung in ladder.due:
            if rung.level in called:
                continue
            chain = escalation.fall_through(ladder, rung)
            called.update(r.level for r in chain)
            reached += _engage(
                uow, incident.id, incident.severity, chain, "auto", since, policy=self.policy
            )
        if reached:
            clock_writes.set_level(uow, incident.id, max(ladder.level, *called))
        return reached

    def escalate(self, incident_id: int, expected: str | None = None) -> list[Engaged]:
        """Call the next rung of the ladder now, whatever its time (`ladder.manual_next`);
        a vacant rung falls through to the next. `expected`: the rung's `who` the person
        confirmed; if the ladder moved meanwhile (another console called it), nothing is
        called and the error says who is next now."""
        with self.unit_of_work() as uow:
            incident = queries.incident(uow.db, incident_id)
            ladder = self._ladder(uow, incident, queries.history(uow.db, incident_id))
            rung = ladder.manual_next
            if rung is None:
                raise InvalidInput(
                    f"#{incident_id} is at the top of its {incident.severity} ladder;"
                    " there is nobody left to escalate to"
                )
            if expected is not None and escalation.rung_key(expected) != escalation.rung_key(
                rung.rung.who
            ):
                raise InvalidInput(
                    f"#{incident_id}'s ladder moved on (someone else escalated): the next"
                    f" rung is now level {rung.level} {rung.rung.who}; nobody was called"
                )
            chain = escalation.fall_through(ladder, rung, manual=True)
            clock_writes.set_level(uow, incident_id, chain[-1].level)
            return _engage(uow, incident_id, incident.severity, chain, "manual", policy=self.policy)

    def run_notify_hook(self, engaged: list[Engaged]) -> list[HookRun]:
        """Run the policy's notify hook for each new escalation and log what happened;
        failures are logged, not raised.

        Runs outside any transaction (a slow hook never holds the write lock).
        """
        hook = self.policy.notify_hook
        if hook is None or not engaged:
            return []
        from warroom.notify import run_hook  # only when a rung was reached

        outcomes = []
        for step in engaged:
            if not step.person:  # a vacant rung: nobody to page (its warning is logged)
                continue
            contact = self.policy.contact(step.person)
            if contact is not None and "hook" in contact.channels:
                continue  # the outbox runs the hook for them, with retries (service/pages.py)
            incident = queries.incident(self.db, step.incident_id)
            values = {
                "incident": str(step.incident_id),
                "title": incident.title,
                "severity": step.severity,
                "status": incident.status,
                "level": str(step.level),
                "who": step.who,
                "person": step.person,
                "notify": step.notify,
                "timer": "escalation",
                "deadline": to_iso(self.clock.now()),
                "channel": incident.channel,
            }
            outcome = run_hook(hook, values)
            with self.unit_of_work() as uow:
                uow.append_timeline(
                    step.incident_id,
                    "escalation",
                    f"{outcome} for {step.person}",
                    data={"hook": outcome.text, "level": step.level},
                    automatic=step.how == "auto",
                )
            outcomes.append(outcome)
        return outcomes
