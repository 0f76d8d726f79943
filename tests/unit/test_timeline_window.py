"""Where a long timeline's screen stands: the top entry that shows an entry whole is
worked out from the bottom up (each entry's rows, day rule included), and must be
the one the count from each candidate top (`lines_between`) gives."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from warroom.domain.models import TimelineEntry
from warroom.domain.timeline_state import ShownEntry
from warroom.store.read_model import PageRequest, TimelinePage
from warroom.tui.widgets.timeline_window import (
    TimelineWindow,
    last_top,
    lines_between,
    top_showing,
)

T0 = dt.datetime(2026, 11, 20, 22, 0, tzinfo=dt.UTC)


def page(seed: int) -> tuple[TimelineWindow, dict[int, int]]:
    """A page somewhere in a longer timeline: entries of 1-4 lines over a few days."""
    rng = random.Random(seed)
    total = rng.randint(1, 60)
    start = rng.randint(0, total - 1)
    held = rng.randint(1, total - start)
    at, entries, lines = T0, [], {}
    for number in range(start, start + held):
        at += dt.timedelta(hours=rng.choice((0, 1, 7, 30)))
        entry = TimelineEntry(number + 1, 1, at, at, "Ana", "ana", "note", "x", {}, None)
        entries.append(ShownEntry(entry, pinned=False))
        lines[entry.id] = rng.choice((1, 1, 1, 2, 4))
    keys = tuple((item.entry.at.isoformat(), item.entry.id) for item in entries)
    request = PageRequest(1)
    return TimelineWindow(TimelinePage(request, total, start, tuple(entries), keys, 0)), lines


def counted_from_each_top(
    window: TimelineWindow,
    index: int,
    top: int,
    height: int,
    lines_of: Callable[[ShownEntry], int],
    day_of: Callable[[ShownEntry], dt.date],
) -> int:
    """The top entry as the count from each candidate top finds it."""
    if index <= top:
        return index
    top = max(top, index - height + 1)
    while top < index and lines_between(window, top, index, lines_of, day_of) > height:
        top += 1
    return top


def test_top_showing_is_the_count_from_each_top() -> None:
    checked = 0
    for seed in range(300):
        window, lines = page(seed)

        def lines_of(item: ShownEntry, lines: dict[int, int] = lines) -> int:
            return lines[item.entry.id]

        def day_of(item: ShownEntry) -> dt.date:
            return item.entry.at.date()

        for height in (1, 3, 8, 20):
            for index in range(window.total):
                for top in (0, max(0, index - 5), index):
                    expected = counted_from_each_top(window, index, top, height, lines_of, day_of)
                    found = top_showing(window, index, top, height, lines_of, day_of)
                    assert found == expected, (seed, height, index, top)
                    checked += 1
            # the end: the newest entry shows whole, with as many before it as fit
            newest = last_top(window, height, lines_of, day_of)
            if window.end == window.total and newest < window.total - 1:
                assert lines_between(window, newest, window.total - 1, lines_of, day_of) <= height
    assert checked > 10_000
