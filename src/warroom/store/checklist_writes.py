"""The statements the checklist actions run inside their unit of work.

Ticks are operations, not row copies: "tick item 7" only ever sets an item
that is not ticked yet, so two engineers ticking different items at the same
moment both survive, and a tick from a stale screen never unticks anything.
"""

from __future__ import annotations

from warroom.domain.runbooks import Runbook, Step
from warroom.store.unit_of_work import UnitOfWork


def insert_checklist(uow: UnitOfWork, incident_id: int, runbook: Runbook, steps: list[Step]) -> int:
    """Copy a runbook's `steps` onto the incident as a checklist; returns its id."""
    cursor = uow.conn.execute(
        "INSERT INTO checklists (incident_id, runbook_id, title, description, attached_at,"
        " attached_by) VALUES (?, ?, ?, ?, ?, ?)",
        (incident_id, runbook.id, runbook.title, runbook.description, uow.stamp, uow.actor.name),
    )
    checklist_id = int(cursor.lastrowid or 0)
    uow.conn.executemany(
        "INSERT INTO checklist_items (checklist_id, position, key, section, depth, text, detail,"
        " command, role, within_seconds, ask) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                checklist_id,
                position,
                f"{runbook.id}/{step.key}",
                step.section.title,
                step.depth,
                step.item.text,
                step.item.detail,
                step.item.command,
                step.item.role,
                None if step.within is None else int(step.within.total_seconds()),
                step.item.ask,
            )
            for position, step in enumerate(steps, start=1)
        ],
    )
    return checklist_id


def attached_checklist(
    uow: UnitOfWork, incident_id: int, runbook_id: str
) -> tuple[int, str] | None:
    """(id, title) of the runbook's checklist still attached to the incident, if any."""
    row = uow.conn.execute(
        "SELECT id, title FROM checklists WHERE incident_id = ? AND runbook_id = ?"
        " AND detached_at IS NULL",
        (incident_id, runbook_id),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def detach_checklist(uow: UnitOfWork, checklist_id: int) -> None:
    """Mark the checklist detached now; its items and ticks stay in the record."""
    uow.conn.execute(
        "UPDATE checklists SET detached_at = ? WHERE id = ?", (uow.stamp, checklist_id)
    )


def tick_item(uow: UnitOfWork, item_id: int) -> bool:
    """Tick the item if nobody has; False when it was ticked already."""
    return (
        uow.conn.execute(
            "UPDATE checklist_items SET done_by = ?, done_at = ? WHERE id = ? AND done_at IS NULL",
            (uow.actor.name, uow.stamp, item_id),
        ).rowcount
        == 1
    )


def untick_item(uow: UnitOfWork, item_id: int) -> bool:
    """Untick the item (and forget its answer); False when it was not ticked."""
    return (
        uow.conn.execute(
            "UPDATE checklist_items SET done_by = NULL, done_at = NULL, answer = NULL"
            " WHERE id = ? AND done_at IS NOT NULL",
            (item_id,),
        ).rowcount
        == 1
    )


def ticked_by(uow: UnitOfWork, item_id: int) -> tuple[str | None, str | None]:
    """(who, when) the item was ticked."""
    row = uow.conn.execute(
        "SELECT done_by, done_at FROM checklist_items WHERE id = ?", (item_id,)
    ).fetchone()
    return row[0], row[1]


def answer_item(uow: UnitOfWork, item_id: int, reply: str) -> None:
    """Keep the answer and tick the item (a first tick's time stays)."""
    uow.conn.execute(
        "UPDATE checklist_items SET answer = ?, done_by = ?, done_at = coalesce(done_at, ?)"
        " WHERE id = ?",
        (reply, uow.actor.name, uow.stamp, item_id),
    )
