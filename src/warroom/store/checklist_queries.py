"""Reading an incident's checklists back from the store."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from warroom.domain import checklists as checklist_rules
from warroom.domain.checklists import Checklist, ChecklistItem
from warroom.store.queries import _readable, _required_time, _rows, _time

if TYPE_CHECKING:
    import sqlite_utils


def checklists(db: sqlite_utils.Database, incident_id: int) -> list[Checklist]:
    """The runbooks attached to an incident (not detached), items numbered 1..n."""
    heads = _rows(
        db,
        "SELECT * FROM checklists WHERE incident_id = ? AND detached_at IS NULL ORDER BY id",
        (incident_id,),
    )
    items = _rows(
        db,
        "SELECT i.* FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id"
        " WHERE c.incident_id = ? AND c.detached_at IS NULL ORDER BY c.id, i.position, i.id",
        (incident_id,),
    )
    return from_rows(heads, items)


def from_rows(heads: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[Checklist]:
    """Checklists from stored rows: the attached ones (`detached_at` unset), each with
    its items, numbered 1..n across the lists in the order given."""
    attached = [h for h in heads if h["detached_at"] is None]
    found: dict[int, list[ChecklistItem]] = {h["id"]: [] for h in attached}
    number = 0
    for r in items:
        if r["checklist_id"] not in found:
            continue
        number += 1
        seconds = r["within_seconds"]
        found[r["checklist_id"]].append(
            ChecklistItem(
                id=r["id"],
                checklist_id=r["checklist_id"],
                number=number,
                key=r["key"],
                section=r["section"],
                depth=r["depth"],
                text=r["text"],
                detail=r["detail"],
                command=r["command"],
                role=r["role"],
                within=None if seconds is None else dt.timedelta(seconds=seconds),
                ask=r["ask"],
                answer=r["answer"],
                done_by=r["done_by"],
                done_at=_time(r["done_at"], f"checklist item #{r['id']}", "done_at"),
                within_from=r.get("within_from") or "declared",
                done_when=tuple((r.get("done_when") or "").split()),
            )
        )
    return _readable(
        lambda h: Checklist(
            h["id"],
            h["runbook_id"],
            h["title"],
            h["description"],
            _required_time(h["attached_at"], f"checklist #{h['id']}", "attached_at", "checklist"),
            h["attached_by"],
            tuple(found[h["id"]]),
        ),
        attached,
    )


def ever_attached(db: sqlite_utils.Database, incident_id: int) -> set[str]:
    """Runbook ids attached to the incident at any time (detached ones included)."""
    return {
        r[0]
        for r in db.conn.execute(
            "SELECT runbook_id FROM checklists WHERE incident_id = ?", (incident_id,)
        )
    }


def answers(db: sqlite_utils.Database, incident_id: int) -> dict[str, str]:
    """Question -> answer for every answered `ask:` item (for update templates)."""
    return checklist_rules.answers(checklists(db, incident_id))
