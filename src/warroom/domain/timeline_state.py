"""What the timeline says now, from the rows that were written.

The timeline is append-only. A correction is a new row that `supersedes` the
one it corrects (same kind of entry, new text, the original's `at`); striking
an entry is a correction with `data.struck`. A pin is a `pin` row naming an
entry; the latest pin row for an entry's chain decides. This module folds the
rows into the entries a reader sees, each with its history.
"""

from __future__ import annotations

import bisect
import datetime as dt
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
    """Incrementally folds timeline rows: add rows as they arrive, read what shows.

    The current entries are kept in timeline order as rows arrive, and each
    one's `ShownEntry` is built once until a row touches it, so reading a
    100,000-entry timeline after one new row costs a list copy, not a re-fold.
    """

    def __init__(self) -> None:
        self.rows: dict[int, TimelineEntry] = {}
        self.root: dict[int, int] = {}  # any version's id -> the first version's id
        self.versions: dict[int, list[int]] = {}  # root id -> its versions' ids, oldest first
        self.pins: dict[int, tuple[int, bool]] = {}  # root id -> (pin row id, pinned)
        self._order: list[tuple[dt.datetime, int]] = []  # (at, id) of current entries, sorted
        self._cache: dict[int, ShownEntry] = {}  # current id -> how it shows
        self._current: list[ShownEntry] | None = None

    def add(self, rows: Iterable[TimelineEntry]) -> set[int]:
        """Fold in rows; returns the root ids they touched.

        Within one call rows may come in any order; across calls they come in
        id order (what was written since the last read). Duplicates are ignored.
        """
        touched: set[int] = set()
        fresh = [r for r in rows if r.id not in self.rows]
        if not fresh:
            return touched
        fresh.sort(key=lambda r: r.id)
        appended: list[tuple[dt.datetime, int]] = []
        for row in fresh:
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
            if versions:
                self._drop(versions[-1])
            versions.append(row.id)
            if len(versions) > 1 and versions[-2] > row.id:
                versions.sort()
            appended.append((row.at, versions[-1]))
            touched.add(root)
        self._insert(appended)
        for root in touched:
            if root in self.versions:
                self._cache.pop(self.versions[root][-1], None)
        self._current = None
        return touched

    def _drop(self, entry_id: int) -> None:
        key = (self.rows[entry_id].at, entry_id)
        index = bisect.bisect_left(self._order, key)
        if index < len(self._order) and self._order[index] == key:
            del self._order[index]
        self._cache.pop(entry_id, None)

    def _insert(self, keys: list[tuple[dt.datetime, int]]) -> None:
        keys = [k for k in keys if self.is_current(k[1])]
        if len(keys) > 64 or not self._order:
            self._order = sorted(set(self._order) | set(keys)) if self._order else sorted(keys)
            return
        for key in keys:
            index = bisect.bisect_left(self._order, key)
            if index == len(self._order) or self._order[index] != key:
                self._order.insert(index, key)

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
        if len(versions) < 2:
            return ()
        return tuple(self.rows[i] for i in versions if i < entry_id)

    def shown(self, entry_id: int) -> ShownEntry:
        found = self._cache.get(entry_id)
        if found is None:
            found = ShownEntry(self.rows[entry_id], self.pinned(entry_id), self.history(entry_id))
            self._cache[entry_id] = found
        return found

    def current(self) -> list[ShownEntry]:
        """Every entry as it reads now, ordered by when it happened."""
        if self._current is None:
            self._current = [self.shown(i) for _, i in self._order]
        return list(self._current)


def fold(rows: Iterable[TimelineEntry]) -> list[ShownEntry]:
    """The current entries of a whole timeline (see TimelineState)."""
    state = TimelineState()
    state.add(rows)
    return state.current()
