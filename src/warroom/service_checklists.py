"""Checklist actions: attach and detach runbooks, tick, untick, answer.

Ticks are operations, not row copies: "tick item 7" only ever sets an item
that is not ticked yet, so two engineers ticking different items at the same
moment both survive, and a tick from a stale screen never unticks anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.runbooks import Runbook, matching_runbooks
from warroom.domain.timefmt import to_iso
from warroom.errors import InvalidInput, NotFound
from warroom.store import checklist_queries
from warroom.store.db import transaction

if TYPE_CHECKING:
    from warroom.service import WarRoom


def attach_in_transaction(room: WarRoom, incident_id: int, runbook: Runbook) -> int:
    """Copy a runbook's items onto the incident; the caller holds the transaction."""
    now = room.clock.now()
    cursor = room.db.conn.execute(
        "INSERT INTO checklists (incident_id, runbook_id, title, description, attached_at,"
        " attached_by) VALUES (?, ?, ?, ?, ?, ?)",
        (incident_id, runbook.id, runbook.title, runbook.description, to_iso(now), room.actor.name),
    )
    checklist_id = int(cursor.lastrowid or 0)
    steps = runbook.steps()
    room.db.conn.executemany(
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
    room._append(
        incident_id,
        "checklist",
        f"Runbook attached: {runbook.title} ({len(steps)} items)",
        now=now,
        data={"runbook": runbook.id, "items": len(steps)},
    )
    return checklist_id


def attach_matching(room: WarRoom, incident_id: int, severity: str, kind: str) -> list[str]:
    """Attach every runbook that applies and was never attached; inside a transaction."""
    attached = checklist_queries.ever_attached(room.db, incident_id)
    added = []
    for runbook in matching_runbooks(room.runbooks, severity, kind):
        if runbook.id not in attached:
            attach_in_transaction(room, incident_id, runbook)
            added.append(runbook.id)
    return added


def attach(room: WarRoom, incident_id: int, runbook_id: str) -> int:
    """Attach a runbook by hand (whether or not it applies)."""
    runbook = next((r for r in room.runbooks if r.id == runbook_id), None)
    if runbook is None:
        known = ", ".join(r.id for r in room.runbooks) or "none loaded"
        raise InvalidInput(f"unknown runbook {runbook_id!r} (known: {known})")
    with transaction(room.db):
        room._current(incident_id, "id")
        live = room.db.conn.execute(
            "SELECT 1 FROM checklists WHERE incident_id = ? AND runbook_id = ?"
            " AND detached_at IS NULL",
            (incident_id, runbook_id),
        ).fetchone()
        if live:
            raise InvalidInput(f"runbook {runbook_id!r} is already attached to #{incident_id}")
        return attach_in_transaction(room, incident_id, runbook)


def detach(room: WarRoom, incident_id: int, runbook_id: str) -> None:
    """Take a runbook off the incident; its ticks stay in the record."""
    now = room.clock.now()
    with transaction(room.db):
        row = room.db.conn.execute(
            "SELECT id, title FROM checklists WHERE incident_id = ? AND runbook_id = ?"
            " AND detached_at IS NULL",
            (incident_id, runbook_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"runbook {runbook_id!r} is not attached to #{incident_id}")
        room.db.conn.execute(
            "UPDATE checklists SET detached_at = ? WHERE id = ?", (to_iso(now), row[0])
        )
        room._append(
            incident_id,
            "checklist",
            f"Runbook detached: {row[1]}",
            now=now,
            data={"runbook": runbook_id, "detached": True},
        )


def resolve_item(room: WarRoom, incident_id: int, ref: str) -> tuple[int, str, str, str]:
    """An item by its number in `warroom checklist ID` or by its key: (id, text, ask, key)."""
    items = [i for c in checklist_queries.checklists(room.db, incident_id) for i in c.items]
    ref = ref.strip()
    for item in items:
        if ref == item.key or (ref.isdigit() and int(ref) == item.number):
            return item.id, item.text, item.ask, item.key
    raise NotFound(f"#{incident_id} has no checklist item {ref!r}")


def tick(room: WarRoom, incident_id: int, ref: str, *, done: bool = True) -> None:
    """Tick (or untick) one item; ticking a ticked item changes nothing and says so."""
    now = room.clock.now()
    with transaction(room.db):
        item_id, text, _, key = resolve_item(room, incident_id, ref)
        if done:
            changed = room.db.conn.execute(
                "UPDATE checklist_items SET done_by = ?, done_at = ? WHERE id = ?"
                " AND done_at IS NULL",
                (room.actor.name, to_iso(now), item_id),
            ).rowcount
        else:
            changed = room.db.conn.execute(
                "UPDATE checklist_items SET done_by = NULL, done_at = NULL, answer = NULL"
                " WHERE id = ? AND done_at IS NOT NULL",
                (item_id,),
            ).rowcount
        if not changed:
            who = room.db.conn.execute(
                "SELECT done_by, done_at FROM checklist_items WHERE id = ?", (item_id,)
            ).fetchone()
            if done:
                raise InvalidInput(f"already ticked by {who[0]} at {who[1]}: {text}")
            raise InvalidInput(f"not ticked: {text}")
        verb = "Ticked" if done else "Unticked"
        room._append(
            incident_id,
            "checklist",
            f"{verb}: {text}",
            now=now,
            data={"item": key, "done": done},
        )


def answer(room: WarRoom, incident_id: int, ref: str, reply: str) -> None:
    """Answer an `ask:` item: the answer is kept and the item ticked."""
    reply = reply.strip()
    if not reply:
        raise InvalidInput("an empty answer was not recorded")
    now = room.clock.now()
    with transaction(room.db):
        item_id, text, ask, key = resolve_item(room, incident_id, ref)
        if not ask:
            raise InvalidInput(f"item asks no question: {text}")
        room.db.conn.execute(
            "UPDATE checklist_items SET answer = ?, done_by = ?, done_at = coalesce(done_at, ?)"
            " WHERE id = ?",
            (reply, room.actor.name, to_iso(now), item_id),
        )
        room._append(
            incident_id,
            "checklist",
            f"Answered: {ask} — {reply}",
            now=now,
            data={"item": key, "question": ask, "answer": reply},
        )
