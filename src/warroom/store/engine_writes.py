"""The statements that keep an engine's record in the file (see `service.engines`):
written when it starts, its heartbeat moved while it runs, removed when it stops."""

from __future__ import annotations

import datetime as dt

from warroom.domain.timefmt import to_iso
from warroom.store.unit_of_work import UnitOfWork


def insert_engine(
    uow: UnitOfWork,
    pid: int,
    host: str,
    listen: str,
    version: str,
    *,
    engine_id: int | None = None,
    started_at: dt.datetime | None = None,
) -> int:
    """An engine record heard at `uow.now` (started then, unless `started_at`); returns
    its id. `engine_id`: put back the record of a running engine that another removed
    while its heartbeat was late."""
    cursor = uow.conn.execute(
        "INSERT INTO engines (id, pid, host, listen, version, started_at, heartbeat_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (engine_id, pid, host, listen, version, to_iso(started_at or uow.now), uow.stamp),
    )
    return int(cursor.lastrowid or 0)


def beat(uow: UnitOfWork, engine_id: int) -> bool:
    """Move the engine's heartbeat to `uow.now`; False when its record is gone."""
    cursor = uow.conn.execute(
        "UPDATE engines SET heartbeat_at = ? WHERE id = ?", (uow.stamp, engine_id)
    )
    return cursor.rowcount == 1


def remove_engine(uow: UnitOfWork, engine_id: int) -> None:
    uow.conn.execute("DELETE FROM engines WHERE id = ?", (engine_id,))


def remove_stale(uow: UnitOfWork, heard_before: dt.datetime) -> int:
    """Forget records whose heartbeat stopped before `heard_before` (engines that were
    killed); returns how many."""
    cursor = uow.conn.execute("DELETE FROM engines WHERE heartbeat_at < ?", (to_iso(heard_before),))
    return cursor.rowcount
