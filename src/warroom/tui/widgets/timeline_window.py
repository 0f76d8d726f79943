"""The part of a long timeline the view holds: one page, and where it stands.

A timeline too long to hold (see `store.timeline_pages`) reaches the view a page
at a time: `start`.. of `total` entries. The view scrolls by entry there: its
scroll offset is the index of the entry at the top of the screen, so the
scrollbar says how far through the whole timeline the screen is. That counts
every entry as one line for the scrollbar (an entry that wraps takes more lines
on the screen, not in the scrollbar), which keeps it monotonic whatever page is
held; the screen itself is laid out from its top entry down, wrapped and with
its day rules, from the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from warroom.domain.timeline_state import ShownEntry
from warroom.store.read_model import TimelinePage

# a display row on the screen: ("day", date), ("entry", index, line) or ("wait", index):
# an entry outside the page, shown as waiting until its page arrives
ScreenRow = tuple[object, ...]


class TimelineWindow:
    """One page of a long timeline, addressed by index in the whole of it."""

    def __init__(self, page: TimelinePage) -> None:
        self.page = page
        self.total = page.total
        self.start = page.start
        self.entries = page.entries
        self.end = page.start + len(page.entries)
        self._index: dict[int, int] = {}  # any version's id -> index of its entry
        for offset, item in enumerate(page.entries):
            for version in item.history:
                self._index[version.id] = page.start + offset
            self._index[item.entry.id] = page.start + offset

    def entry(self, index: int) -> ShownEntry | None:
        """The entry at `index` of the whole, if this page holds it."""
        if self.start <= index < self.end:
            return self.entries[index - self.start]
        return None

    def key(self, index: int) -> tuple[str, int] | None:
        """Where the entry at `index` stands, to read a page around it."""
        if self.start <= index < self.end:
            return self.page.keys[index - self.start]
        return None

    def index_of(self, entry_id: int) -> int | None:
        """The index of the entry with this version (a corrected one: its correction)."""
        return self._index.get(entry_id)

    def covers(self, first: int, last: int) -> bool:
        """Whether the page holds every entry from `first` to `last` that exists."""
        first, last = max(0, first), min(self.total - 1, last)
        return first > last or (self.start <= first and last < self.end)


def screen_rows(
    window: TimelineWindow,
    top: int,
    height: int,
    lines_of: Callable[[ShownEntry], int],
    day_of: Callable[[ShownEntry], dt.date],
) -> list[ScreenRow]:
    """The display rows from entry `top` down, `height` of them at most: a day rule
    before the first entry of each day, then the entry's wrapped lines."""
    rows: list[ScreenRow] = []
    before = window.entry(top - 1) if top > 0 else None
    last_day = day_of(before) if before is not None else None
    index = top
    while len(rows) < height and index < window.total:
        item = window.entry(index)
        if item is None:
            rows.append(("wait", index))
            last_day = None
        else:
            day = day_of(item)
            if day != last_day:
                rows.append(("day", day))
                last_day = day
            rows.extend(("entry", index, line) for line in range(lines_of(item)))
        index += 1
    return rows[:height]


def lines_between(
    window: TimelineWindow,
    first: int,
    last: int,
    lines_of: Callable[[ShownEntry], int],
    day_of: Callable[[ShownEntry], dt.date],
) -> int:
    """Display rows from entry `first` through `last` (an entry not held: one)."""
    count, last_day = 0, None
    before = window.entry(first - 1) if first > 0 else None
    if before is not None:
        last_day = day_of(before)
    for index in range(first, last + 1):
        item = window.entry(index)
        if item is None:
            count, last_day = count + 1, None
            continue
        day = day_of(item)
        count += lines_of(item) + (day != last_day)
        last_day = day
    return count


def top_showing(
    window: TimelineWindow,
    index: int,
    top: int,
    height: int,
    lines_of: Callable[[ShownEntry], int],
    day_of: Callable[[ShownEntry], dt.date],
) -> int:
    """The top entry nearest `top` that shows entry `index` whole on the screen."""
    if index <= top:
        return index
    lowest = max(top, index - height + 1)
    # an entry's rows (its lines, and a day rule when its day is not the one before's)
    # do not depend on where the count starts: add them up from `index` upwards
    shown, used = index, _rows_of(window, index, lines_of, day_of)
    while shown > lowest:
        more = _rows_of(window, shown - 1, lines_of, day_of)
        if used + more > height:
            break
        shown, used = shown - 1, used + more
    return shown


def _rows_of(
    window: TimelineWindow,
    index: int,
    lines_of: Callable[[ShownEntry], int],
    day_of: Callable[[ShownEntry], dt.date],
) -> int:
    """The display rows entry `index` takes (as `lines_between` counts them)."""
    item = window.entry(index)
    if item is None:
        return 1
    before = window.entry(index - 1) if index > 0 else None
    return lines_of(item) + (before is None or day_of(before) != day_of(item))


def last_top(
    window: TimelineWindow,
    height: int,
    lines_of: Callable[[ShownEntry], int],
    day_of: Callable[[ShownEntry], dt.date],
) -> int:
    """The top entry when the newest shows at the bottom: the greatest scroll offset
    (when the page does not hold the newest: as if each entry took one line)."""
    if window.total == 0:
        return 0
    if window.end < window.total:
        return max(0, window.total - height)
    return top_showing(window, window.total - 1, 0, height, lines_of, day_of)
