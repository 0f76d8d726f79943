"""The policy in effect, as the database records it (table `policy_record`, newest row
rules): read by every console and command, written by the service's `adopt_policy`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.policy_record import PolicyRecord
from warroom.domain.timefmt import to_iso
from warroom.store.queries import _time
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    import sqlite_utils


def recorded_policy(db: sqlite_utils.Database) -> PolicyRecord | None:
    """The policy recorded last, or None when none was recorded yet."""
    row = db.conn.execute(
        "SELECT id, fingerprint, source, modified, text, recorded_at, recorded_by"
        " FROM policy_record ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    where = f"policy record #{row[0]}"
    return PolicyRecord(
        fingerprint=str(row[1]),
        source=str(row[2]),
        text=str(row[4]),
        modified=_time(row[3], where, "modified"),
        recorded_at=_time(row[5], where, "recorded_at"),
        recorded_by=str(row[6]),
    )


def recorded_fingerprint(db: sqlite_utils.Database) -> str | None:
    """The fingerprint of the policy recorded last (None: none yet): read on every change,
    so a running console learns that someone adopted another policy."""
    row = db.conn.execute(
        "SELECT fingerprint FROM policy_record ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])


def record_policy(uow: UnitOfWork, record: PolicyRecord) -> None:
    """Record `record` as the policy in effect from now, by the unit of work's actor."""
    uow.conn.execute(
        "INSERT INTO policy_record (fingerprint, source, modified, text, recorded_at,"
        " recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
        (
            record.fingerprint,
            record.source,
            None if record.modified is None else to_iso(record.modified),
            record.text,
            uow.stamp,
            uow.actor.name,
        ),
    )
