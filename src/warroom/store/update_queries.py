"""Reads of status updates: what was posted, and the draft being written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.incident_record import PostedUpdate
from warroom.domain.models import Draft
from warroom.store.queries import _readable, _required_time

if TYPE_CHECKING:
    import sqlite_utils


def posted(db: sqlite_utils.Database, incident_id: int) -> list[PostedUpdate]:
    """The incident's posted updates, latest first (an unusable time: left out, named)."""
    rows = db.conn.execute(
        "SELECT audience, template, body, posted_at, author, id FROM updates"
        " WHERE incident_id = ? ORDER BY posted_at DESC, id DESC",
        (incident_id,),
    ).fetchall()
    return _readable(
        lambda r: PostedUpdate(
            posted_at=_required_time(
                r[3], f"update #{r[5]} of incident #{incident_id}", "posted_at", "update"
            ),
            audience=r[0],
            author=r[4],
            body=r[2],
            template=r[1],
        ),
        rows,
    )


def draft(db: sqlite_utils.Database, incident_id: int) -> Draft | None:
    """The incident's saved draft, or None (also when its time cannot be used)."""
    row = db.conn.execute(
        "SELECT template, body, updated_at, author FROM drafts WHERE incident_id = ?",
        (incident_id,),
    ).fetchone()
    found = _readable(
        lambda r: Draft(
            r[0],
            r[1],
            _required_time(r[2], f"draft of incident #{incident_id}", "updated_at", "draft"),
            r[3],
        ),
        [] if row is None else [row],
    )
    return found[0] if found else None


def has_external(db: sqlite_utils.Database, incident_id: int) -> bool:
    """Whether any external (customer) update of the incident has been posted."""
    row = db.conn.execute(
        "SELECT 1 FROM updates WHERE incident_id = ? AND audience = 'external' LIMIT 1",
        (incident_id,),
    ).fetchone()
    return row is not None
