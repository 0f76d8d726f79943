"""Reading an incident's checklists back from the store."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from warroom.domain.checklists import Checklist, ChecklistItem
from warroom.store.queries import _readable, _required_time, _time


def checklists(db: sqlite_utils.Database, incident_id: int) -> list[Checklist]:
    """The runbooks attached to an incident (not detached), items numbered 1..n."""
    heads = db.conn.execute(
        "SELECT id, runbook_id, title, description, attached_at, attached_by FROM checklists"
        " WHERE incident_id = ? AND detached_at IS NULL ORDER BY id",
        (incident_id,),
    ).fetchall()
    rows = db.conn.execute(
        "SELECT i.id, i.checklist_id, i.key, i.section, i.depth, i.text, i.detail, i.command,"
        " i.role, i.within_seconds, i.ask, i.answer, i.done_by, i.done_at"
        " FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id"
        " WHERE c.incident_id = ? AND c.detached_at IS NULL ORDER BY c.id, i.position",
        (incident_id,),
    ).fetchall()
    items: dict[int, list[ChecklistItem]] = {h[0]: [] for h in heads}
    for number, r in enumerate(rows, start=1):
        items[r[1]].append(
            ChecklistItem(
                id=r[0],
                checklist_id=r[1],
                number=number,
                key=r[2],
                section=r[3],
                depth=r[4],
                text=r[5],
                detail=r[6],
                command=r[7],
                role=r[8],
                within=None if r[9] is None else dt.timedelta(seconds=r[9]),
                ask=r[10],
                answer=r[11],
                done_by=r[12],
                done_at=_time(r[13], f"checklist item #{r[0]}", "done_at"),
            )
        )
    return _readable(
        lambda h: Checklist(
            h[0],
            h[1],
            h[2],
            h[3],
            _required_time(h[4], f"checklist #{h[0]}", "attached_at", "checklist"),
            h[5],
            tuple(items[h[0]]),
        ),
        heads,
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
    return {
        ask: answer
        for ask, answer in db.conn.execute(
            "SELECT i.ask, i.answer FROM checklist_items i JOIN checklists c"
            " ON c.id = i.checklist_id WHERE c.incident_id = ? AND c.detached_at IS NULL"
            " AND i.answer IS NOT NULL ORDER BY c.id, i.position",
            (incident_id,),
        )
    }
