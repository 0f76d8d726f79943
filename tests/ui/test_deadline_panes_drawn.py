"""The SLA and ladder panes draw only the rows that show: what they draw is what the
whole text drawn by Textual showed, line for line and style for style, after j/k,
a resize, a theme change and in monochrome."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tests.ui.drawn_rows import assert_drawn_as_textual_draws, drawn
from tests.ui.helpers import make_app, ready, wait_for
from warroom.clock import FrozenClock
from warroom.demo import seed_demo
from warroom.domain import sla
from warroom.loaders.policy import load_policy
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.deadline_panes import LadderPane, SlaPane
from warroom.tui.widgets.shown_lines import Line, ShownLines

Pane = SlaPane | LadderPane


def texts(pane: ShownLines) -> list[str]:
    """The pane's rows as the screen shows them (border and filters included)."""
    return [s.text for s in pane.render_lines(pane.region.reset_offset)]


def style_of(pane: ShownLines, words: str) -> Style:
    """The style `words` are drawn in, in the pane's finished rows."""
    for strip in pane.render_lines(pane.region.reset_offset):
        for segment in strip:
            if words in segment.text:
                assert segment.style is not None
                return segment.style
    raise AssertionError(f"{words!r} is not drawn: {texts(pane)}")


@pytest.fixture
def demo(tmp_path: Path, clock: FrozenClock) -> Path:
    path = tmp_path / "demo.db"
    seed_demo(path, load_policy(), clock.now())
    return path


def panes(app: WarRoomApp) -> tuple[SlaPane, LadderPane]:
    return app.war_room.query_one(SlaPane), app.war_room.query_one(LadderPane)


@asynccontextmanager
async def demo_shown(
    demo: Path, clock: FrozenClock, shows: Callable[[SlaPane, LadderPane], bool]
) -> AsyncIterator[tuple[WarRoomApp, Pilot[None], SlaPane, LadderPane]]:
    """The demo at 120x36 once its panes show what `shows` waits for."""
    app = make_app(demo, clock, name="Maya Chen")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        sla, ladder = panes(app)
        await wait_for(pilot, lambda: shows(sla, ladder))
        yield app, pilot, sla, ladder


def next_rung_shown(_sla: SlaPane, ladder: LadderPane) -> bool:
    return "→ 4 CEO       Femi Bello  NEXT" in "\n".join(texts(ladder))


def reach_shown(_sla: SlaPane, ladder: LadderPane) -> bool:
    return "Reach" in "\n".join(texts(ladder))


def overdue_shown(
    demo: Path, clock: FrozenClock
) -> AbstractAsyncContextManager[tuple[WarRoomApp, Pilot[None], SlaPane, LadderPane]]:
    """`demo_shown` once the SLA pane shows the first incident's overdue update."""
    return demo_shown(demo, clock, lambda sla, _: "OVERDUE 3m00s" in "\n".join(texts(sla)))


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_j_draws_each_incidents_panes_as_before(
    demo: Path, clock: FrozenClock, size: tuple[int, int]
) -> None:
    app = make_app(demo, clock, name="Maya Chen")
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        seen = set()
        for _ in range(6):
            sla, ladder = panes(app)
            await wait_for(pilot, lambda: app.war_room.shown_id == app.war_room.selected_id)
            await pilot.pause()
            for pane in (sla, ladder):
                assert_drawn_as_textual_draws(pane)
                # the rows of the lines that show, nothing below them
                shown = [line for line, _style in pane._shown_lines]  # noqa: SLF001
                rows = [s.text.rstrip() for s in drawn(pane)]
                assert rows == (shown + [""] * len(rows))[: len(rows)]
            seen.add(str(ladder.content).split("\n")[0])
            await pilot.press("j")
        assert len(seen) > 2  # ladders of several severities were drawn


async def test_a_shorter_ladder_leaves_no_rung_of_the_longer_one(
    demo: Path, clock: FrozenClock
) -> None:
    async with demo_shown(demo, clock, next_rung_shown) as (_app, pilot, _sla, ladder):
        # the next rung carries its style (bold), the others the pane's
        assert style_of(ladder, "→ 4 CEO").bold
        assert not style_of(ladder, "✓ 1 On-call").bold
        await pilot.press("j")  # a P1 incident: three rungs, then how to reach people
        await wait_for(pilot, lambda: "Escalation ladder P1" in "\n".join(texts(ladder)))
        shown = "\n".join(texts(ladder))
        assert "CEO" not in shown and "NEXT" not in shown
        assert "✓ 3 CTO       Eve Adams" in shown
        rows = [row.strip("│ ") for row in texts(ladder)]
        # right under the last rung (row 0: the border)
        assert rows[4:7] == [
            "✓ 3 CTO       Eve Adams   07:50 auto",
            "Reach",
            "On call   Ben Okafor",
        ]


