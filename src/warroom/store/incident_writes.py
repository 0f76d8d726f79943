"""The statements the incident actions run inside their unit of work.

Each write sets only what the action changed ("status = fixing"), never a copy
of the whole row, so two consoles cannot overwrite each other's changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from warroom.domain.timefmt import to_iso
from warroom.store.unit_of_work import UnitOfWork


def insert_incident(
    uow: UnitOfWork,
    *,
    title: str,
    severity: str,
    kind: str,
    summary: str,
    commander: str,
    drill: bool,
    declared: dt.datetime,
) -> int:
    """A new investigating incident with its channel name; returns its id."""
    cursor = uow.conn.execute(
        "INSERT INTO incidents (title, severity, status, kind, summary, commander, drill,"
        " declared_at) VALUES (?, ?, 'investigating', ?, ?, ?, ?, ?)",
        (title, severity, kind, summary, commander, int(drill), to_iso(declared)),
    )
    incident_id = int(cursor.lastrowid or 0)
    channel = f"#incident-{declared:%Y-%m-%d}-{incident_id}"
    uow.conn.execute("UPDATE incidents SET channel = ? WHERE id = ?", (channel, incident_id))
    return incident_id


def set_fields(uow: UnitOfWork, incident_id: int, changes: dict[str, Any]) -> None:
    """Set the incident's `changes` (column → value; column names are ours, never typed)."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    uow.conn.execute(
        f"UPDATE incidents SET {assignments} WHERE id = ?", (*changes.values(), incident_id)
    )


def set_role(
    uow: UnitOfWork, incident_id: int, role: str, person: str, at: dt.datetime
) -> str | None:
    """Move `role` to `person` at `at`, ending the previous holder; returns who had it."""
    row = uow.conn.execute(
        "SELECT id, person FROM roles WHERE incident_id = ? AND role = ? AND ended_at IS NULL",
        (incident_id, role),
    ).fetchone()
    if row is not None:
        uow.conn.execute("UPDATE roles SET ended_at = ? WHERE id = ?", (to_iso(at), row[0]))
    uow.conn.execute(
        "INSERT INTO roles (incident_id, role, person, assigned_at, assigned_by)"
        " VALUES (?, ?, ?, ?, ?)",
        (incident_id, role, person, to_iso(at), uow.actor.name),
    )
    if role == "commander":
        set_fields(uow, incident_id, {"commander": person})
    return None if row is None else str(row[1])


def add_role_holder(
    uow: UnitOfWork, incident_id: int, role: str, person: str, at: dt.datetime
) -> None:
    """Give `role` to `person` too: a role other than command may hold several people."""
    uow.conn.execute(
        "INSERT INTO roles (incident_id, role, person, assigned_at, assigned_by)"
        " VALUES (?, ?, ?, ?, ?)",
        (incident_id, role, person, to_iso(at), uow.actor.name),
    )


def current_holders(uow: UnitOfWork, incident_id: int, role: str) -> tuple[str, ...]:
    """Who holds `role` now, in the order assigned (read under the write lock)."""
    return tuple(
        str(row[0])
        for row in uow.conn.execute(
            "SELECT person FROM roles WHERE incident_id = ? AND role = ? AND ended_at IS NULL"
            " ORDER BY id",
            (incident_id, role),
        )
    )


def end_role_holder(
    uow: UnitOfWork, incident_id: int, role: str, person: str, at: dt.datetime
) -> bool:
    """`person` no longer holds `role` (history kept); False if they did not hold it."""
    return (
        uow.conn.execute(
            "UPDATE roles SET ended_at = ? WHERE id = (SELECT id FROM roles WHERE incident_id = ?"
            " AND role = ? AND person = ? AND ended_at IS NULL ORDER BY id LIMIT 1)",
            (to_iso(at), incident_id, role, person),
        ).rowcount
        == 1
    )


def open_follow_up_count(uow: UnitOfWork, incident_id: int) -> int:
    """How many of the incident's follow-ups are still open (said when it closes)."""
    return int(
        uow.conn.execute(
            "SELECT count(*) FROM follow_ups WHERE incident_id = ? AND status = 'open'",
            (incident_id,),
        ).fetchone()[0]
    )
