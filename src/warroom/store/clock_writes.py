"""The statements the clock-driven actions run inside their unit of work: breaches
and escalations, each written exactly once however many consoles notice it (a
UNIQUE key per breach, a compare-and-set on the escalation level)."""

from __future__ import annotations

import datetime as dt

from warroom.domain.timefmt import to_iso
from warroom.domain.vocabulary import SYSTEM_AUTHOR
from warroom.store.unit_of_work import UnitOfWork


def record_breach(uow: UnitOfWork, incident_id: int, timer: str, deadline: dt.datetime) -> bool:
    """Record the breach unless another process already did; True if this one did."""
    cursor = uow.conn.execute(
        "INSERT OR IGNORE INTO sla_breaches (incident_id, timer, deadline, recorded_at)"
        " VALUES (?, ?, ?, ?)",
        (incident_id, timer, to_iso(deadline), uow.stamp),
    )
    return cursor.rowcount == 1


def advance_level(uow: UnitOfWork, incident_id: int, level_from: int, level_to: int) -> bool:
    """Move the ladder from `level_from` to `level_to`; False if someone moved it first."""
    return (
        uow.conn.execute(
            "UPDATE incidents SET escalation_level = ? WHERE id = ? AND escalation_level = ?",
            (level_to, incident_id, level_from),
        ).rowcount
        == 1
    )


def set_level(uow: UnitOfWork, incident_id: int, level: int) -> None:
    """Put the ladder at `level` (a manual escalation)."""
    uow.conn.execute("UPDATE incidents SET escalation_level = ? WHERE id = ?", (level, incident_id))


def insert_escalation(
    uow: UnitOfWork,
    incident_id: int,
    *,
    level: int,
    who: str,
    person: str,
    notify: str,
    at: dt.datetime,
    how: str,
) -> None:
    """Record one rung reached: a manual one signed by the actor, an automatic one by warroom."""
    uow.conn.execute(
        "INSERT INTO escalations (incident_id, level, who, person, notify, engaged_at, how, by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            incident_id,
            level,
            who,
            person,
            notify,
            to_iso(at),
            how,
            uow.actor.name if how == "manual" else SYSTEM_AUTHOR,
        ),
    )
