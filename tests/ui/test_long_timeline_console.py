"""A timeline too long to hold (20,000 rows) in the console: read a page at a time,
the cursor and the scrollbar over the whole of it, filters and search in SQL,
corrections and new entries from another console shown where they belong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils
from textual.widgets import TextArea

from tests.conftest import T0, away_from_the_user, copy_record
from tests.long_timeline import add_rows
from tests.ui.helpers import make_app, ready, showing, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.timeline_state import fold
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.app import WarRoomApp
from warroom.tui.dialogs.composer import ComposerScreen
from warroom.tui.dialogs.handoff import HandOffScreen
from warroom.tui.widgets.timeline_view import TimelineView

ROWS = 20_000  # 30 s apart: ten days to a week before the incident was declared


@pytest.fixture(scope="module")
def long_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The long file, built once for the module on a clock frozen at T0 (as each test's
    own starts); each test opens its own copy."""
    folder = tmp_path_factory.mktemp("long")
    path = folder / "long.db"
    with away_from_the_user(folder):
        clock = FrozenClock(T0)
        database = store.connect(path)
        room = WarRoom(database, clock, Actor("Ana", "ana"), load_policy())
        incident_id = room.declare("Long night", "P2")
        add_rows(database, incident_id, ROWS, clock.now() - dt.timedelta(days=10))
        room.sweep()  # what falls due now is on record before the console opens (clock frozen)
        database.conn.close()
    return path, incident_id


def long_file(template: tuple[Path, int], db_path: Path) -> tuple[sqlite_utils.Database, int]:
    """The test's own copy of the long file, open; the incident's id."""
    built, incident_id = template
    return store.connect(copy_record(built, db_path)), incident_id


def other_console(database: sqlite_utils.Database, clock: FrozenClock) -> WarRoom:
    return WarRoom(database, clock, Actor("Bo", "bo"), load_policy())


def row_id(database: sqlite_utils.Database, text_start: str) -> int:
    found = database.conn.execute(
        "SELECT id FROM timeline WHERE text LIKE ?", (f"{text_start}%",)
    ).fetchone()
    return int(found[0])


_FOLDED: dict[tuple[str, int, int], int] = {}


def entries_in(database: sqlite_utils.Database, incident_id: int) -> int:
    """How many entries the whole timeline folds to (console records the sweep wrote too).
    Folded again whenever a row was added (the timeline only grows), not on every look
    of a wait: folding 20,000 rows holds the console's loop a fifth of a second."""
    rows, last = database.conn.execute(
        "SELECT count(*), coalesce(max(id), 0) FROM timeline WHERE incident_id = ?",
        (incident_id,),
    ).fetchone()
    key = (str(database.conn.execute("PRAGMA database_list").fetchone()[2]), rows, last)
    if key not in _FOLDED:
        _FOLDED[key] = len(fold(read_model.timeline(database, incident_id)))
    return _FOLDED[key]


def screen(app: WarRoomApp) -> str:
    """The lines the timeline draws now."""
    view = app.query_one(TimelineView)
    return "\n".join(view.render_line(y).text for y in range(view.scrollable_content_region.height))


