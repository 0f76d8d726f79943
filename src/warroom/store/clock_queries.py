"""Reads for the clock sweep: which incidents can still breach."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from warroom.domain.timefmt import stored_time
from warroom.domain.vocabulary import OPEN_STATUSES

if TYPE_CHECKING:
    import sqlite_utils


def clock_incidents(db: sqlite_utils.Database, among: list[int] | None = None) -> list[int]:
    """Incidents whose clocks can still produce something: open or resolved, or closed
    with the post-mortem not yet done (of `among`)."""
    statuses = sorted(OPEN_STATUSES | {"resolved"})
    marks = ",".join("?" * len(statuses))
    sql = (
        f"SELECT id FROM incidents WHERE (status IN ({marks})"
        " OR (status = 'closed' AND postmortem_done_at IS NULL))"
    )
    if among is None:
        rows = db.conn.execute(f"{sql} ORDER BY id", statuses).fetchall()
    else:
        rows = []
        for start in range(0, len(among), 500):
            chunk = among[start : start + 500]
            in_chunk = ",".join("?" * len(chunk))
            rows += db.conn.execute(f"{sql} AND id IN ({in_chunk})", [*statuses, *chunk])
    return sorted(int(r[0]) for r in rows)


def ladder_changed_at(db: sqlite_utils.Database, incident_id: int) -> dt.datetime | None:
    """When the incident's ladder last changed (a severity or kind change), if ever: a
    rung that came due by the change was called then, not at its time on the old one."""
    row = db.conn.execute(
        "SELECT max(at) FROM timeline WHERE incident_id = ? AND kind IN ('severity', 'kind')",
        (incident_id,),
    ).fetchone()
    return stored_time(row[0]) if row and row[0] else None
