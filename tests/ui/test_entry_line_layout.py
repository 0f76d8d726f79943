"""Typing and Enter on the entry line repaint the line, not the whole screen's layout.

Textual's Input sets its virtual size on every change of value, and a plain Input's
reactive asks for a layout of the whole screen each time (a frame of its own, ~5-14 ms
at 1,000 incidents, on each key and on the Enter that logs an entry). The line keeps
what it shows and does: a long entry still scrolls to its cursor, the kind badge
still follows the prefix, and Enter clears the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.screen import Screen
from textual.widget import Widget

from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.widgets.entry_line import EntryLine


def badge(line: EntryLine) -> str:
    return str(line.query_one("#entry-kind").render())


def keys(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


@contextmanager
def layouts_asked_by(line: EntryLine) -> Iterator[list[Widget]]:
    """The line's widgets that the screen laid out for, meanwhile."""
    asked: list[Widget] = []
    original = Screen._refresh_layout  # noqa: SLF001

    def counted(screen: Screen[object], *args: object, **kwargs: object) -> None:
        wanting = {w for ws in screen._layout_widgets.values() for w in ws}  # noqa: SLF001
        asked.extend(w for w in wanting if w is line or line in w.ancestors)
        original(screen, *args, **kwargs)  # type: ignore[arg-type]

    setattr(Screen, "_refresh_layout", counted)  # noqa: B010
    try:
        yield asked
    finally:
        setattr(Screen, "_refresh_layout", original)  # noqa: B010


async def test_typing_and_enter_lay_nothing_out_and_the_line_still_scrolls(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        line = app.war_room.query_one(EntryLine)
        await pilot.press("l")
        await wait_for(pilot, lambda: line.has_class("-typing") and badge(line) == "✎ note")
        await pilot.pause()
        text = " ".join(f"word{n}" for n in range(14))  # a note wider than the line (~90)
        with layouts_asked_by(line) as asked:
            await pilot.press(*keys(text))
            await wait_for(pilot, lambda: line.input.value == text)
            await pilot.pause()
        assert asked == []  # some ninety keys, not one layout of the screen
        # the cursor at the end of a line wider than its box: scrolled to show it
        assert line.input.max_scroll_x > 0
        assert line.input.scroll_x > 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: line.input.value == "")
        await pilot.pause()
        # a note that fits, logged: Enter clears the line without a layout either
        with layouts_asked_by(line) as asked:
            await pilot.press(*keys("db failover done"), "enter")
            await wait_for(pilot, lambda: line.input.value == "")
            await pilot.pause()
        assert asked == []
        reader = store.connect(db_path)

        def logged() -> list[str]:
            return [e.text for e in queries.timeline(reader, number)]

        await wait_for(pilot, lambda: {text, "db failover done"} <= set(logged()))
        assert logged().count(text) == 1 and logged().count("db failover done") == 1


async def test_the_badge_still_follows_the_prefix(db_path: Path, clock: FrozenClock) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    room.declare("Checkout errors", "P1")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        line = app.war_room.query_one(EntryLine)
        await pilot.press("l")
        await wait_for(pilot, lambda: badge(line) == "✎ note")
        await pilot.press("d", ":", "space", "x")
        await wait_for(pilot, lambda: badge(line) == "✎ decision")
        await pilot.press("enter")
        await wait_for(pilot, lambda: line.input.value == "" and badge(line) == "✎ note")
        await pilot.press("a", ":", "space", "y")
        await wait_for(pilot, lambda: badge(line) == "✎ action")
        await pilot.press("escape")
        await wait_for(pilot, lambda: badge(line) == "action")  # not typing: no ✎
        await pilot.press("l")
        await wait_for(pilot, lambda: badge(line) == "✎ action")
