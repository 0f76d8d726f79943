"""The statements the clock-driven actions run inside their unit of work: breaches
and escalations, each written exactly once however many consoles notice it (a
UNIQUE key per breach; a call is written only after the record of calls was read
again under the write lock, which BEGIN IMMEDIATE takes before any read)."""

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


def set_level(uow: UnitOfWork, incident_id: int, level: int) -> None:
    """Keep the incident's escalation level (the highest rung reached) with the record."""
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
    severity: str,
) -> None:
    """Record one rung reached (`person` empty: nobody held its role): a manual one
    signed by the actor, an automatic one by warroom."""
    uow.conn.execute(
        "INSERT INTO escalations (incident_id, level, who, person, notify, engaged_at, how, by,"
        " severity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            incident_id,
            level,
            who,
            person,
            notify,
            to_iso(at),
            how,
            uow.actor.name if how == "manual" else SYSTEM_AUTHOR,
            severity,
        ),
    )
