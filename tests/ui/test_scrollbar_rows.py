"""A steady scrollbar draws each row as Textual's own scrollbar does (its text, its
colours, the mouse actions in its style), through sizes, thumbs, hover, grab, a theme
and a resize; a row that looks as one drawn before is the very line drawn then; a
click and a drag on it scroll as on Textual's."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.geometry import Offset, Region, Size
from textual.pilot import Pilot
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from warroom.tui.widgets.steady_scrollbar import SteadyScrollBar, steady_vertical_scrollbar

# a row as a user's terminal and mouse get it: each segment's text, style (colours and
# attributes) and the mouse actions in the style's meta (what a click on it does)
Row = list[tuple[str, object, object]]


class Pane(ScrollView):
    """A scrolling area with Textual's own scrollbar."""


class SteadyPane(Pane):
    """The same, with a steady scrollbar."""

    @property
    def vertical_scrollbar(self) -> SteadyScrollBar:
        return steady_vertical_scrollbar(self)


class Host(App[None]):
    CSS: ClassVar[str] = """
    Screen { layout: horizontal; }
    Pane { width: 20; height: 12; }
    """

    def compose(self) -> ComposeResult:
        yield Pane(id="plain")
        yield SteadyPane(id="steady")


def bars(app: App[None]) -> tuple[ScrollBar, SteadyScrollBar]:
    """Textual's scrollbar and the steady one."""
    plain = app.query_one("#plain", Pane).vertical_scrollbar
    steady = app.query_one("#steady", SteadyPane).vertical_scrollbar
    assert type(plain) is ScrollBar and isinstance(steady, SteadyScrollBar)
    return plain, steady


async def scrolled(pilot: Pilot[None], lines: int, top: int) -> None:
    """Both panes `lines` long, scrolled to `top`."""
    for pane in pilot.app.query(Pane):
        pane.virtual_size = Size(10, lines)
    await pilot.pause()
    for pane in pilot.app.query(Pane):
        pane.scroll_to(y=top, animate=False, immediate=True)
    await pilot.pause()


def finished(bar: ScrollBar) -> list[Strip]:
    """The bar's rows as the screen gets them (finished and filtered)."""
    width, height = bar.outer_size
    return bar.render_lines(Region(0, 0, width, height))


def rows(bar: ScrollBar) -> list[Row]:
    """The bar's rows as a user's terminal and mouse get them."""
    return [
        [(text, style, style.meta if style else None) for text, style, _ in strip]
        for strip in finished(bar)
    ]


def thumb_rows(bar: ScrollBar) -> list[int]:
    """The rows a press on grabs the thumb at."""
    return [y for y, row in enumerate(rows(bar)) if row[0][2] == {"@mouse.down": "grab"}]


def same_as_textuals(app: App[None], when: str) -> list[Row]:
    """The steady bar's rows, checked against Textual's bar holding the same values."""
    plain, steady = bars(app)
    assert plain.outer_size == steady.outer_size and plain.outer_size.height > 0, when
    assert (plain.position, plain.window_size, plain.window_virtual_size) == (
        steady.position,
        steady.window_size,
        steady.window_virtual_size,
    ), when
    shown = rows(steady)
    assert shown == rows(plain), when
    return shown


# lines to scroll (13: a thumb of all but a cell; 5000: a thin thumb at 1 cell) and the
# tops to scroll them to (the start, the end, between)
SHAPES = [(13, [0, 1]), (30, [0, 7, 18]), (97, [0, 5, 40, 85]), (5000, [0, 1234, 4988])]


async def test_each_row_looks_as_textuals_own_scrollbar_draws_it() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        seen: set[str] = set()
        for lines, tops in SHAPES:
            for top in tops:
                await scrolled(pilot, lines, top)
                when = f"{lines} lines from {top}"
                seen.add(str(same_as_textuals(app, when)))
                for bar in bars(app):  # the mouse over it, then the thumb grabbed
                    bar.mouse_over = True
                await pilot.pause()
                seen.add(str(same_as_textuals(app, f"{when}, hovered")))
                for bar in bars(app):
                    bar.grabbed = Offset(0, 0)
                await pilot.pause()
                seen.add(str(same_as_textuals(app, f"{when}, grabbed")))
                for bar in bars(app):
                    bar.mouse_over, bar.grabbed = False, None
        assert len(seen) > 20  # the thumb, its ends and colours did change on the way

        await scrolled(pilot, 97, 40)
        before = same_as_textuals(app, "before the theme")
        app.theme = "textual-light"
        await pilot.pause()
        assert same_as_textuals(app, "a light theme") != before

        for pane in app.query(Pane):  # taller, and a bar one cell wide (two before)
            pane.styles.height = 16
            pane.styles.scrollbar_size_vertical = 1
        await pilot.pause()
        assert bars(app)[1].outer_size == (1, 16)
        same_as_textuals(app, "resized")

        app.screen.styles.scrollbar_color = Color(0, 0, 0, 0)  # Textual draws a bare track
        await pilot.pause()
        same_as_textuals(app, "the screen's scrollbar colour transparent")


async def test_a_row_that_looks_as_one_drawn_before_is_that_very_line() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        _plain, bar = bars(app)
        lines: dict[str, Strip] = {}  # a row's look -> the line first drawn for it
        drawn = 0
        for lines_long, top, hovered in [
            (97, 40, False),
            (97, 80, False),  # the thumb elsewhere, then back
            (97, 40, False),
            (97, 40, True),  # other colours (the track's may be the same)
            (97, 40, False),
            (5000, 2500, False),
            (97, 40, False),
        ]:
            await scrolled(pilot, lines_long, top)
            bar.mouse_over = hovered
            await pilot.pause()
            for strip, row in zip(finished(bar), rows(bar), strict=True):
                assert lines.setdefault(str(row), strip) is strip, f"{lines_long} from {top}"
                drawn += 1
        assert drawn > 4 * len(lines)  # (a few kinds of row, drawn many times)
        # and the same look in two rows of one bar: one line (the track below the thumb)
        track = [id(strip) for strip in finished(bar)[8:]]
        assert len(track) > 1 and len(set(track)) == 1


@pytest.mark.parametrize("pane_id", ["plain", "steady"])
async def test_a_click_and_a_drag_on_the_bar_scroll(pane_id: str) -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(f"#{pane_id}", Pane)
        await scrolled(pilot, 200, 0)
        bar = pane.vertical_scrollbar
        assert pane.scroll_y == 0
        await pilot.click(bar, offset=(0, 10))  # below the thumb: a page down
        await pilot.pause()
        assert pane.scroll_y == pytest.approx(pane.scrollable_content_region.height)
        grip = thumb_rows(bar)[-1]
        start = pane.scroll_y
        await pilot.mouse_down(bar, offset=(0, grip))  # the thumb grabbed, dragged down
        await pilot.hover(bar, offset=(0, grip + 4))
        await pilot.mouse_up(bar, offset=(0, grip + 4))
        await pilot.pause()
        dragged = pane.scroll_y
        assert dragged > start + 40
        await pilot.click(bar, offset=(0, 0))  # above the thumb: a page up
        await pilot.pause()
        assert pane.scroll_y == pytest.approx(dragged - pane.scrollable_content_region.height)
