"""A whole timeline's display rows: one row per wrapped line of each entry, and a
day rule where the day changes. `TimelineView` lays them out as entries come; the
watcher lays out the timeline of an incident it reads whole for a key (a read held
ahead), off the console's thread, so a key onto a busy incident does not lay out
all its entries between the key and its frame (~4-5 us an entry on a slow host:
~9 ms at `WHOLE_UP_TO`, 2,000 rows; 3,000 took ~13 ms when they were read whole).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from warroom.domain.timeline_filters import TIMELINE_FILTERS
from warroom.domain.timeline_state import ShownEntry, TimelineState

# a display row: ("day", date) or ("entry", index into the shown entries, line)
Row = tuple[object, ...]


def passing(
    entries: Sequence[ShownEntry],
    start: int,
    passes: Callable[[ShownEntry], bool] | None,
    shown: list[ShownEntry],
    state_index: list[int],
) -> None:
    """Append to `shown` the entries that pass (None: all of them) and to `state_index`
    where each stands in the state (`entries` are the state's from `start` on)."""
    if passes is None:  # every entry: no test each
        shown.extend(entries)
        state_index.extend(range(start, start + len(entries)))
        return
    for index, item in enumerate(entries, start=start):
        if passes(item):
            shown.append(item)
            state_index.append(index)


def lay_out(
    shown: Sequence[ShownEntry],
    start: int,
    width: int,
    tz: dt.tzinfo,
    count: Callable[[ShownEntry, int], int],
    counts: dict[int, int],
    rows: list[Row],
    first_row: list[int],
) -> None:
    """Append the display rows of `shown[start:]` (those before are laid out) at text
    `width`, an entry taking the lines `count` says; `counts` keeps each entry's count
    at that width, `first_row` the display row of each entry's first line."""
    last_day = shown[start - 1].entry.at.astimezone(tz).date() if start else None
    for index, item in enumerate(shown[start:], start):
        entry = item.entry
        day = entry.at.astimezone(tz).date()
        if day != last_day:
            rows.append(("day", day))
            last_day = day
        first_row.append(len(rows))
        lines = counts.get(entry.id)
        if lines is None:
            lines = counts[entry.id] = count(item, width)
        if lines == 1:
            rows.append(("entry", index, 0))
        else:
            rows.extend([("entry", index, line_no) for line_no in range(lines)])


@dataclass(frozen=True)
class TimelineShape:
    """How a console's timeline lays out: its text width, filter and time zone, and
    how many lines an entry wraps to at a width (the view's own wrapping)."""

    width: int
    filter_name: str
    tz: dt.tzinfo
    count: Callable[[ShownEntry, int], int]


@dataclass
class TimelineLayout:
    """A folded timeline laid out in one shape, for a view to take as it is (once)."""

    state: TimelineState
    shape: TimelineShape
    revision: int  # the state's revision it was laid out at
    shown: list[ShownEntry] = field(default_factory=list)
    state_index: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    first_row: list[int] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)
    taken: bool = False  # a view holds its lists now (it changes them as entries come)

    def fits(self, state: TimelineState, width: int, filter_name: str) -> bool:
        """Whether this is `state` laid out as a view at `width` with `filter_name`
        (and no search) would lay it out, not yet taken."""
        return (
            not self.taken
            and self.state is state
            and self.revision == state.revision
            and self.shape.width == width
            and self.shape.filter_name == filter_name
        )


def laid_out(state: TimelineState, shape: TimelineShape) -> TimelineLayout:
    """`state`, folded, laid out in `shape` (no search: a new selection has none)."""
    layout = TimelineLayout(state, shape, state.revision)
    rule = TIMELINE_FILTERS.get(shape.filter_name, TIMELINE_FILTERS["all"])
    passes = None if shape.filter_name == "all" else rule.passes
    passing(state.entries_from(0), 0, passes, layout.shown, layout.state_index)
    lay_out(
        layout.shown,
        0,
        shape.width,
        shape.tz,
        shape.count,
        layout.counts,
        layout.rows,
        layout.first_row,
    )
    return layout
