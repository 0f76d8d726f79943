"""The scribe's writes: corrections, pins and follow-ups.

Corrections never change a row: they append one that supersedes it. A pin
is a `pin` row. Each action is one transaction with its timeline row.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from warroom.domain.timefmt import check_moment, from_iso, to_iso
from warroom.domain.vocabulary import (
    ENTRY_KINDS,
    FOLLOW_UP_STATUSES,
    parse_entry_kind,
    parse_follow_up_status,
    parse_priority,
)
from warroom.errors import InvalidInput, NotFound
from warroom.store.db import transaction

if TYPE_CHECKING:
    from warroom.service import WarRoom


def _row(room: WarRoom, entry_id: int) -> dict[str, Any]:
    cursor = room.db.conn.execute(
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


def _latest(room: WarRoom, entry_id: int) -> dict[str, Any]:
    """The entry, refusing one a later row already corrected (the writer saw stale text)."""
    row = _row(room, entry_id)
    newer = room.db.conn.execute(
        "SELECT id, author FROM timeline WHERE supersedes = ? ORDER BY id LIMIT 1", (entry_id,)
    ).fetchone()
    if newer is not None:
        raise InvalidInput(
            f"entry #{entry_id} was already corrected by {newer[1]} (entry #{newer[0]}); "
            "use the newer version"
        )
    return row


def _stored_at(row: dict[str, Any]) -> dt.datetime:
    """When the entry happened; a stored time that cannot be used is named, and a
    correction with a time (`--at`, or `HH:MM` in the console) repairs it."""
    try:
        return check_moment(from_iso(str(row["at"])), "its time")
    except (ValueError, OverflowError, TypeError):
        raise InvalidInput(
            f"entry #{row['id']} has an unreadable time {row['at']!r}; correct it with a time"
            " (correct --at, or HH:MM first in the console)"
        ) from None


def _chain(room: WarRoom, entry_id: int) -> list[int]:
    """Every version of an entry: its first version and each correction since."""
    root = _root(room, entry_id)
    return [
        int(r[0])
        for r in room.db.conn.execute(
            "WITH RECURSIVE chain(id) AS (SELECT ? UNION SELECT t.id FROM timeline t"
            " JOIN chain ON t.supersedes = chain.id) SELECT id FROM chain",
            (root,),
        )
    ]


def _root(room: WarRoom, entry_id: int) -> int:
    """The first version of an entry (corrections chain back to it)."""
    seen = set()
    while entry_id not in seen:
        seen.add(entry_id)
        row = room.db.conn.execute(
            "SELECT supersedes FROM timeline WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return entry_id
        entry_id = int(row[0])
    return entry_id


def _scribe_entry(row: dict[str, Any], doing: str) -> None:
    if row["kind"] not in ENTRY_KINDS:
        raise InvalidInput(
            f"entry #{row['id']} is a {row['kind']} record written by the console; "
            f"only scribe entries ({', '.join(ENTRY_KINDS)}) can be {doing}"
        )


def correct(
    room: WarRoom,
    entry_id: int,
    text: str,
    kind: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Replace an entry's text (and optionally kind and time) with a new row that
    supersedes it; `at` None keeps when it happened."""
    text = text.strip()
    if not text:
        raise InvalidInput("a correction needs the corrected text (to remove an entry, strike it)")
    now = room.clock.now()
    if at is not None:
        try:
            check_moment(at, "the corrected time")
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        if at > now:
            raise InvalidInput("an entry cannot happen in the future")
    with transaction(room.db):
        row = _latest(room, entry_id)
        _scribe_entry(row, "corrected")
        new_kind = parse_entry_kind(kind) if kind else row["kind"]
        try:
            old_at: dt.datetime | None = _stored_at(row)
        except InvalidInput:
            if at is None:
                raise
            old_at = None  # the time given repairs it
        new_at = at.replace(microsecond=0) if at is not None else old_at
        if (
            text == row["text"]
            and new_kind == row["kind"]
            and new_at == old_at
            and not row["data"].get("struck")
        ):
            raise InvalidInput(f"entry #{entry_id} already says that")
        return room._append(
            row["incident_id"],
            new_kind,
            text,
            now=now,
            at=new_at,
            data={"corrects": entry_id},
            supersedes=entry_id,
        )


def strike(room: WarRoom, entry_id: int, reason: str = "") -> int:
    """Strike an entry out: it stays in the record, marked struck, with the reason."""
    now = room.clock.now()
    with transaction(room.db):
        row = _latest(room, entry_id)
        _scribe_entry(row, "struck")
        if row["data"].get("struck"):
            raise InvalidInput(f"entry #{entry_id} is already struck")
        return room._append(
            row["incident_id"],
            row["kind"],
            row["text"],
            now=now,
            at=_stored_at(row),
            data={"corrects": entry_id, "struck": True, "reason": reason.strip()},
            supersedes=entry_id,
        )


