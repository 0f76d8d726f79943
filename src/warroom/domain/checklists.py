"""Checklists as the war room sees them: items, progress, and what is late.

A checklist is a runbook attached to one incident, its items copied when it
was attached; ticks are recorded per item with who and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from warroom.domain.models import Incident


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
    within_from: str = "declared"  # the moment `within` counts from (runbook_scope.MOMENTS)
    done_when: tuple[str, ...] = ()  # events that tick it by themselves

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


def moments(incident: Incident) -> dict[str, dt.datetime | None]:
    """The moments an item's `within` may count from, as the incident records them."""
    return {
        "declared": incident.declared_at,
        "acknowledged": incident.acknowledged_at,
        "mitigated": incident.mitigated_at,
        "resolved": incident.resolved_at,
    }


def due_at(
    item: ChecklistItem, declared_at: dt.datetime, when: Mapping[str, dt.datetime | None] | None
) -> dt.datetime | None:
    """When the item is due: its `within` from its moment; None without a target, or
    while that moment has not happened yet (a post-mortem item before resolution)."""
    if item.within is None:
        return None
    start = declared_at if item.within_from == "declared" else (when or {}).get(item.within_from)
    return None if start is None else start + item.within


def is_overdue(
    item: ChecklistItem,
    declared_at: dt.datetime,
    now: dt.datetime,
    when: Mapping[str, dt.datetime | None] | None = None,
) -> bool:
    """Past its `within` target (from its moment, see `due_at`) and not ticked yet.

    `when`: the incident's `moments`; without them an item counting from another
    moment than declaration has no deadline."""
    due = due_at(item, declared_at, when)
    return due is not None and not item.done and now > due
