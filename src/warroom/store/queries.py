"""Reads: rows from the store turned into domain records."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from warroom.domain.models import Incident, RoleAssignment, TimelineEntry
from warroom.domain.sla import IncidentHistory, SeverityChange
from warroom.domain.timefmt import from_iso
from warroom.domain.vocabulary import OPEN_STATUSES
from warroom.errors import NotFound

_TIMES = (
    "declared_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "last_update_at",
)


def _incident(row: sqlite3.Row | dict[str, Any]) -> Incident:
    values = dict(row)
    for key in _TIMES:
        values[key] = from_iso(values[key]) if values[key] else None
    values["drill"] = bool(values["drill"])
    return Incident(**values)


def _rows(
    db: sqlite_utils.Database, sql: str, params: tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def incident(db: sqlite_utils.Database, incident_id: int) -> Incident:
    """One incident, or NotFound naming the id."""
    rows = _rows(db, "SELECT * FROM incidents WHERE id = ?", (incident_id,))
    if not rows:
        raise NotFound(f"no incident #{incident_id}")
    return _incident(rows[0])


def incidents(db: sqlite_utils.Database, *, include_ended: bool = False) -> list[Incident]:
    """Incidents in id order; live ones only unless `include_ended`."""
    if include_ended:
        rows = _rows(db, "SELECT * FROM incidents ORDER BY id")
    else:
        marks = ",".join("?" * len(OPEN_STATUSES))
        rows = _rows(
            db,
            f"SELECT * FROM incidents WHERE status IN ({marks}) ORDER BY id",
            tuple(sorted(OPEN_STATUSES)),
        )
    return [_incident(r) for r in rows]


def _entry(row: dict[str, Any]) -> TimelineEntry:
    return TimelineEntry(
        id=row["id"],
        incident_id=row["incident_id"],
        at=from_iso(row["at"]),
        logged_at=from_iso(row["logged_at"]),
        author=row["author"],
        os_user=row["os_user"],
        kind=row["kind"],
        text=row["text"],
        data=json.loads(row["data"]) if row["data"] not in ("{}", "", None) else {},
        supersedes=row["supersedes"],
    )


def timeline(db: sqlite_utils.Database, incident_id: int) -> list[TimelineEntry]:
    """An incident's timeline, oldest first, ordered by when things happened."""
    rows = _rows(db, "SELECT * FROM timeline WHERE incident_id = ? ORDER BY at, id", (incident_id,))
    return [_entry(r) for r in rows]


def timeline_count(db: sqlite_utils.Database, incident_id: int) -> int:
    return int(
        db.conn.execute(
            "SELECT count(*) FROM timeline WHERE incident_id = ?", (incident_id,)
        ).fetchone()[0]
    )


def roles(db: sqlite_utils.Database, incident_id: int) -> list[RoleAssignment]:
    """Who holds each role now (history is kept with ended_at set)."""
    rows = _rows(
        db,
        "SELECT * FROM roles WHERE incident_id = ? AND ended_at IS NULL ORDER BY id",
        (incident_id,),
    )
    return [
        RoleAssignment(
            incident_id=r["incident_id"],
            role=r["role"],
            person=r["person"],
            assigned_at=from_iso(r["assigned_at"]),
            assigned_by=r["assigned_by"],
        )
        for r in rows
    ]


def timeline_since(
    db: sqlite_utils.Database, incident_id: int, after_id: int = 0
) -> list[TimelineEntry]:
    """Entries written after row `after_id` (the timeline is append-only).

    After the first read only a few rows are new: `+incident_id` makes SQLite
    walk the rowid range from `after_id` instead of the incident's whole index.
    """
    column = "+incident_id" if after_id else "incident_id"
    rows = _rows(
        db,
        f"SELECT * FROM timeline WHERE {column} = ? AND id > ? ORDER BY at, id",
        (incident_id, after_id),
    )
    return [_entry(r) for r in rows]


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def histories(db: sqlite_utils.Database, incident_ids: list[int]) -> dict[int, IncidentHistory]:
    """What the timers need beyond the incident row, derived from the timeline.

    Severity changes come from `severity` rows; each reopen (a move out of
    `resolved` back to an open status) pairs with the resolution it undid.
    Three queries for any number of incidents.
    """
    rows_by_incident: dict[int, list[tuple[str, str, str]]] = {i: [] for i in incident_ids}
    first_updates: dict[int, str] = {}
    for chunk in _chunks(incident_ids):
        marks = ",".join("?" * len(chunk))
        for incident_id, kind, at_text, data_text in db.conn.execute(
            f"SELECT incident_id, kind, at, data FROM timeline WHERE incident_id IN ({marks})"
            " AND kind IN ('severity', 'status') ORDER BY incident_id, at, id",
            chunk,
        ):
            rows_by_incident[incident_id].append((kind, at_text, data_text))
        first_updates.update(
            db.conn.execute(
                f"SELECT incident_id, min(posted_at) FROM updates WHERE incident_id IN ({marks})"
                " GROUP BY incident_id",
                chunk,
            ).fetchall()
        )
    found = {}
    for incident_id, rows in rows_by_incident.items():
        first = first_updates.get(incident_id)
        found[incident_id] = _history(rows, from_iso(first) if first else None)
    return found


