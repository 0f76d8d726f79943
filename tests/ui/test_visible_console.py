"""The console shows hostile stored text visibly; nothing of it drives the terminal.

A title, summary, entry, role holder, follow-up, checklist tick and the
person's own name hold an OSC 52 clipboard write, a screen wipe, C1 controls,
DEL and bidi overrides. Each widget draws `␛]52;c;…␇`, `⟨U+009B⟩`; the lines
the console would send hold none of the characters themselves.
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget

from tests.ui.helpers import make_app, ready, wait_for
from tests.unit.test_visible_output import EVIL, SHOWN, unsafe
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.loaders.runbooks import load_runbooks
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.safe_output import DropControlCharacters
from warroom.tui.widgets.checklist_pane import ChecklistPane
from warroom.tui.widgets.deadline_panes import LadderPane
from warroom.tui.widgets.follow_up_pane import FollowUpPane
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.incident_table import IncidentTable
from warroom.tui.widgets.timeline_text import wrap
from warroom.tui.widgets.timeline_view import TimelineView


def seed(db_path: Path, clock: FrozenClock) -> None:
    db = store.connect(db_path)
    try:
        room = WarRoom(db, clock, Actor(EVIL, "evil"), load_policy(), load_runbooks([]))
        number = room.declare(EVIL, "P1", "availability", EVIL)
        room.log(number, EVIL, "todo")
        room.assign_role(number, "scribe", EVIL)
        room.set_impact(number, users=EVIL)
        room.add_follow_up(number, EVIL, owner=EVIL)
        room.tick(number, "1")
    finally:
        db.conn.close()


def drawn(widget: Widget) -> str:
    """What `widget` sends to the terminal now, line by line (after the app's filters)."""
    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


def screen_text(app: WarRoomApp) -> str:
    """Every line of the whole screen as the console would send it."""
    update = app.screen._compositor.render_update(full=True)  # noqa: SLF001
    lines = update.strips  # type: ignore[union-attr]
    return "\n".join("".join(strip.text for strip in line) for line in lines)


async def test_every_widget_shows_hostile_text_visibly(db_path: Path, clock: FrozenClock) -> None:
    seed(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        for widget_type in (IncidentTable, IncidentDetail, TimelineView, LadderPane):
            shown = drawn(app.query_one(widget_type))
            assert not unsafe(shown), (widget_type.__name__, sorted(set(unsafe(shown))))
        assert "␛]52;c;SGVsbG8=␇" in drawn(app.query_one(IncidentTable))
        detail = drawn(app.query_one(IncidentDetail))
        assert SHOWN[:40] in detail and "⟨U+009B⟩2J" in detail
        timeline = drawn(app.query_one(TimelineView))
        assert "␛[2J" in timeline and "⟨U+202E⟩abc" in timeline
        await pilot.press("c")
        pane = app.query_one(ChecklistPane)
        await wait_for(pilot, lambda: pane.display and pane.size.height > 0 and "␛" in drawn(pane))
        assert not unsafe(drawn(pane))
        await pilot.press("F")
        follow_ups = app.query_one(FollowUpPane)
        await wait_for(pilot, lambda: follow_ups.size.height > 0 and "␛" in drawn(follow_ups))
        assert "⟨U+0085⟩" in drawn(follow_ups) and not unsafe(drawn(follow_ups))


async def test_no_control_character_reaches_the_terminal_with_the_guard(
    db_path: Path, clock: FrozenClock
) -> None:
    """With the app's last guard registered, nothing slips through anywhere: the top
    bar (the person's own name), an edit form's input holding the stored text."""
    seed(db_path, clock)
    app = make_app(db_path, clock, name=EVIL)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert not unsafe(screen_text(app))
        assert "␛]52;c;SGVsbG8=␇" in screen_text(app)  # the widgets' visible form stays
        await pilot.press("i")  # impact form: the input holds the stored text as it is
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)
        await pilot.pause()
        assert not unsafe(screen_text(app))
        assert "52;c;SGVsbG8=" in screen_text(app)


def test_the_guard_drops_control_characters_and_keeps_widths() -> None:
    guard = DropControlCharacters()
    segments = [Segment("ok "), Segment(EVIL), Segment("\x1b"), Segment(" end")]
    cleaned = guard.apply(segments, Color(0, 0, 0))
    text = "".join(s.text for s in cleaned)
    assert not unsafe(text)
    assert text.startswith("ok pwn ]52;c;SGVsbG8= st ]52;c;SGk=\\ wipe [2J c1 2J")
    assert sum(s.cell_length for s in cleaned) == sum(s.cell_length for s in segments)
    plain = [Segment("nothing to drop 日本")]
    assert guard.apply(plain, Color(0, 0, 0)) is plain


def test_timeline_wraps_wide_text_in_terminal_cells() -> None:
    text = "結帳接口 對歐盟客戶返回503錯誤 自部署以來一直如此 🔥🔥🔥 " * 3
    lines = wrap(text, 20)
    assert all(cell_len(line) <= 20 for line in lines), [cell_len(line) for line in lines]
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
    assert wrap("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]