def pin(room: WarRoom, entry_id: int, pinned: bool = True) -> int:
    """Pin (or unpin) an entry for the post-mortem."""
    now = room.clock.now()
    with transaction(room.db):
        row = _row(room, entry_id)
        if row["kind"] == "pin":
            raise InvalidInput(f"entry #{entry_id} is a pin record, not an entry")
        chain = _chain(room, entry_id)
        marks = ",".join("?" * len(chain))
        last = room.db.conn.execute(
            "SELECT data FROM timeline WHERE incident_id = ? AND kind = 'pin'"
            f" AND json_extract(data, '$.entry') IN ({marks}) ORDER BY id DESC LIMIT 1",
            (row["incident_id"], *chain),
        ).fetchone()
        now_pinned = bool(last and json.loads(last[0]).get("pinned"))
        if now_pinned == pinned:
            raise InvalidInput(f"entry #{entry_id} is already {'pinned' if pinned else 'unpinned'}")
        verb = "Pinned" if pinned else "Unpinned"
        return room._append(
            row["incident_id"],
            "pin",
            f"{verb}: {row['text'][:80]}",
            now=now,
            data={"entry": entry_id, "pinned": pinned},
        )


def _describe(follow_up_id: int, text: str, owner: str, due: dt.date | None, priority: str) -> str:
    details = [priority, owner or "no owner", f"due {due.isoformat()}" if due else "no due date"]
    return f"Follow-up #{follow_up_id} ({', '.join(details)}): {text}"


def add_follow_up(
    room: WarRoom,
    incident_id: int,
    text: str,
    *,
    owner: str = "",
    due: dt.date | None = None,
    priority: str = "medium",
    from_entry: int | None = None,
) -> int:
    """Record work that outlives the incident; returns the follow-up's id."""
    text, owner = text.strip(), owner.strip()
    if not text:
        raise InvalidInput("a follow-up needs a text")
    priority = parse_priority(priority)
    now = room.clock.now()
    with transaction(room.db):
        room._current(incident_id, "id")
        if from_entry is not None:
            row = _latest(room, from_entry)
            if row["incident_id"] != incident_id:
                raise InvalidInput(f"entry #{from_entry} belongs to incident #{row['incident_id']}")
            if row["data"].get("struck"):
                raise InvalidInput(f"entry #{from_entry} is struck out; it cannot be a follow-up")
            chain = _chain(room, from_entry)
            marks = ",".join("?" * len(chain))
            taken = room.db.conn.execute(
                f"SELECT id FROM follow_ups WHERE from_entry IN ({marks})", chain
            ).fetchone()
            if taken is not None:
                raise InvalidInput(f"entry #{from_entry} is already follow-up #{taken[0]}")
        stamp = to_iso(now)
        cursor = room.db.conn.execute(
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
                stamp,
                room.actor.name,
                stamp,
                room.actor.name,
            ),
        )
        follow_up_id = int(cursor.lastrowid or 0)
        room._append(
            incident_id,
            "follow_up",
            _describe(follow_up_id, text, owner, due, priority),
            now=now,
            data={"follow_up": follow_up_id, "from_entry": from_entry, "created": True},
        )
    return follow_up_id


def promote(
    room: WarRoom,
    entry_id: int,
    *,
    owner: str = "",
    due: dt.date | None = None,
    priority: str = "medium",
    text: str | None = None,
) -> int:
    """Turn a TODO (or any scribe entry) into a follow-up that keeps a link to it."""
    row = _row(room, entry_id)
    _scribe_entry(row, "promoted")
    return add_follow_up(
        room,
        row["incident_id"],
        text if text and text.strip() else row["text"],
        owner=owner,
        due=due,
        priority=priority,
        from_entry=entry_id,
    )


_UNSET: Any = object()


def update_follow_up(
    room: WarRoom,
    follow_up_id: int,
    *,
    status: str | None = None,
    owner: str | None = None,
    due: dt.date | None = _UNSET,
    priority: str | None = None,
) -> None:
    """Change what was asked (status, owner, due, priority); the rest stays as others left it."""
    changes: dict[str, Any] = {}
    if status is not None:
        changes["status"] = parse_follow_up_status(status)
    if owner is not None:
        changes["owner"] = owner.strip()
    if due is not _UNSET:
        changes["due"] = due.isoformat() if due else None
    if priority is not None:
        changes["priority"] = parse_priority(priority)
    if not changes:
        raise InvalidInput("nothing to change (give a status, owner, due date or priority)")
    now = room.clock.now()
    with transaction(room.db):
        found = room.db.conn.execute(
            "SELECT incident_id, text, status, owner, due, priority FROM follow_ups WHERE id = ?",
            (follow_up_id,),
        ).fetchone()
        if found is None:
            raise NotFound(f"no follow-up #{follow_up_id}")
        incident_id, text = found[0], found[1]
        before = dict(zip(("status", "owner", "due", "priority"), found[2:], strict=True))
        changes = {k: v for k, v in changes.items() if before[k] != v}
        if not changes:
            raise InvalidInput(f"follow-up #{follow_up_id} is already like that")
        assignments = ", ".join(f"{k} = ?" for k in changes)
        room.db.conn.execute(
            f"UPDATE follow_ups SET {assignments}, updated_at = ?, updated_by = ? WHERE id = ?",
            (*changes.values(), to_iso(now), room.actor.name, follow_up_id),
        )
        said = []
        for key, value in changes.items():
            if key == "status":
                said.append(FOLLOW_UP_STATUSES[value])
            else:
                said.append(f"{key} {value or '(none)'}")
        room._append(
            incident_id,
            "follow_up",
            f"Follow-up #{follow_up_id} {', '.join(said)}: {text}",
            now=now,
            data={"follow_up": follow_up_id, "changes": changes},
        )
