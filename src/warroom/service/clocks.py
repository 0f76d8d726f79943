"""The clock-driven actions: breaches, escalations and the notify hook.

Whoever notices first — one console, five, or a later CLI command — writes a
breach or an escalation; the database makes sure it is written exactly once
(a UNIQUE key per breach, a compare-and-set on the escalation level, both
inside one unit of work that re-reads the incident).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from warroom.domain import escalation, sla
from warroom.domain.models import Incident
from warroom.domain.timefmt import to_iso
from warroom.errors import InvalidInput
from warroom.notify import HookRun, run_hook
from warroom.service.base import RoomBase
from warroom.store import clock_queries, clock_writes, queries
from warroom.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Engaged:
    """A rung just reached, for the notify hook."""

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


def _record_breach(uow: UnitOfWork, incident_id: int, breach: sla.Breach) -> bool:
    if not clock_writes.record_breach(uow, incident_id, breach.timer, breach.deadline):
        return False
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


def _engage(
    uow: UnitOfWork, incident_id: int, severity: str, rung: escalation.RungStatus, how: str
) -> Engaged:
    """Record one rung reached. An automatic step is dated when its rung fell due, so
    the record is the same whichever process noticed it, and however late."""
    at = min(rung.due_at, uow.now) if how == "auto" else uow.now
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
    )
    named = rung.rung.who if person == rung.rung.who else f"{rung.rung.who} ({person})"
    by = f" by {uow.actor.name}" if how == "manual" else " (automatic)"
    via = f" via {rung.notify}" if rung.notify else ""
    uow.append_timeline(
        incident_id,
        "escalation",
        f"Escalated to level {rung.level}: {named}{via}{by}",
        at=at,
        data={
            "level": rung.level,
            "who": rung.rung.who,
            "person": person,
            "how": how,
            "notify": rung.notify,
        },
        automatic=how == "auto",
    )
    return Engaged(incident_id, severity, rung.level, rung.rung.who, person, rung.notify, how)


class Clocks(RoomBase):
    """Breaches recorded, ladders climbed, people paged."""

    def sweep(self, incident_ids: list[int] | None = None) -> SweepResult:
        """Record every due breach and auto-advance every due ladder, exactly once each.

        Reads first without a lock; only when something is due does it take the
        write lock and check again, so idle consoles sweeping cost no writes.
        """
        now = self.clock.now()
        live = clock_queries.clock_incidents(self.db, incident_ids)
        # what is recorded, read for all of them at once (not 3 queries per incident)
        histories = queries.histories(self.db, live)
        recorded: dict[int, set[tuple[str, str]]] = {i: set() for i in live}
        for incident_id, timer, deadline in queries.recorded_breaches(self.db, live):
            recorded[incident_id].add((timer, deadline))
        candidates = [i for i in live if self._has_work(i, now, histories[i], recorded[i])]
        result = SweepResult([], [])
        if not candidates:
            return result
        with self.unit_of_work(now) as uow:
            for incident_id in candidates:
                incident = queries.incident(uow.db, incident_id)
                history = queries.history(uow.db, incident_id)
                for breach in sla.breaches(incident, self.policy, now, history):
                    if _record_breach(uow, incident_id, breach):
                        result.breaches.append((incident_id, breach))
                result.engaged.extend(self._advance(uow, incident_id, history))
        return result

    def _has_work(
        self,
        incident_id: int,
        now: dt.datetime,
        history: sla.IncidentHistory,
        recorded: set[tuple[str, str]],
    ) -> bool:
        """Whether a breach is due and unrecorded, or a rung is due (read without a lock)."""
        try:
            incident = queries.incident(self.db, incident_id)
        except queries.UnreadableRow:  # a stored time it cannot use: left out (and named) by reads
            return False
        for breach in sla.breaches(incident, self.policy, now, history):
            if (breach.timer, to_iso(breach.deadline)) not in recorded:
                return True
        ladder = escalation.ladder_status(incident, self.policy, now, pauses=history.reopened)
        return bool(ladder.due)

    def _ladder(
        self, uow: UnitOfWork, incident: Incident, history: sla.IncidentHistory
    ) -> escalation.LadderStatus:
        return escalation.ladder_status(
            incident,
            self.policy,
            uow.now,
            pauses=history.reopened,
            assigned=queries.role_holders(uow.db, incident.id),
        )

    def _advance(
        self, uow: UnitOfWork, incident_id: int, history: sla.IncidentHistory
    ) -> list[Engaged]:
        incident = queries.incident(uow.db, incident_id)
        ladder = self._ladder(uow, incident, history)
        if not ladder.due:
            return []
        if not clock_writes.advance_level(
            uow, incident_id, incident.escalation_level, ladder.level_after
        ):
            return []
        return [_engage(uow, incident_id, incident.severity, r, "auto") for r in ladder.due]

    def escalate(self, incident_id: int) -> Engaged:
        """Engage the next rung of the ladder now, whatever its time."""
        with self.unit_of_work() as uow:
            incident = queries.incident(uow.db, incident_id)
            ladder = self._ladder(uow, incident, queries.history(uow.db, incident_id))
            upcoming = [r for r in ladder.rungs if r.level > ladder.level]
            if not upcoming:
                raise InvalidInput(
                    f"#{incident_id} is at the top of its {incident.severity} ladder;"
                    " there is nobody left to escalate to"
                )
            rung = upcoming[0]
            clock_writes.set_level(uow, incident_id, rung.level)
            return _engage(uow, incident_id, incident.severity, rung, "manual")

    def run_notify_hook(self, engaged: list[Engaged]) -> list[HookRun]:
        """Run the policy's notify hook for each new escalation and log what happened;
        failures are logged, not raised.

        Runs outside any transaction (a slow hook never holds the write lock).
        """

        hook = self.policy.notify_hook
        if hook is None or not engaged:
            return []
        outcomes = []
        for step in engaged:
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
