"""Long timelines for tests, written in one `executemany` (not through the service)."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from warroom.domain.timefmt import to_iso

KINDS = ("note", "decision", "action", "finding", "todo", "alert")
WORDS = ("alpha", "bravo", "charlie")


def add_rows(
    db: sqlite_utils.Database, incident_id: int, count: int, first: dt.datetime, step: int = 30
) -> None:
    """`count` rows on the incident from `first` on, `step` seconds apart (every fifth
    pair at the same second, so the order falls back on the id), kinds and words mixed."""
    rows = []
    for n in range(count):
        at = to_iso(first + dt.timedelta(seconds=step * (n - (n % 5 == 1))))
        text = f"entry {n}: observed {WORDS[n % len(WORDS)]}"
        rows.append((incident_id, at, at, f"scribe{n % 4}", "gen", KINDS[n % len(KINDS)], text))
    db.conn.executemany(
        "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.conn.commit()
