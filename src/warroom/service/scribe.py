"""The scribe's actions: log, correct, strike, pin, and follow-ups.

Corrections never change a row: they append one that supersedes it. A pin
is a `pin` row. Each action is one unit of work with its timeline row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from warroom.domain.timefmt import check_moment, from_iso
from warroom.domain.vocabulary import (
    ENTRY_KINDS,
    FOLLOW_UP_STATUSES,
    parse_entry_kind,
    parse_follow_up_status,
    parse_priority,
)
from warroom.errors import InvalidInput
from warroom.service.base import RoomBase, checked_moment
from warroom.store import scribe_writes
from warroom.store.unit_of_work import UnitOfWork

_UNSET: Any = object()


def _latest(uow: UnitOfWork, entry_id: int) -> dict[str, Any]:
    """The entry, refusing one a later row already corrected (the writer saw stale text)."""
    row = scribe_writes.entry_row(uow, entry_id)
    newer = scribe_writes.first_correction(uow, entry_id)
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


def _scribe_entry(row: dict[str, Any], doing: str) -> None:
    if row["kind"] not in ENTRY_KINDS:
        raise InvalidInput(
            f"entry #{row['id']} is a {row['kind']} record written by the console; "
            f"only scribe entries ({', '.join(ENTRY_KINDS)}) can be {doing}"
        )


def _describe(follow_up_id: int, text: str, owner: str, due: dt.date | None, priority: str) -> str:
    details = [priority, owner or "no owner", f"due {due.isoformat()}" if due else "no due date"]
    return f"Follow-up #{follow_up_id} ({', '.join(details)}): {text}"


def _add_follow_up(
    uow: UnitOfWork,
    incident_id: int,
    text: str,
    *,
    owner: str,
    due: dt.date | None,
    priority: str,
    from_entry: int | None = None,
) -> int:
    text, owner = text.strip(), owner.strip()
    if not text:
        raise InvalidInput("a follow-up needs a text")
    priority = parse_priority(priority)
    uow.require_incident(incident_id)
    if from_entry is not None:
        row = _latest(uow, from_entry)
        if row["incident_id"] != incident_id:
            raise InvalidInput(f"entry #{from_entry} belongs to incident #{row['incident_id']}")
        if row["data"].get("struck"):
            raise InvalidInput(f"entry #{from_entry} is struck out; it cannot be a follow-up")
        taken = scribe_writes.follow_up_from(uow, scribe_writes.versions(uow, from_entry))
        if taken is not None:
            raise InvalidInput(f"entry #{from_entry} is already follow-up #{taken}")
    follow_up_id = scribe_writes.insert_follow_up(
        uow, incident_id, text=text, owner=owner, due=due, priority=priority, from_entry=from_entry
    )
    uow.append_timeline(
        incident_id,
        "follow_up",
        _describe(follow_up_id, text, owner, due, priority),
        data={"follow_up": follow_up_id, "from_entry": from_entry, "created": True},
    )
    return follow_up_id


class Scribe(RoomBase):
    """The scribe's record: entries, their corrections and pins, and follow-ups."""

    def log(
        self, incident_id: int, text: str, kind: str = "note", *, at: dt.datetime | None = None
    ) -> int:
        """A scribe's timeline entry; `at` backdates when it happened."""
        text = text.strip()
        if not text:
            raise InvalidInput("an empty entry was not logged")
        kind = parse_entry_kind(kind)
        now = self.clock.now()
        if at is not None and checked_moment(at, "entry time") > now:
            raise InvalidInput("an entry cannot happen in the future")
        with self.unit_of_work(now) as uow:
            uow.require_incident(incident_id)
            return uow.append_timeline(incident_id, kind, text, at=at)

    def correct(
        self, entry_id: int, text: str, kind: str | None = None, at: dt.datetime | None = None
    ) -> int:
        """Correct an entry (text, kind, when): a new row supersedes it; the old one stays.
        `at` None keeps when it happened."""
        text = text.strip()
        if not text:
            raise InvalidInput(
                "a correction needs the corrected text (to remove an entry, strike it)"
            )
        now = self.clock.now()
        if at is not None:
            try:
                check_moment(at, "the corrected time")
            except ValueError as exc:
                raise InvalidInput(str(exc)) from exc
            if at > now:
                raise InvalidInput("an entry cannot happen in the future")
        with self.unit_of_work(now) as uow:
            row = _latest(uow, entry_id)
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
            return uow.append_timeline(
                row["incident_id"],
                new_kind,
                text,
                at=new_at,
                data={"corrects": entry_id},
                supersedes=entry_id,
            )

    def strike(self, entry_id: int, reason: str = "") -> int:
        """Strike an entry out: it stays in the record, marked struck, with the reason."""
        with self.unit_of_work() as uow:
            row = _latest(uow, entry_id)
            _scribe_entry(row, "struck")
            if row["data"].get("struck"):
                raise InvalidInput(f"entry #{entry_id} is already struck")
            return uow.append_timeline(
                row["incident_id"],
                row["kind"],
                row["text"],
                at=_stored_at(row),
                data={"corrects": entry_id, "struck": True, "reason": reason.strip()},
                supersedes=entry_id,
            )

    def pin(self, entry_id: int, pinned: bool = True) -> int:
        """Pin (or unpin) an entry that matters for the post-mortem."""
        with self.unit_of_work() as uow:
            row = scribe_writes.entry_row(uow, entry_id)
            if row["kind"] == "pin":
                raise InvalidInput(f"entry #{entry_id} is a pin record, not an entry")
            chain = scribe_writes.versions(uow, entry_id)
            if scribe_writes.is_pinned(uow, row["incident_id"], chain) == pinned:
                state = "pinned" if pinned else "unpinned"
                raise InvalidInput(f"entry #{entry_id} is already {state}")
            verb = "Pinned" if pinned else "Unpinned"
            return uow.append_timeline(
                row["incident_id"],
                "pin",
                f"{verb}: {row['text'][:80]}",
                data={"entry": entry_id, "pinned": pinned},
            )

    def add_follow_up(
        self,
        incident_id: int,
        text: str,
        *,
        owner: str = "",
        due: dt.date | None = None,
        priority: str = "medium",
    ) -> int:
        """Record a follow-up (work that outlives the incident); returns its id."""
        if not text.strip():
            raise InvalidInput("a follow-up needs a text")
        parse_priority(priority)  # refused before the write lock is taken
        with self.unit_of_work() as uow:
            return _add_follow_up(uow, incident_id, text, owner=owner, due=due, priority=priority)

    def promote(
        self,
        entry_id: int,
        *,
        owner: str = "",
        due: dt.date | None = None,
        priority: str = "medium",
        text: str | None = None,
    ) -> int:
        """Turn a TODO (or any scribe entry) into a follow-up that keeps a link to it
        (its text, unless `text` rewords it)."""
        with self.unit_of_work() as uow:
            row = scribe_writes.entry_row(uow, entry_id)
            _scribe_entry(row, "promoted")
            return _add_follow_up(
                uow,
                row["incident_id"],
                text if text and text.strip() else row["text"],
                owner=owner,
                due=due,
                priority=priority,
                from_entry=entry_id,
            )

    def update_follow_up(
        self,
        follow_up_id: int,
        *,
        status: str | None = None,
        owner: str | None = None,
        due: dt.date | None = _UNSET,
        priority: str | None = None,
    ) -> None:
        """Change what was asked (status, owner, due, priority); the rest stays as others
        left it."""
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
        with self.unit_of_work() as uow:
            incident_id, text, before = scribe_writes.follow_up(uow, follow_up_id)
            changes = {k: v for k, v in changes.items() if before[k] != v}
            if not changes:
                raise InvalidInput(f"follow-up #{follow_up_id} is already like that")
            scribe_writes.change_follow_up(uow, follow_up_id, changes)
            said = []
            for key, value in changes.items():
                if key == "status":
                    said.append(FOLLOW_UP_STATUSES[value])
                else:
                    said.append(f"{key} {value or '(none)'}")
            uow.append_timeline(
                incident_id,
                "follow_up",
                f"Follow-up #{follow_up_id} {', '.join(said)}: {text}",
                data={"follow_up": follow_up_id, "changes": changes},
            )