async def test_the_overdue_line_carries_its_style_and_the_pane_its_border(
    demo: Path, clock: FrozenClock
) -> None:
    async with overdue_shown(demo, clock) as (app, _pilot, sla, _ladder):
        overdue = style_of(sla, "Next update   OVERDUE 3m00s")
        assert overdue.reverse and overdue.bold
        assert overdue.color is not None
        error = app.theme_variables["error"]
        assert overdue.color.triplet is not None and overdue.color.triplet.hex == error.lower()
        assert not style_of(sla, "Resolve by    in 13m00s soon").reverse
        assert sla.has_class("-overdue")


async def test_a_theme_change_redraws_the_lines_in_its_colours(
    demo: Path, clock: FrozenClock
) -> None:
    async with overdue_shown(demo, clock) as (app, pilot, sla, _ladder):
        before = style_of(sla, "OVERDUE 3m00s")
        app.theme = "gruvbox"  # the line's text stays: its colours change all the same
        await pilot.pause()
        after = style_of(sla, "OVERDUE 3m00s")
        assert after.color is not None and after.color != before.color
        assert after.color.triplet is not None
        assert after.color.triplet.hex == app.theme_variables["error"].lower()
        assert after.bgcolor != before.bgcolor  # (shown as the letters: reversed)


async def test_a_resize_redraws_the_panes_at_their_new_width(
    demo: Path, clock: FrozenClock
) -> None:
    app = make_app(demo, clock, name="Maya Chen")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        sla, ladder = panes(app)
        await wait_for(pilot, lambda: "Reach" in str(ladder.content))
        for size in ((100, 30), (80, 24), (60, 24), (120, 36)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            for pane in (sla, ladder):
                assert_drawn_as_textual_draws(pane)
            if size == (80, 24):  # the narrow layout: each pane as tall as its lines
                assert ladder.size.height == len(ladder._shown_lines)  # noqa: SLF001
                assert sla.size.height == len(sla._shown_lines)  # noqa: SLF001


async def test_monochrome_still_tells_overdue_by_its_words_and_reverse(
    demo: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with overdue_shown(demo, clock) as (app, _pilot, sla, _ladder):
        assert app.no_color
        overdue = style_of(sla, "Next update   OVERDUE 3m00s")
        assert overdue.reverse
        color = overdue.color
        assert color is not None and color.triplet is not None
        red, green, blue = color.triplet
        assert red == green == blue  # grey: the words and the reverse tell it
        assert not style_of(sla, "Resolve by    in 13m00s soon").reverse


class Panes(App[None]):
    """The panes as the clocks column holds them (its widths, borders and padding)."""

    CSS = """
    SlaPane, LadderPane { width: 42; height: auto; padding: 0 1; border: round $primary; }
    LadderPane { height: 1fr; }
    SlaPane > .sla--title, LadderPane > .ladder--title { text-style: bold underline; }
    SlaPane > .sla--overdue { color: $error; text-style: bold reverse; }
    LadderPane > .ladder--next { text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield SlaPane(tz=dt.UTC)
        yield LadderPane(tz=dt.UTC)


LONG: list[tuple[type[Pane], tuple[Line, ...]]] = [
    # a call by hand is one cell wider than the column: it wraps, as it did
    (
        LadderPane,
        (
            ("Escalation ladder P1", "ladder--title"),
            ("✓ 2 Tech lead Dana Kim    09:02 by hand", "ladder--next"),
        ),
    ),
    (SlaPane, (("SLA", "sla--title"), ("stopped: " + "a policy's long note " * 4, "bold reverse"))),
    (SlaPane, (("SLA", "sla--title"), ("trailing   ", "sla--overdue"), ("", ""), ("  ", ""))),
    (LadderPane, (("Escalation ladder P2", "ladder--title"), ("e\u0301" * 30 + "  x", "dim"))),
]


@pytest.mark.parametrize(("kind", "lines"), LONG)
async def test_lines_wider_than_the_pane_wrap_as_they_did(
    kind: type[Pane], lines: tuple[Line, ...]
) -> None:
    app = Panes()
    async with app.run_test(size=(60, 30)) as pilot:
        for pane in app.query(kind):
            pane.show_lines(lines)
            await pilot.pause()
            assert_drawn_as_textual_draws(pane)
            pane.show_lines(lines[:1])  # then a shorter text: nothing of the long one left
            await pilot.pause()
            assert_drawn_as_textual_draws(pane)


async def test_a_selection_in_a_pane_copies_its_lines_and_keeps_them_shown(
    demo: Path, clock: FrozenClock
) -> None:
    async with demo_shown(demo, clock, reach_shown) as (app, pilot, _sla, ladder):
        ladder.text_select_all()
        await pilot.pause()
        assert ladder.text_selection is not None  # drawn as Static draws a selection
        assert_drawn_as_textual_draws(ladder)
        selected = app.screen.get_selected_text()
        assert selected is not None
        assert selected.startswith("Escalation ladder P0\n✓ 1 On-call   Ana Lima    08:13 auto")
        rows = [row.strip("│ ") for row in texts(ladder)]
        assert rows[1:3] == ["Escalation ladder P0", "✓ 1 On-call   Ana Lima    08:13 auto"]
        await pilot.press("j")  # the next incident's ladder, the selection let go or not
        await wait_for(pilot, lambda: "Escalation ladder P1" in "\n".join(texts(ladder)))
        assert "CEO" not in "\n".join(texts(ladder))


class LoudPanes(App[None]):
    """The two panes alone; `.loud` recolours only the overdue line's style."""

    CSS = """
    SlaPane, LadderPane { width: 42; height: auto; }
    SlaPane > .sla--overdue { color: red; }
    .loud SlaPane > .sla--overdue { color: blue; }
    """

    def compose(self) -> ComposeResult:
        yield SlaPane(tz=dt.UTC)
        yield LadderPane(tz=dt.UTC)


NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def ack_timer(left: dt.timedelta) -> sla.Timer:
    state = sla.OVERDUE if left < dt.timedelta(0) else sla.OK
    return sla.Timer("ack", "Acknowledge by", NOW + left, left, state, "P1")


def resolve_timer() -> sla.Timer:
    left = dt.timedelta(hours=3)
    return sla.Timer("resolve", "Resolve by", NOW + left, left, sla.OK, "P1")


async def test_a_countdown_that_ticks_shows_its_new_value_in_its_row() -> None:
    """The heartbeat redraws the SLA pane once a second: one line changes in place."""
    app = LoudPanes()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(SlaPane)
        pane.show((ack_timer(dt.timedelta(seconds=-61)), resolve_timer()))
        await pilot.pause()
        assert any("OVERDUE 1m01s" in row for row in texts(pane))
        pane.show((ack_timer(dt.timedelta(seconds=-62)), resolve_timer()))
        await pilot.pause()
        rows = texts(pane)
        assert any("OVERDUE 1m02s" in row for row in rows)
        assert not any("1m01s" in row for row in rows)
        assert_drawn_as_textual_draws(pane)


async def test_a_style_change_to_one_kind_of_line_redraws_it() -> None:
    """A class that recolours only the overdue line (not the pane) redraws that line."""
    app = LoudPanes()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(SlaPane)
        pane.show((ack_timer(dt.timedelta(seconds=-61)), resolve_timer()))
        await pilot.pause()
        before = style_of(pane, "OVERDUE").color
        app.screen.add_class("loud")
        await pilot.pause()
        after = style_of(pane, "OVERDUE").color
        assert before is not None and before.triplet is not None
        assert before.triplet.red > before.triplet.blue  # red, as the pane was drawn
        assert after is not None and after.triplet is not None
        assert after.triplet.blue > after.triplet.red  # blue now, with nothing else changed


async def test_the_ladder_title_follows_the_severity_and_shows_it_safely() -> None:
    """Two incidents of severities the policy lacks (no ladder), the same people to
    reach: the title names each one's severity, a control character made visible."""
    app = LoudPanes()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(LadderPane)
        reach = ("On call   Ben Okafor",)
        pane.show(None, [], NOW, "P7", reach)
        await pilot.pause()
        assert texts(pane)[0].startswith("Escalation ladder P7")
        pane.show(None, [], NOW, "P9\x1b[2J", reach)
        await pilot.pause()
        title = texts(pane)[0]
        assert title.startswith("Escalation ladder P9") and "\x1b" not in title
