"""New rows laid out after the last entry read the same as the whole timeline laid
out again: the same entries, day rules, wrapped lines and cursor, under any filter
or search; corrections, pins and backdated rows in the middle included."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult

from warroom.domain.models import TimelineEntry
from warroom.tui.widgets.timeline_view import TimelineView

T0 = dt.datetime(2026, 11, 23, 23, 40, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 24)


def row(
    entry_id: int,
    minutes: int,
    text: str,
    kind: str = "note",
    supersedes: int | None = None,
    **data: object,
) -> TimelineEntry:
    at = T0 + dt.timedelta(minutes=minutes)
    return TimelineEntry(entry_id, 1, at, at, "Ana", "ana", kind, text, dict(data), supersedes)


LONG = "a long entry " * 30  # wraps over several lines

BATCHES = [
    [row(1, 0, "declared", "declared"), row(2, 5, "first finding", "finding")],
    [row(3, 10, "a decision", "decision")],
    [row(4, 15, LONG, "note")],
    [row(5, 25, "after midnight", "decision")],  # across the day boundary
    [row(6, 26, "another", "note"), row(7, 27, "and one more decision", "decision")],
    [row(8, 12, "backdated, lands in the middle", "decision")],
    [row(9, 10, "a decision, corrected", "decision", supersedes=3, corrects=3)],
    [row(10, 28, "newest after a correction", "note")],
    [row(11, 1, "pin", "pin", entry=2, pinned=True)],
    [row(12, 29, "struck later", "finding")],
    [row(13, 29, "struck later", "finding", supersedes=12, struck=True, reason="dup")],
    [row(14, 30, LONG + " decided", "decision")],
]


class Host(App[None]):
    CSS: ClassVar[str] = "TimelineView { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield TimelineView(tz=dt.UTC, today=TODAY, id="live")
        yield TimelineView(tz=dt.UTC, today=TODAY, id="whole")


def laid_out(view: TimelineView) -> tuple[object, ...]:
    return (
        [(s.entry.id, s.entry.text, s.pinned) for s in view.shown],
        view._rows,  # noqa: SLF001 - what would be drawn
        view._first_row,  # noqa: SLF001
        view.cursor,
        view.selected and view.selected.entry.id,
        view.virtual_size.height,
    )


@pytest.mark.parametrize(
    ("filter_name", "search", "cursor_up"),
    [
        ("all", None, 0),
        ("decision", None, 0),
        ("all", None, 1),
        ("all", None, 2),
        ("all", None, 3),
        ("decision", {3, 5, 14}, 1),
    ],
)
async def test_rows_added_one_read_at_a_time_lay_out_as_the_whole_timeline(
    filter_name: str, search: set[int] | None, cursor_up: int
) -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        live = app.query_one("#live", TimelineView)
        whole = app.query_one("#whole", TimelineView)
        live.set_filter(filter_name)
        live.set_matches(search)
        written: list[TimelineEntry] = []
        chosen = None  # the entry the cursor was moved to: it stays on it
        for number, batch in enumerate(BATCHES):
            live.add(batch)
            written += batch
            if number == 4 and cursor_up:
                live.action_cursor(-cursor_up)
                assert live.selected is not None
                chosen = live.state.root[live.selected.entry.id]
            await pilot.pause()
            whole.replace(written)
            whole.set_filter(filter_name)
            whole.set_matches(search)
            if chosen is not None:
                assert live.selected is not None
                assert live.state.root[live.selected.entry.id] == chosen, f"after batch {number}"
                whole.cursor = next(
                    i for i, s in enumerate(whole.shown) if whole.state.root[s.entry.id] == chosen
                )
            assert laid_out(live) == laid_out(whole), f"after batch {number}"
