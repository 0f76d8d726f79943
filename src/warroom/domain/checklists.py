"""Checklists as the war room sees them: items, progress, and what is late.

A checklist is a runbook attached to one incident, its items copied when it
was attached; ticks are recorded per item with who and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChecklistItem:
    id: int
    checklist_id: int
    number: int  # 1-based across the incident's checklists, as `warroom tick ID N` takes it
    key: str  # runbook-id/section-key/position
    section: str
    depth: int
    text: str
    detail: str
    command: str
    role: str
    within: dt.timedelta | None
    ask: str
    answer: str | None
    done_by: str | None
    done_at: dt.datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class Checklist:
    id: int
    runbook_id: str
    title: str
    description: str
    attached_at: dt.datetime
    attached_by: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"


def progress(items: tuple[ChecklistItem, ...] | list[ChecklistItem]) -> Progress:
    return Progress(sum(1 for i in items if i.done), len(items))


def sections(checklist: Checklist) -> list[tuple[str, list[ChecklistItem]]]:
    """The checklist's sections in order, each with its items."""
    found: dict[str, list[ChecklistItem]] = {}
    for item in checklist.items:
        found.setdefault(item.section, []).append(item)
    return list(found.items())


def answers(lists: Iterable[Checklist]) -> dict[str, str]:
    """Question -> answer for every answered `ask:` item, in list order (update
    templates fill their fields from these)."""
    return {
        item.ask: item.answer
        for book in lists
        for item in book.items
        if item.ask and item.answer is not None
    }


def is_overdue(item: ChecklistItem, declared_at: dt.datetime, now: dt.datetime) -> bool:
    """Past its `within` target (from declaration) and not ticked yet."""
    return item.within is not None and not item.done and now > declared_at + item.within