def _history(rows: list[tuple[str, str, str]], first_update: dt.datetime | None) -> IncidentHistory:
    changes: list[SeverityChange] = []
    spells: list[tuple[dt.datetime, dt.datetime]] = []
    resolved_at: dt.datetime | None = None
    for kind, at_text, data_text in rows:
        data = json.loads(data_text or "{}")
        at = from_iso(at_text)
        if kind == "severity" and "from" in data:
            changes.append(SeverityChange(at, data["from"], data["to"]))
        elif kind == "status" and data.get("to") == "resolved":
            resolved_at = at
        elif kind == "status" and data.get("from") == "resolved" and resolved_at is not None:
            if data.get("to") in OPEN_STATUSES:
                spells.append((resolved_at, at))
            resolved_at = None
    return IncidentHistory(
        severity_changes=tuple(changes), first_update_at=first_update, reopened=tuple(spells)
    )


def history(db: sqlite_utils.Database, incident_id: int) -> IncidentHistory:
    """One incident's history (see `histories`)."""
    return histories(db, [incident_id])[incident_id]


def role_holders(db: sqlite_utils.Database, incident_id: int) -> dict[str, str]:
    """Role key -> person, for naming an incident's own people on the ladder."""
    return {r.role: r.person for r in roles(db, incident_id)}


@dataclass(frozen=True)
class Engagement:
    """A rung of the ladder that was reached: who, when, how."""

    level: int
    who: str
    person: str
    notify: str
    engaged_at: dt.datetime
    how: str  # auto / manual
    by: str


def engagements(db: sqlite_utils.Database, incident_id: int) -> list[Engagement]:
    rows = _rows(
        db, "SELECT * FROM escalations WHERE incident_id = ? ORDER BY level", (incident_id,)
    )
    return [
        Engagement(
            r["level"],
            r["who"],
            r["person"],
            r["notify"],
            from_iso(r["engaged_at"]),
            r["how"],
            r["by"],
        )
        for r in rows
    ]


def clock_state(
    db: sqlite_utils.Database, incident_ids: list[int]
) -> dict[int, tuple[IncidentHistory, dict[str, str]]]:
    """History and role holders for each incident, for computing its timers."""
    holders: dict[int, dict[str, str]] = {i: {} for i in incident_ids}
    for chunk in _chunks(incident_ids):
        marks = ",".join("?" * len(chunk))
        for incident_id, role, person in db.conn.execute(
            f"SELECT incident_id, role, person FROM roles WHERE incident_id IN ({marks})"
            " AND ended_at IS NULL ORDER BY id",
            chunk,
        ):
            holders[incident_id][role] = person
    found = histories(db, incident_ids)
    return {i: (found[i], holders[i]) for i in incident_ids}


def recorded_breaches(
    db: sqlite_utils.Database, incident_ids: list[int]
) -> frozenset[tuple[int, str, str]]:
    """(incident, timer, deadline) of each breach already in the record."""
    if not incident_ids:
        return frozenset()
    marks = ",".join("?" * len(incident_ids))
    rows = db.conn.execute(
        f"SELECT incident_id, timer, deadline FROM sla_breaches WHERE incident_id IN ({marks})",
        incident_ids,
    ).fetchall()
    return frozenset((int(r[0]), str(r[1]), str(r[2])) for r in rows)