async def test_opens_on_the_newest_and_goes_to_the_oldest_and_back(
    long_template: tuple[Path, int], db_path: Path, clock: FrozenClock
) -> None:
    database, incident_id = long_file(long_template, db_path)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        await wait_for(pilot, lambda: view.paged is not None and view.selected is not None)
        assert view.count == entries_in(database, incident_id) > ROWS
        assert len(view.shown) <= 2 * read_model.TIMELINE_PAGE  # a page, not the timeline
        assert view.selected == fold(read_model.timeline(database, incident_id))[-1]
        await wait_for(pilot, lambda: "entry 19999:" in screen(app))  # painted
        assert "entry 0:" not in screen(app)
        # the scrollbar: at the end of the whole timeline; the newest line at the bottom
        await wait_for(pilot, lambda: view.scroll_y == view.max_scroll_y)
        assert view.max_scroll_y >= ROWS - 36
        assert screen(app).splitlines()[-1].strip()

        await pilot.press("tab", "g")
        await wait_for(pilot, lambda: "entry 0:" in screen(app))
        assert view.selected is not None and view.selected.entry.text.startswith("entry 0:")
        assert view.scroll_y == 0 and view.cursor == 0
        await pilot.press("j", "j")
        assert view.selected.entry.text.startswith("entry 2:")

        await pilot.press("G")
        await wait_for(pilot, lambda: "entry 19999:" in screen(app))
        newest = fold(read_model.timeline(database, incident_id))[-1]
        assert view.selected == newest and view.cursor == -1  # following again
        assert view.scroll_y == view.max_scroll_y

        # the scrollbar dragged half way: the page there is read, the top entry is the
        # one half way through the whole timeline
        view.scroll_to(y=ROWS // 2, animate=False, immediate=True)
        await wait_for(pilot, lambda: "entry 10000:" in screen(app).splitlines()[0])
        assert view.scroll_y == ROWS // 2 and view.paged is not None
        assert view.paged.start <= ROWS // 2 < view.paged.end
        await pilot.press("G")
        await wait_for(pilot, lambda: view.scroll_y == view.max_scroll_y)

        for _ in range(3):  # up a page at a time, past the page held at first
            await pilot.press(*["pageup"] * 10)
        await wait_for(pilot, lambda: view.selected is not None)
        assert view.cursor == view.count - 1 - 300
        assert view.selected.entry.text.startswith(f"entry {view.cursor}:")
        assert view.scroll_y <= view.cursor < view.scroll_y + 34  # the cursor on the screen


async def test_a_correction_outside_the_page_shows_when_scrolled_to(
    long_template: tuple[Path, int], db_path: Path, clock: FrozenClock
) -> None:
    database, incident_id = long_file(long_template, db_path)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        await wait_for(pilot, lambda: view.paged is not None)
        other = other_console(database, clock)
        fixed = other.correct(row_id(database, "entry 4:"), "entry 4, corrected by Bo")
        other.pin(fixed)
        await wait_for(
            pilot, lambda: view.paged is not None and view.paged.page.newest_row >= fixed
        )
        await pilot.press("tab", "g")
        await wait_for(pilot, lambda: "entry 4, corrected by Bo" in screen(app))
        assert "(edited" in screen(app)  # wrapped: the timeline is narrow beside the clocks
        await pilot.press(*["j"] * 4)  # from entry 0 to the corrected entry 4
        item = view.selected
        assert item is not None and item.entry.id == fixed and item.pinned and item.edited
        assert view.count == entries_in(database, incident_id)  # a correction replaces

        await pilot.press("asterisk")  # acts on the entry at the cursor: unpins it
        await wait_for(pilot, lambda: view.selected is not None and not view.selected.pinned)
        pins = database.conn.execute(
            "SELECT json_extract(data, '$.entry'), json_extract(data, '$.pinned') FROM timeline"
            " WHERE kind = 'pin' ORDER BY id"
        ).fetchall()
        assert pins == [(fixed, 1), (fixed, 0)]


async def test_filter_and_search_narrow_in_sql(
    long_template: tuple[Path, int], db_path: Path, clock: FrozenClock
) -> None:
    database, incident_id = long_file(long_template, db_path)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        await wait_for(pilot, lambda: view.paged is not None)
        view.scroll_to(y=5_000, animate=False, immediate=True)  # scrolled away, then filtered:
        await wait_for(pilot, lambda: "entry 5000:" in screen(app))
        await pilot.press("f", "down", "down", "down", "enter")  # all, scribe, pinned, decisions
        whole = fold(read_model.timeline(database, incident_id))
        decisions = sum(s.entry.kind == "decision" for s in whole)
        await wait_for(pilot, lambda: view.count == decisions > 3_000)
        assert "showing decisions" in str(view.border_title)
        assert view.shown and {s.entry.kind for s in view.shown} == {"decision"}
        assert "entry 19998:" not in screen(app) and "entry 19999:" in screen(app)
        await pilot.press("tab", "g")
        await wait_for(pilot, lambda: "entry 1:" in screen(app))

        await pilot.press("f", "home", "enter")
        await wait_for(pilot, lambda: view.count == entries_in(database, incident_id))
        await pilot.press("slash", *"17777", "enter")
        await wait_for(pilot, lambda: view.count == 1)
        assert "search “17777”: 1" in str(view.border_title)
        assert view.selected is not None and view.selected.entry.text.startswith("entry 17777:")
        await pilot.press("slash", "ctrl+u", "enter")  # an empty search shows everything again
        await wait_for(pilot, lambda: view.count == entries_in(database, incident_id))


async def test_new_entries_from_another_console_append_while_following(
    long_template: tuple[Path, int], db_path: Path, clock: FrozenClock
) -> None:
    database, incident_id = long_file(long_template, db_path)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        await wait_for(pilot, lambda: view.paged is not None)
        other = other_console(database, clock)
        for n in range(3):
            clock.step(seconds=10)
            other.log(incident_id, f"late news {n}")
            await wait_for(pilot, lambda n=n: f"late news {n}" in screen(app))
            assert view.selected is not None and view.selected.entry.text == f"late news {n}"
            assert view.count == entries_in(database, incident_id)
            assert view.scroll_y == view.max_scroll_y  # still at the end
        # not following: the cursor stays on its entry when more arrive
        await pilot.press("tab", "k", "k")
        held = view.selected
        assert held is not None and held.entry.text == "late news 0"
        other.log(incident_id, "later still")
        await wait_for(pilot, lambda: "later still" in [s.entry.text for s in view.shown])
        assert view.count == entries_in(database, incident_id)
        assert view.selected == held


async def test_at_the_end_the_newest_line_is_on_the_bottom_line(
    long_template: tuple[Path, int], db_path: Path, clock: FrozenClock
) -> None:
    """Entries that wrap over many lines: the screen is not left short at the bottom."""
    database, incident_id = long_file(long_template, db_path)
    room = other_console(database, clock)
    for n in range(10):
        clock.step(seconds=1)
        room.log(incident_id, f"long {n}: " + "words that wrap " * 20 + f"end of {n}")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        await wait_for(pilot, lambda: view.paged is not None and view.selected is not None)
        # settled: scrolled to the end and painted (a busy machine gets there a frame later)
        await wait_for(
            pilot,
            lambda: (
                view.scroll_y == view.max_scroll_y and "end of 9" in screen(app).splitlines()[-1]
            ),
        )
        await pilot.press("tab", "k", "k")  # up to `long 7`, whole on the screen
        assert view.selected is not None and view.selected.entry.text.startswith("long 7:")
        assert "long 7:" in screen(app) and "end of 7" in screen(app)


async def test_hand_off_and_update_draw_on_a_long_timeline(
    long_template: tuple[Path, int], db_path: Path, clock: FrozenClock
) -> None:
    """Not held whole, the timeline's newest open TODOs and decisions are read for them."""
    database, _ = long_file(long_template, db_path)
    other_console(database, clock).strike(row_id(database, "entry 19990:"), "done")  # a TODO
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        await wait_for(pilot, lambda: view.paged is not None)
        await pilot.press("h")
        await wait_for(pilot, lambda: showing(app, HandOffScreen))
        note = app.screen.query_one("#note", TextArea).text
        assert "- TODO entry 19996: observed bravo" in note
        assert "entry 19990:" not in note  # struck
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HandOffScreen))

        await pilot.press("u")
        await wait_for(pilot, lambda: showing(app, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        await wait_for(pilot, lambda: bool(screen.query("#template SelectCurrent #label")))
        screen.query_one("#template").value = "internal-update"
        await wait_for(pilot, lambda: "entry 19999:" in screen.body)
        assert "entry 19999: observed bravo" in screen.body  # the newest decision
        assert "entry 19998:" not in screen.body  # a note
