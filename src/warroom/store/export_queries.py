"""Everything recorded about one incident, read in one snapshot, for export.

`incident_rows` returns the rows as stored (for the JSON export), read inside
one read transaction, so a console writing at the same moment never leaves the
export half before and half after; `record_from_rows` turns the same rows into
domain records (for the post-mortem), with the store's own row converters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from warroom.domain.incident_record import (
    IncidentRecord,
    PostedUpdate,
    RecordedBreach,
    RoleSpell,
)
from warroom.domain.update_clocks import count_updates
from warroom.errors import NotFound
from warroom.store import checklist_queries
from warroom.store.queries import (
    _engagement,
    _entry,
    _history,
    _incident,
    _one,
    _readable,
    _required_time,
    _rows,
    _time,
    read_snapshot,
)
from warroom.store.scribe_queries import _follow_up

if TYPE_CHECKING:
    import sqlite_utils

# table -> rows of the incident, in the order they were written
_CHILDREN = {
    "timeline": "SELECT * FROM timeline WHERE incident_id = ? ORDER BY id",
    "roles": "SELECT * FROM roles WHERE incident_id = ? ORDER BY id",
    "checklists": "SELECT * FROM checklists WHERE incident_id = ? ORDER BY id",
    "checklist_items": "SELECT i.* FROM checklist_items i JOIN checklists c"
    " ON c.id = i.checklist_id WHERE c.incident_id = ? ORDER BY c.id, i.position, i.id",
    "updates": "SELECT * FROM updates WHERE incident_id = ? ORDER BY id",
    "follow_ups": "SELECT * FROM follow_ups WHERE incident_id = ? ORDER BY id",
    "sla_breaches": "SELECT * FROM sla_breaches WHERE incident_id = ? ORDER BY id",
    "escalations": "SELECT * FROM escalations WHERE incident_id = ? ORDER BY id",
    "drafts": "SELECT * FROM drafts WHERE incident_id = ?",
    "alerts": "SELECT * FROM alerts WHERE incident_id = ? ORDER BY id",
    "alert_signals": "SELECT s.* FROM alert_signals s JOIN alerts a ON a.id = s.alert_id"
    " WHERE a.incident_id = ? ORDER BY a.id, s.id",
}


def incident_rows(db: sqlite_utils.Database, incident_id: int) -> dict[str, Any]:
    """`incident`: its row; every other table: its rows (column -> stored value).

    Raises NotFound naming the id.
    """
    with read_snapshot(db):
        found = _rows(db, "SELECT * FROM incidents WHERE id = ?", (incident_id,))
        if not found:
            raise NotFound(f"no incident #{incident_id}")
        rows: dict[str, Any] = {"incident": found[0]}
        for table, sql in _CHILDREN.items():
            rows[table] = _rows(db, sql, (incident_id,))
    return rows


def record_from_rows(rows: dict[str, Any]) -> IncidentRecord:
    """The domain records for rows read by `incident_rows` (checklists: attached ones).

    A row whose time cannot be used is left out (and noted, see `queries`); an
    incident without a usable declaration time is UnreadableRow.
    """
    incident = _one(_incident, rows["incident"])
    ref = incident.ref
    timeline = tuple(_readable(_entry, rows["timeline"]))
    moves = sorted(
        (e.at, e.id, e.kind, e.data) for e in timeline if e.kind in ("severity", "status")
    )
    updates = _readable(
        lambda u: PostedUpdate(
            _required_time(
                u["posted_at"], f"update #{u['id']} of incident {ref}", "posted_at", "update"
            ),
            u["audience"],
            u["author"],
            u["body"],
            u["template"],
        ),
        rows["updates"],
    )
    return IncidentRecord(
        incident=incident,
        timeline=timeline,
        roles=tuple(_readable(lambda r: _role_spell(r, ref), rows["roles"])),
        follow_ups=tuple(_readable(_follow_up, rows["follow_ups"])),
        updates=tuple(updates),
        breaches=tuple(_readable(lambda b: _breach(b, ref), rows["sla_breaches"])),
        escalations=tuple(
            _readable(
                lambda e: _engagement(e, ref),
                sorted(rows["escalations"], key=lambda e: (e["engaged_at"], e["id"])),
            )
        ),
        checklists=tuple(checklist_queries.from_rows(rows["checklists"], rows["checklist_items"])),
        history=_history(
            [(kind, at, data) for at, _, kind, data in moves],
            count_updates(((u.audience, u.posted_at) for u in updates), incident.resolved_at),
        ),
    )


def _role_spell(row: dict[str, Any], ref: str) -> RoleSpell:
    name = f"role #{row['id']} of incident {ref}"
    return RoleSpell(
        row["role"],
        row["person"],
        _required_time(row["assigned_at"], name, "assigned_at", "role"),
        _time(row["ended_at"], name, "ended_at"),
    )


def _breach(row: dict[str, Any], ref: str) -> RecordedBreach:
    name = f"breach #{row['id']} of incident {ref}"
    return RecordedBreach(
        row["timer"],
        _required_time(row["deadline"], name, "deadline", "breach"),
        _required_time(row["recorded_at"], name, "recorded_at", "breach"),
    )
