"""The statements the status-update actions run inside their unit of work."""

from __future__ import annotations

from warroom.store.unit_of_work import UnitOfWork


def insert_update(
    uow: UnitOfWork, incident_id: int, *, audience: str, template: str, body: str
) -> int:
    """Record a posted update (the update clocks read it back by audience) and drop
    the draft; returns its id."""
    cursor = uow.conn.execute(
        "INSERT INTO updates (incident_id, audience, template, body, posted_at, author)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (incident_id, audience, template, body, uow.stamp, uow.actor.name),
    )
    uow.conn.execute(
        "UPDATE incidents SET last_update_at = ? WHERE id = ?", (uow.stamp, incident_id)
    )
    delete_draft(uow, incident_id)
    return int(cursor.lastrowid or 0)


def save_draft(uow: UnitOfWork, incident_id: int, *, template: str, body: str) -> None:
    """Keep (or replace) the incident's one unposted update."""
    uow.conn.execute(
        "INSERT OR REPLACE INTO drafts (incident_id, template, body, updated_at, author)"
        " VALUES (?, ?, ?, ?, ?)",
        (incident_id, template, body, uow.stamp, uow.actor.name),
    )


def delete_draft(uow: UnitOfWork, incident_id: int) -> None:
    """Throw the incident's unposted update away."""
    uow.conn.execute("DELETE FROM drafts WHERE incident_id = ?", (incident_id,))
