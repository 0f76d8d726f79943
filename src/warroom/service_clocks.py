"""The clock-driven actions: breaches, escalations and posted updates.

Whoever notices first — one console, five, or a later CLI command — writes a
breach or an escalation; the database makes sure it is written exactly once
(a UNIQUE key per breach, a compare-and-set on the escalation level, both
inside one BEGIN IMMEDIATE transaction that re-reads the incident).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from warroom.domain import escalation, sla
from warroom.domain.models import Incident
from warroom.domain.timefmt import to_iso
from warroom.domain.vocabulary import OPEN_STATUSES, SYSTEM_AUTHOR
from warroom.errors import InvalidInput
from warroom.store import queries
from warroom.store.db import transaction

if TYPE_CHECKING:
    from warroom.service import WarRoom

AUDIENCES = ("internal", "external")


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
    breaches: list[tuple[int, sla.Breach]]
    engaged: list[Engaged]


def _clock_incidents(room: WarRoom, incident_ids: list[int] | None) -> list[int]:
    """Incidents whose clocks can still produce something: open or resolved."""
    statuses = sorted(OPEN_STATUSES | {"resolved"})
    marks = ",".join("?" * len(statuses))
    rows = room.db.conn.execute(
        f"SELECT id FROM incidents WHERE status IN ({marks}) ORDER BY id", statuses
    ).fetchall()
    live = [r[0] for r in rows]
    return live if incident_ids is None else [i for i in live if i in set(incident_ids)]


def sweep(room: WarRoom, incident_ids: list[int] | None = None) -> SweepResult:
    """Record every breach and auto-advance every due ladder, once each.

    Reads first without a lock; only when something is due does it take the
    write lock and check again, so idle consoles sweeping cost no writes.
    """
    now = room.clock.now()
    candidates = [i for i in _clock_incidents(room, incident_ids) if _has_work(room, i, now)]
    result = SweepResult([], [])
    if not candidates:
        return result
    with transaction(room.db):
        for incident_id in candidates:
            incident = queries.incident(room.db, incident_id)
            history = queries.history(room.db, incident_id)
            for breach in sla.breaches(incident, room.policy, now, history):
                if _record_breach(room, incident_id, breach, now):
                    result.breaches.append((incident_id, breach))
            result.engaged.extend(_advance(room, incident_id, now, history))
    return result


def _has_work(room: WarRoom, incident_id: int, now: dt.datetime) -> bool:
    try:
        incident = queries.incident(room.db, incident_id)
    except queries.UnreadableRow:  # a stored time it cannot use: left out (and named) by reads
        return False
    history = queries.history(room.db, incident_id)
    recorded = {
        (timer, deadline)
        for timer, deadline in room.db.conn.execute(
            "SELECT timer, deadline FROM sla_breaches WHERE incident_id = ?", (incident_id,)
        )
    }
    for breach in sla.breaches(incident, room.policy, now, history):
        if (breach.timer, to_iso(breach.deadline)) not in recorded:
            return True
    ladder = escalation.ladder_status(incident, room.policy, now, pauses=history.reopened)
    return bool(ladder.due)


def _record_breach(room: WarRoom, incident_id: int, breach: sla.Breach, now: dt.datetime) -> bool:
    cursor = room.db.conn.execute(
        "INSERT OR IGNORE INTO sla_breaches (incident_id, timer, deadline, recorded_at)"
        " VALUES (?, ?, ?, ?)",
        (incident_id, breach.timer, to_iso(breach.deadline), to_iso(now)),
    )
    if cursor.rowcount != 1:
        return False
    room._append(
        incident_id,
        "sla_breach",
        f"SLA breached: {breach.label} {to_iso(breach.deadline)} ({breach.severity})",
        now=now,
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
    room: WarRoom,
    incident_id: int,
    severity: str,
    rung: escalation.RungStatus,
    how: str,
    now: dt.datetime,
) -> Engaged:
    """Record one rung reached. An automatic step is dated when its rung fell due, so
    the record is the same whichever process noticed it, and however late."""
    at = min(rung.due_at, now) if how == "auto" else now
    room.db.conn.execute(
        "INSERT INTO escalations (incident_id, level, who, person, notify, engaged_at, how, by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            incident_id,
            rung.level,
            rung.rung.who,
            rung.responder.name,
            rung.notify,
            to_iso(at),
            how,
            room.actor.name if how == "manual" else SYSTEM_AUTHOR,
        ),
    )
    person = rung.responder.name
    named = rung.rung.who if person == rung.rung.who else f"{rung.rung.who} ({person})"
    by = f" by {room.actor.name}" if how == "manual" else " (automatic)"
    via = f" via {rung.notify}" if rung.notify else ""
    room._append(
        incident_id,
        "escalation",
        f"Escalated to level {rung.level}: {named}{via}{by}",
        now=now,
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


def _ladder(
    room: WarRoom, incident: Incident, now: dt.datetime, history: sla.IncidentHistory
) -> escalation.LadderStatus:
    return escalation.ladder_status(
        incident,
        room.policy,
        now,
        pauses=history.reopened,
        assigned=queries.role_holders(room.db, incident.id),
    )


def _advance(
    room: WarRoom, incident_id: int, now: dt.datetime, history: sla.IncidentHistory
) -> list[Engaged]:
    incident = queries.incident(room.db, incident_id)
    ladder = _ladder(room, incident, now, history)
    if not ladder.due:
        return []
    changed = room.db.conn.execute(
        "UPDATE incidents SET escalation_level = ? WHERE id = ? AND escalation_level = ?",
        (ladder.level_after, incident_id, incident.escalation_level),
    ).rowcount
    if changed != 1:
        return []
    return [_engage(room, incident_id, incident.severity, r, "auto", now) for r in ladder.due]


def escalate_now(room: WarRoom, incident_id: int) -> Engaged:
    """Engage the next rung of the ladder now, whatever its time."""
    now = room.clock.now()
    with transaction(room.db):
        incident = queries.incident(room.db, incident_id)
        ladder = _ladder(room, incident, now, queries.history(room.db, incident_id))
        upcoming = [r for r in ladder.rungs if r.level > ladder.level]
        if not upcoming:
            raise InvalidInput(
                f"#{incident_id} is at the top of its {incident.severity} ladder;"
                " there is nobody left to escalate to"
            )
        rung = upcoming[0]
        room.db.conn.execute(
            "UPDATE incidents SET escalation_level = ? WHERE id = ?", (rung.level, incident_id)
        )
        return _engage(room, incident_id, incident.severity, rung, "manual", now)


def post_update(
    room: WarRoom,
    incident_id: int,
    body: str,
    *,
    audience: str = "internal",
    template: str = "",
) -> int:
    """Record a posted status update: restarts the next-update timer."""
    body = body.strip()
    if not body:
        raise InvalidInput("an empty update was not posted")
    if audience not in AUDIENCES:
        raise InvalidInput(f"unknown audience {audience!r} (expected internal or external)")
    now = room.clock.now()
    with transaction(room.db):
        room._current(incident_id, "id")
        cursor = room.db.conn.execute(
            "INSERT INTO updates (incident_id, audience, template, body, posted_at, author)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (incident_id, audience, template, body, to_iso(now), room.actor.name),
        )
        room.db.conn.execute(
            "UPDATE incidents SET last_update_at = ? WHERE id = ?", (to_iso(now), incident_id)
        )
        room.db.conn.execute("DELETE FROM drafts WHERE incident_id = ?", (incident_id,))
        first_line = body.splitlines()[0]
        room._append(
            incident_id,
            "update_posted",
            f"{audience.capitalize()} update posted: {first_line}",
            now=now,
            data={"audience": audience, "template": template},
        )
        return int(cursor.lastrowid or 0)


def notify(room: WarRoom, engaged: list[Engaged]) -> list[str]:
    """Run the notify hook for each engagement and log what happened.

    Runs outside any transaction (a slow hook never holds the write lock).
    """
    from warroom.notify import run_hook

    hook = room.policy.notify_hook
    if hook is None or not engaged:
        return []
    outcomes = []
    for step in engaged:
        incident = queries.incident(room.db, step.incident_id)
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
            "deadline": to_iso(room.clock.now()),
            "channel": incident.channel,
        }
        outcome = run_hook(hook, values)
        now = room.clock.now()
        with transaction(room.db):
            room._append(
                step.incident_id,
                "escalation",
                f"{outcome} for {step.person}",
                now=now,
                data={"hook": outcome, "level": step.level},
                automatic=step.how == "auto",
            )
        outcomes.append(outcome)
    return outcomes


def save_draft(room: WarRoom, incident_id: int, template: str, body: str) -> None:
    """Keep the update being written (it survives closing the console)."""
    with transaction(room.db):
        room._current(incident_id, "id")
        room.db.conn.execute(
            "INSERT OR REPLACE INTO drafts (incident_id, template, body, updated_at, author)"
            " VALUES (?, ?, ?, ?, ?)",
            (incident_id, template, body, to_iso(room.clock.now()), room.actor.name),
        )


def discard_draft(room: WarRoom, incident_id: int) -> None:
    with transaction(room.db):
        room.db.conn.execute("DELETE FROM drafts WHERE incident_id = ?", (incident_id,))
