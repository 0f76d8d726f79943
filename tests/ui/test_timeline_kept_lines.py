"""The timeline keeps its finished lines (`kept_strips`) and its component styles
across repaints, so an entry from another console costs little: what it draws must
still be what Textual would draw now, after entries, focus, a resize and a theme
change, and what a view opened afterwards draws."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.segment import Segment
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Input

from warroom.domain.models import TimelineEntry
from warroom.tui.widgets.timeline_view import TimelineView

T0 = dt.datetime(2026, 11, 23, 23, 40, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 24)
KINDS = ("note", "decision", "finding", "declared", "sla_breach")


def row(entry_id: int) -> TimelineEntry:
    at = T0 + dt.timedelta(minutes=entry_id)
    kind = KINDS[entry_id % len(KINDS)]
    text = f"entry {entry_id}" + (" and a longer text that wraps" * 4 if entry_id % 4 == 0 else "")
    return TimelineEntry(entry_id, 1, at, at, "Ana", "ana", kind, text, {}, None)


class Host(App[None]):
    CSS: ClassVar[str] = """
    TimelineView { height: 1fr; border: round $primary-muted; scrollbar-gutter: stable; }
    TimelineView:focus { border: heavy $accent; }
    TimelineView > .timeline--time { color: $text-muted; }
    TimelineView > .timeline--author { color: $text-accent; }
    TimelineView > .timeline--kind { text-style: bold; }
    """

    def __init__(self, views: int = 1) -> None:
        super().__init__()
        self.views = views

    def compose(self) -> ComposeResult:
        for number in range(self.views):
            yield TimelineView(tz=dt.UTC, today=TODAY, id=f"view{number}")
        yield Input(id="elsewhere")


def cells(strips: list[Strip]) -> list[list[Segment]]:
    return [[Segment(s.text, s.style) for s in strip if s.text] for strip in strips]


def drawn(view: TimelineView) -> list[list[Segment]]:
    """What the view sends to the compositor now (its kept lines included)."""
    width, height = view.outer_size
    return cells(view.render_lines(Region(0, 0, width, height)))


def finished_by_textual(view: TimelineView) -> list[list[Segment]]:
    """The same lines finished afresh by Textual's own styles cache."""
    width, height = view.outer_size
    return cells(StylesCache().render_widget(view, Region(0, 0, width, height)))


def content(view: TimelineView) -> list[list[Segment]]:
    """The text rows inside the border."""
    return [line[1:-1] for line in drawn(view)[1:-1]]


async def test_kept_lines_are_what_textual_would_draw_now() -> None:
    app = Host()
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(TimelineView)
        view.replace([row(n) for n in range(1, 30)])
        await pilot.pause()
        steps = 0
        for entry_id in range(30, 46):
            before = view.render_lines(Region(0, 0, *view.outer_size))
            view.add([row(entry_id)])  # scrolls every line up
            await pilot.pause()
            after = view.render_lines(Region(0, 0, *view.outer_size))
            assert drawn(view) == finished_by_textual(view), f"after entry {entry_id}"
            # the lines scrolled up are the very strips finished before (that is the
            # point: their filters, cuts and terminal text are kept on them)
            steps += sum(any(a is b for b in before) for a in after[1:-1])
            if entry_id == 34:
                view.focus()
            elif entry_id == 36:
                app.query_one(Input).focus()
            elif entry_id == 38:
                await pilot.resize_terminal(70, 24)
            elif entry_id == 40:
                app.theme = "textual-light"
            elif entry_id == 42:  # a style of the view's own: its lines are drawn the same
                view.styles.border = ("double", "red")
            elif entry_id == 43:
                view.border_title = "[b]Timeline[/b] · showing decisions"
            elif entry_id == 44:  # the same text, another style
                view.border_title = "[i]Timeline[/i] · showing decisions"
            await pilot.pause()
            assert drawn(view) == finished_by_textual(view), f"after the change at {entry_id}"
        assert steps > 100  # most lines were kept, not finished again
        assert {line[0].text for line in drawn(view)[1:-1]} == {"║"}
        view.styles.border = None
        # focus and blur changed the border on every row (not kept from before)
        view.focus()
        await pilot.pause()
        assert {line[0].text for line in drawn(view)[1:-1]} == {"┃"}
        app.query_one(Input).focus()
        await pilot.pause()
        assert {line[0].text for line in drawn(view)[1:-1]} == {"│"}


async def test_a_view_that_followed_a_theme_change_draws_as_one_opened_after_it() -> None:
    app = Host(views=2)
    async with app.run_test(size=(90, 31)) as pilot:  # two views of 14 rows over the input
        live, fresh = app.query(TimelineView)
        app.query_one(Input).focus()  # neither view has the cursor's focus mark
        live.replace([row(n) for n in range(1, 20)])
        await pilot.pause()
        for entry_id in range(20, 26):
            live.add([row(entry_id)])
            await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        live.add([row(26)])
        await pilot.pause()
        fresh.replace([row(n) for n in range(1, 27)])
        await pilot.pause()
        await pilot.pause()  # at the end, once laid out
        assert content(live) == content(fresh)
        author = next(s for s in content(live)[-1] if s.text.startswith("Ana"))
        assert author.style == live.rich_style + live.get_component_rich_style("timeline--author")
