"""Reads for the scribe's tools: single entries, full-text search, follow-ups."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from warroom.domain.models import FollowUp, TimelineEntry
from warroom.domain.timefmt import check_day
from warroom.errors import NotFound
from warroom.store.queries import _entry, _note, _one, _readable, _required_time, _rows

if TYPE_CHECKING:
    import sqlite_utils

_WORD = re.compile(r"\w+", re.UNICODE)


def entry(db: sqlite_utils.Database, entry_id: int) -> TimelineEntry:
    """One timeline row, or NotFound naming it."""
    rows = _rows(db, "SELECT * FROM timeline WHERE id = ?", (entry_id,))
    if not rows:
        raise NotFound(f"no timeline entry #{entry_id}")
    return _one(_entry, rows[0])


def fts_query(text: str) -> str:
    """What a person typed as an FTS5 query: every word must appear, the last as a prefix.

    Words are quoted, so `5xx-spike`, `AND`, `"` or `*` never make a syntax error.
    """
    words = _WORD.findall(text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(db: sqlite_utils.Database, incident_id: int, text: str, limit: int = 5000) -> list[int]:
    """Ids of the incident's timeline rows matching `text`, in timeline order
    (the newest `limit` when there are more)."""
    query = fts_query(text)
    if not query:
        return []
    # the full-text index first, then the matching rows by id (never the other way round)
    rows = db.conn.execute(
        "SELECT t.id FROM timeline t WHERE t.id IN"
        " (SELECT rowid FROM timeline_fts WHERE timeline_fts MATCH ?)"
        " AND +t.incident_id = ? ORDER BY t.at DESC, t.id DESC LIMIT ?",
        (query, incident_id, limit),
    ).fetchall()
    return [int(r[0]) for r in reversed(rows)]


def _due(value: object, row: str) -> dt.date | None:
    """A stored due date; unusable (not a date, or outside the years kept): not set, noted."""
    if value is None or value == "":
        return None
    try:
        return check_day(dt.date.fromisoformat(str(value)))
    except ValueError:
        _note(row, "due", value, "read as no due date")
        return None


def _follow_up(row: dict[str, Any]) -> FollowUp:
    name = f"follow-up #{row['id']} of incident #{row['incident_id']}"
    return FollowUp(
        id=row["id"],
        incident_id=row["incident_id"],
        text=row["text"],
        owner=row["owner"],
        due=_due(row["due"], name),
        priority=row["priority"],
        status=row["status"],
        from_entry=row["from_entry"],
        created_at=_required_time(row["created_at"], name, "created_at", "follow-up"),
        created_by=row["created_by"],
        updated_at=_required_time(row["updated_at"], name, "updated_at", "follow-up"),
        updated_by=row["updated_by"],
    )


def follow_up(db: sqlite_utils.Database, follow_up_id: int) -> FollowUp:
    rows = _rows(db, "SELECT * FROM follow_ups WHERE id = ?", (follow_up_id,))
    if not rows:
        raise NotFound(f"no follow-up #{follow_up_id}")
    return _one(_follow_up, rows[0])


def follow_ups(
    db: sqlite_utils.Database, incident_id: int | None = None, *, open_only: bool = False
) -> list[FollowUp]:
    """Follow-ups of one incident (or all), in the order they were made."""
    where, params = [], []
    if incident_id is not None:
        where.append("incident_id = ?")
        params.append(incident_id)
    if open_only:
        where.append("status = 'open'")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = _rows(db, f"SELECT * FROM follow_ups{clause} ORDER BY id", tuple(params))
    return _readable(_follow_up, rows)
