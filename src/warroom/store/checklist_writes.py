"""The statements the checklist actions run inside their unit of work.

Ticks are operations, not row copies: "tick item 7" only ever sets an item
that is not ticked yet, so two engineers ticking different items at the same
moment both survive, and a tick from a stale screen never unticks anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.vocabulary import SYSTEM_AUTHOR
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from warroom.domain.runbooks import Runbook, Step


def insert_checklist(
    uow: UnitOfWork, incident_id: int, runbook: Runbook, steps: list[Step], by: str = ""
) -> int:
    """Copy a runbook's `steps` onto the incident as a checklist; returns its id.
    `by`: who attached it (default: the actor; SYSTEM_AUTHOR when the policy matched)."""
    cursor = uow.conn.execute(
        "INSERT INTO checklists (incident_id, runbook_id, title, description, attached_at,"
        " attached_by) VALUES (?, ?, ?, ?, ?, ?)",
        (
            incident_id,
            runbook.id,
            runbook.title,
            runbook.description,
            uow.stamp,
            by or uow.actor.name,
        ),
    )
    checklist_id = int(cursor.lastrowid or 0)
    uow.conn.executemany(
        "INSERT INTO checklist_items (checklist_id, position, key, section, depth, text, detail,"
        " command, role, within_seconds, ask, within_from, done_when)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                None if step.within_from == "declared" else step.within_from,
                " ".join(step.item.done_when) or None,
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


def detach_checklist(uow: UnitOfWork, checklist_id: int, by: str = "") -> None:
    """Mark the checklist detached now; its items and ticks stay in the record.
    `by`: who detached it (default: the actor)."""
    uow.conn.execute(
        "UPDATE checklists SET detached_at = ?, detached_by = ? WHERE id = ?",
        (uow.stamp, by or uow.actor.name, checklist_id),
    )


def kept_off(uow: UnitOfWork, incident_id: int) -> set[str]:
    """Runbook ids the system must not attach: attached now, or taken off by a person."""
    return {
        str(r[0])
        for r in uow.conn.execute(
            "SELECT runbook_id FROM checklists WHERE incident_id = ?"
            " AND (detached_at IS NULL OR detached_by IS NULL OR detached_by != ?)",
            (incident_id, SYSTEM_AUTHOR),
        )
    }


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


def is_untouched(uow: UnitOfWork, checklist_id: int) -> bool:
    """Whether nobody has ticked or answered anything on the checklist (the system's own
    ticks do not count: they record what happened, not work on the list)."""
    row = uow.conn.execute(
        "SELECT count(*) FROM checklist_items WHERE checklist_id = ?"
        " AND (answer IS NOT NULL OR (done_at IS NOT NULL AND done_by != ?))",
        (checklist_id, SYSTEM_AUTHOR),
    ).fetchone()
    return int(row[0]) == 0


def attached_checklists(uow: UnitOfWork, incident_id: int) -> list[tuple[int, str, str, str]]:
    """(id, runbook id, title, attached_by) of every checklist still on the incident."""
    return [
        (int(r[0]), str(r[1]), str(r[2]), str(r[3]))
        for r in uow.conn.execute(
            "SELECT id, runbook_id, title, attached_by FROM checklists"
            " WHERE incident_id = ? AND detached_at IS NULL ORDER BY id",
            (incident_id,),
        )
    ]


def open_event_items(uow: UnitOfWork, incident_id: int) -> list[tuple[int, int, str, str, str]]:
    """(id, checklist id, key, done_when, text) of the unticked items on the incident
    that the system may tick."""
    return [
        (int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]))
        for r in uow.conn.execute(
            "SELECT i.id, i.checklist_id, i.key, i.done_when, i.text FROM checklist_items i"
            " JOIN checklists c ON c.id = i.checklist_id"
            " WHERE c.incident_id = ? AND c.detached_at IS NULL AND i.done_at IS NULL"
            " AND i.done_when IS NOT NULL ORDER BY c.id, i.position",
            (incident_id,),
        )
    ]


def system_tick(uow: UnitOfWork, item_id: int, at: str) -> bool:
    """Tick the item as the system did it (`at`: when it happened); False if ticked already."""
    return (
        uow.conn.execute(
            "UPDATE checklist_items SET done_by = ?, done_at = ? WHERE id = ? AND done_at IS NULL",
            (SYSTEM_AUTHOR, at, item_id),
        ).rowcount
        == 1
    )


def held_roles(uow: UnitOfWork, incident_id: int) -> set[str]:
    """The roles somebody holds on the incident now."""
    return {
        str(r[0])
        for r in uow.conn.execute(
            "SELECT DISTINCT role FROM roles WHERE incident_id = ? AND ended_at IS NULL",
            (incident_id,),
        )
    }
