"""Reading the outbox: an incident's pages, the failed ones, the events on record."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from warroom.domain.pages import Page
from warroom.domain.timefmt import from_iso

if TYPE_CHECKING:
    import sqlite_utils

PAGE_COLUMNS = (
    "id, incident_id, event, recipient, channel, subject, body, state, attempts, created_at,"
    " next_attempt_at, last_error, delivered_at, last_attempt_at, hook_values"
)


def page_from_row(row: Sequence[Any]) -> Page:
    """A Page from a row read with PAGE_COLUMNS."""
    values = json.loads(row[14] or "{}")
    return Page(
        id=row[0],
        incident_id=row[1],
        event=row[2],
        recipient=row[3],
        channel=row[4],
        subject=row[5],
        body=row[6],
        state=row[7],
        attempts=row[8],
        created_at=from_iso(row[9]),
        next_attempt_at=from_iso(row[10]),
        last_error=row[11],
        delivered_at=from_iso(row[12]) if row[12] else None,
        last_attempt_at=from_iso(row[13]) if row[13] else None,
        hook_values=tuple(sorted((str(k), str(v)) for k, v in values.items())),
    )


def pages(db: sqlite_utils.Database, incident_id: int | None = None) -> list[Page]:
    """The pages of one incident (or all), oldest first."""
    where, args = ("WHERE incident_id = ?", (incident_id,)) if incident_id is not None else ("", ())
    rows = db.conn.execute(f"SELECT {PAGE_COLUMNS} FROM outbox {where} ORDER BY id", args)
    return [page_from_row(row) for row in rows.fetchall()]


def failed_pages(
    db: sqlite_utils.Database, incident_ids: Sequence[int] | None = None
) -> list[Page]:
    """Pages that gave up (FAILED), newest first: what the console shouts about."""
    rows = db.conn.execute(
        f"SELECT {PAGE_COLUMNS} FROM outbox WHERE state = 'failed' ORDER BY id DESC"
    ).fetchall()
    found = [page_from_row(row) for row in rows]
    if incident_ids is not None:
        wanted = set(incident_ids)
        found = [page for page in found if page.incident_id in wanted]
    return found


def recorded_warnings(db: sqlite_utils.Database, incident_ids: Sequence[int]) -> set[str]:
    """The keys of the about-to-breach and update-due events on record for these incidents."""
    if not incident_ids:
        return set()
    marks = ", ".join("?" * len(incident_ids))
    rows = db.conn.execute(
        f"SELECT key FROM page_events WHERE incident_id IN ({marks})"
        " AND event IN ('warning', 'update_due')",
        list(incident_ids),
    )
    return {row[0] for row in rows.fetchall()}
