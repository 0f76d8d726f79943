"""The statements an import runs inside its unit of work: rows written as they
were exported, under fresh ids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from warroom.store.unit_of_work import UnitOfWork

# The tables an export carries; `table` below is always one of these, never typed.
TABLES = frozenset(
    {
        "incidents",
        "timeline",
        "follow_ups",
        "checklists",
        "checklist_items",
        "drafts",
        "roles",
        "updates",
        "escalations",
        "sla_breaches",
        "alerts",
        "alert_signals",
    }
)


def insert_row(uow: UnitOfWork, table: str, values: dict[str, Any]) -> int:
    """Write one row of `table` as given; returns its id."""
    assert table in TABLES, table
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cursor = uow.conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
    )
    return int(cursor.lastrowid or 0)


def new_ids(uow: UnitOfWork, table: str, old_ids: Iterable[int]) -> dict[int, int]:
    """Fresh ids after the table's last one, in the old ids' order (so the order survives).

    Taken inside the write transaction, so no other writer can take them first.
    """
    assert table in TABLES, table
    last = int(uow.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
    return {old: last + n for n, old in enumerate(sorted(old_ids), start=1)}
