"""Reads for the clock sweep: which incidents can still breach, and what is recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.vocabulary import OPEN_STATUSES

if TYPE_CHECKING:
    import sqlite_utils


def clock_incidents(db: sqlite_utils.Database, among: list[int] | None = None) -> list[int]:
    """Incidents whose clocks can still produce something: open or resolved (of `among`)."""
    statuses = sorted(OPEN_STATUSES | {"resolved"})
    marks = ",".join("?" * len(statuses))
    sql = f"SELECT id FROM incidents WHERE status IN ({marks})"
    if among is None:
        rows = db.conn.execute(f"{sql} ORDER BY id", statuses).fetchall()
    else:
        rows = []
        for start in range(0, len(among), 500):
            chunk = among[start : start + 500]
            in_chunk = ",".join("?" * len(chunk))
            rows += db.conn.execute(f"{sql} AND id IN ({in_chunk})", [*statuses, *chunk])
    return sorted(int(r[0]) for r in rows)


def recorded_breaches(
    db: sqlite_utils.Database, incident_ids: list[int]
) -> dict[int, set[tuple[str, str]]]:
    """(timer, stored deadline) of every breach already recorded, by incident: one query
    per 500 incidents."""
    found: dict[int, set[tuple[str, str]]] = {i: set() for i in incident_ids}
    for start in range(0, len(incident_ids), 500):
        chunk = incident_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for incident_id, timer, deadline in db.conn.execute(
            f"SELECT incident_id, timer, deadline FROM sla_breaches WHERE incident_id IN ({marks})",
            chunk,
        ):
            found[int(incident_id)].add((str(timer), str(deadline)))
    return found
