"""The statements the scribe's actions run inside their unit of work: the entry
and follow-up rows they check first, and the follow-up writes. (Timeline rows
are written only by `UnitOfWork.append_timeline`: corrections never change a
row, they append one that supersedes it.)"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from warroom.errors import NotFound
from warroom.store.unit_of_work import UnitOfWork

FOLLOW_UP_FIELDS = ("status", "owner", "due", "priority")


def entry_row(uow: UnitOfWork, entry_id: int) -> dict[str, Any]:
    """The timeline row as stored (data decoded), or NotFound naming it."""
    cursor = uow.conn.execute(
        "SELECT id, incident_id, at, kind, text, data, supersedes FROM timeline WHERE id = ?",
        (entry_id,),
    )
    found = cursor.fetchone()
    if found is None:
        raise NotFound(f"no timeline entry #{entry_id}")
    names = [d[0] for d in cursor.description]
    row = dict(zip(names, found, strict=True))
    row["data"] = json.loads(row["data"] or "{}")
    return row


def first_correction(uow: UnitOfWork, entry_id: int) -> tuple[int, str] | None:
    """(id, author) of the first row that supersedes the entry, if any."""
    row = uow.conn.execute(
        "SELECT id, author FROM timeline WHERE supersedes = ? ORDER BY id LIMIT 1", (entry_id,)
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def first_version(uow: UnitOfWork, entry_id: int) -> int:
    """The first version of an entry (corrections chain back to it)."""
    seen = set()
    while entry_id not in seen:
        seen.add(entry_id)
        row = uow.conn.execute(
            "SELECT supersedes FROM timeline WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return entry_id
        entry_id = int(row[0])
    return entry_id


def versions(uow: UnitOfWork, entry_id: int) -> list[int]:
    """Every version of an entry: its first version and each correction since."""
    return [
        int(r[0])
        for r in uow.conn.execute(
            "WITH RECURSIVE chain(id) AS (SELECT ? UNION SELECT t.id FROM timeline t"
            " JOIN chain ON t.supersedes = chain.id) SELECT id FROM chain",
            (first_version(uow, entry_id),),
        )
    ]


def is_pinned(uow: UnitOfWork, incident_id: int, chain: list[int]) -> bool:
    """Whether the last pin record for any version of the entry pinned it."""
    marks = ",".join("?" * len(chain))
    last = uow.conn.execute(
        "SELECT data FROM timeline WHERE incident_id = ? AND kind = 'pin'"
        f" AND json_extract(data, '$.entry') IN ({marks}) ORDER BY id DESC LIMIT 1",
        (incident_id, *chain),
    ).fetchone()
    return bool(last and json.loads(last[0]).get("pinned"))


def follow_up_from(uow: UnitOfWork, chain: list[int]) -> int | None:
    """The follow-up made from any version of an entry, if one was."""
    marks = ",".join("?" * len(chain))
    taken = uow.conn.execute(
        f"SELECT id FROM follow_ups WHERE from_entry IN ({marks})", chain
    ).fetchone()
    return None if taken is None else int(taken[0])


def insert_follow_up(
    uow: UnitOfWork,
    incident_id: int,
    *,
    text: str,
    owner: str,
    due: dt.date | None,
    priority: str,
    from_entry: int | None,
) -> int:
    """A new open follow-up; returns its id."""
    cursor = uow.conn.execute(
        "INSERT INTO follow_ups (incident_id, text, owner, due, priority, status, from_entry,"
        " created_at, created_by, updated_at, updated_by)"
        " VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)",
        (
            incident_id,
            text,
            owner,
            due.isoformat() if due else None,
            priority,
            from_entry,
            uow.stamp,
            uow.actor.name,
            uow.stamp,
            uow.actor.name,
        ),
    )
    return int(cursor.lastrowid or 0)


def follow_up(uow: UnitOfWork, follow_up_id: int) -> tuple[int, str, dict[str, Any]]:
    """(incident id, text, {status, owner, due, priority}) of a follow-up, or NotFound."""
    found = uow.conn.execute(
        "SELECT incident_id, text, status, owner, due, priority FROM follow_ups WHERE id = ?",
        (follow_up_id,),
    ).fetchone()
    if found is None:
        raise NotFound(f"no follow-up #{follow_up_id}")
    return int(found[0]), str(found[1]), dict(zip(FOLLOW_UP_FIELDS, found[2:], strict=True))


def change_follow_up(uow: UnitOfWork, follow_up_id: int, changes: dict[str, Any]) -> None:
    """Set only the `changes` (fields of FOLLOW_UP_FIELDS), signed and stamped."""
    assert set(changes) <= set(FOLLOW_UP_FIELDS)
    assignments = ", ".join(f"{k} = ?" for k in changes)
    uow.conn.execute(
        f"UPDATE follow_ups SET {assignments}, updated_at = ?, updated_by = ? WHERE id = ?",
        (*changes.values(), uow.stamp, uow.actor.name, follow_up_id),
    )
