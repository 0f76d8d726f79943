"""What the timeline says now, from the rows that were written.

The timeline is append-only. A correction is a new row that `supersedes` the
one it corrects (same kind of entry, new text, the original's `at`); striking
an entry is a correction with `data.struck`. A pin is a `pin` row naming an
entry; the latest pin row for an entry's chain decides. This module folds the
rows into the entries a reader sees, each with its history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from warroom.domain.models import TimelineEntry

META_KINDS = frozenset({"pin"})  # rows that change other rows, not shown as entries


@dataclass(frozen=True)
class ShownEntry:
    """An entry as it reads now, with the versions it replaced (oldest first)."""

    entry: TimelineEntry
    pinned: bool
    history: tuple[TimelineEntry, ...] = ()

    @property
    def struck(self) -> bool:
        return bool(self.entry.data.get("struck"))

    @property
    def edited(self) -> bool:
        return bool(self.history)


class TimelineState:
    """Incrementally folds timeline rows: add rows as they arrive, read what shows."""

    def __init__(self) -> None:
        self.rows: dict[int, TimelineEntry] = {}
        self.root: dict[int, int] = {}  # any version's id -> the first version's id
        self.versions: dict[int, list[int]] = {}  # root id -> its versions' ids, oldest first
        self.pins: dict[int, tuple[int, bool]] = {}  # root id -> (pin row id, pinned)

    def add(self, rows: Iterable[TimelineEntry]) -> set[int]:
        """Fold in rows (any order, duplicates ignored); returns the root ids they touched."""
        touched: set[int] = set()
        for row in sorted(rows, key=lambda r: r.id):
            if row.id in self.rows:
                continue
            self.rows[row.id] = row
            if row.kind in META_KINDS:
                target = row.data.get("entry")
                if isinstance(target, int):
                    root = self.root.get(target, target)
                    if row.id > self.pins.get(root, (0, False))[0]:
                        self.pins[root] = (row.id, bool(row.data.get("pinned")))
                    touched.add(root)
                continue
            root = self.root.get(row.supersedes, row.supersedes) if row.supersedes else row.id
            self.root[row.id] = root
            versions = self.versions.setdefault(root, [])
            versions.append(row.id)
            if len(versions) > 1 and versions[-2] > row.id:
                versions.sort()
            touched.add(root)
        return touched

    def is_current(self, entry_id: int) -> bool:
        row = self.rows.get(entry_id)
        if row is None or row.kind in META_KINDS:
            return False
        return self.versions[self.root[entry_id]][-1] == entry_id

    def pinned(self, entry_id: int) -> bool:
        root = self.root.get(entry_id, entry_id)
        return self.pins.get(root, (0, False))[1]

    def history(self, entry_id: int) -> tuple[TimelineEntry, ...]:
        """Earlier versions of the entry, oldest first."""
        versions = self.versions.get(self.root.get(entry_id, entry_id), [])
        return tuple(self.rows[i] for i in versions if i < entry_id)

    def shown(self, entry_id: int) -> ShownEntry:
        return ShownEntry(self.rows[entry_id], self.pinned(entry_id), self.history(entry_id))

    def current(self) -> list[ShownEntry]:
        """Every entry as it reads now, ordered by when it happened."""
        ids = [i for i in self.rows if self.is_current(i)]
        ids.sort(key=lambda i: (self.rows[i].at, i))
        return [self.shown(i) for i in ids]


def fold(rows: Iterable[TimelineEntry]) -> list[ShownEntry]:
    """The current entries of a whole timeline (see TimelineState)."""
    state = TimelineState()
    state.add(rows)
    return state.current()
