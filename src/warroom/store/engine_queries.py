"""Reading the engines on record (for the console's top bar and the engine itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.engine_presence import EngineOnRecord
from warroom.domain.timefmt import stored_time

if TYPE_CHECKING:
    import sqlite_utils


def engines(db: sqlite_utils.Database) -> list[EngineOnRecord]:
    """Every engine record, oldest first; a record with an unusable time is left out
    (it cannot say the engine is running)."""
    rows = db.conn.execute(
        "SELECT id, pid, host, listen, version, started_at, heartbeat_at FROM engines ORDER BY id"
    ).fetchall()
    found = []
    for engine_id, pid, host, listen, version, started, heard in rows:
        try:
            started_at, heartbeat_at = stored_time(str(started)), stored_time(str(heard))
        except ValueError:
            continue
        found.append(
            EngineOnRecord(
                int(engine_id),
                int(pid),
                str(host),
                str(listen),
                str(version),
                started_at,
                heartbeat_at,
            )
        )
    return found
