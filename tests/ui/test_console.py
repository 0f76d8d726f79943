"""The console driven with the keyboard alone, as a commander and a scribe would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual import events

from tests.ui.helpers import detail_text, make_app, ready, showing, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.demo import seed_demo
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.dialogs.help import HelpScreen
from warroom.tui.widgets.incident_table import IncidentTable
from warroom.tui.widgets.timeline_view import TimelineView


@pytest.fixture
def demo(db_path: Path, clock: FrozenClock) -> Path:
    seed_demo(db_path, load_policy(), clock.now())
    return db_path


def titles(app) -> list[str]:
    incidents = {i.id: i.title for i in app.war_room.incidents}
    return [incidents[i] for i in app.query_one(IncidentTable).order]


async def test_live_incidents_sorted_by_severity_then_age_and_resolved_last(
    demo: Path, clock: FrozenClock
) -> None:
    """Issue 14: a resolved incident stays listed (last, marked) until it is closed;
    it used to be behind `t` with the closed ones."""
    app = make_app(demo, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: len(titles(app)) == 6)
        shown = titles(app)
        assert shown[0].startswith("Checkout API")  # the P0
        assert shown[1:3] == [
            "Search latency p99 above 4 s",
            "Suspicious admin logins from unknown ASN",
        ]  # P1s, oldest first
        assert shown[-1] == "Login emails delayed up to 20 minutes"  # resolved
        table = app.query_one(IncidentTable)
        assert table.get_cell(str(table.order[-1]), "status").plain == "✓ RESOLVED"


async def test_moving_selects_and_shows_the_incident(demo: Path, clock: FrozenClock) -> None:
    app = make_app(demo, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert "Checkout API returning 503" in detail_text(app)
        assert "#incident-2026-11-23-1" in detail_text(app)
        assert "Tom Okafor" in timeline_text(app)
        await pilot.press("j")
        await ready(pilot)
        assert "Search latency" in detail_text(app)
        await pilot.press("down")
        await ready(pilot)
        assert "Suspicious admin logins" in detail_text(app)
        assert "Revoke all admin sessions" in timeline_text(app)
        await pilot.press("k")
        await ready(pilot)
        assert "Search latency" in detail_text(app)
        await pilot.press("5")
        await ready(pilot)
        assert "Status page widget" in detail_text(app)
        await pilot.press("1")
        await ready(pilot)
        assert "Checkout API" in detail_text(app)


async def test_declare_with_the_form(db_path: Path, clock: FrozenClock) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.war_room.loaded)
        await pilot.press("n")
        await pilot.press(*"[#33] My new incident")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.war_room.shown_id is not None)
        assert "[#33] My new incident" in detail_text(app)
        assert (
            app.query_one(IncidentTable).get_cell(str(app.war_room.shown_id), "title").plain
            == "[#33] My new incident"
        )
    database = store.connect(db_path)
    [incident] = queries.incidents(database)
    assert (incident.title, incident.severity, incident.commander) == (
        "[#33] My new incident",
        "P1",
        "Ana",
    )


async def test_declare_form_needs_a_title(db_path: Path, clock: FrozenClock) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.war_room.loaded)
        await pilot.press("n", "ctrl+s")
        assert "needs a title" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        assert store.connect(db_path)["incidents"].count == 0


async def test_scribe_logs_with_one_key_and_prefixes(demo: Path, clock: FrozenClock) -> None:
    app = make_app(demo, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await pilot.press(*"d: [bold]x[/] done", "enter")
        await wait_for(pilot, lambda: "[bold]x[/] done" in timeline_text(app))
        await pilot.press(*"t: call the vendor", "enter")
        await wait_for(pilot, lambda: "call the vendor" in timeline_text(app))
        assert app.query_one("#entry-input").value == ""
    entries = queries.timeline(store.connect(demo), 1)
    assert [(e.kind, e.text, e.author) for e in entries[-2:]] == [
        ("decision", "[bold]x[/] done", "Ana"),
        ("todo", "call the vendor", "Ana"),
    ]


async def test_a_paste_goes_into_the_line_once(demo: Path, clock: FrozenClock) -> None:
    """One line pasted is in the line once, to edit; several are logged once each and leave
    the line empty (Textual's own Input handler used to insert the first line again)."""
    app = make_app(demo, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("l", *"seen: ")
        entry = app.query_one("#entry-input")
        app.post_message(events.Paste("the pasted words"))
        await wait_for(pilot, lambda: "pasted" in entry.value)
        assert entry.value == "seen: the pasted words"
        await pilot.press("ctrl+u")
        app.post_message(events.Paste("block one\nblock two\nblock three"))
        await wait_for(pilot, lambda: "block three" in timeline_text(app))
        assert entry.value == ""
        await pilot.press(*"typed after", "enter")
        await wait_for(pilot, lambda: "typed after" in timeline_text(app))
    texts = [e.text for e in queries.timeline(store.connect(demo), 1)]
    assert texts[-4:] == ["block one", "block two", "block three", "typed after"]


async def test_lines_pasted_into_a_form_field_are_all_kept(
    db_path: Path, clock: FrozenClock
) -> None:
    """A one-line field joins a pasted block's lines (Textual's Input kept the first)."""
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.war_room.loaded)
        await pilot.press("n")
        app.post_message(events.Paste("Checkout API\n  returning 503\n\nin eu-west\n"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.war_room.shown_id is not None)
    [incident] = queries.incidents(store.connect(db_path))
    assert incident.title == "Checkout API returning 503 in eu-west"


async def test_failed_write_keeps_the_text_and_says_why(
    demo: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("warroom.store.db.BUSY_TIMEOUT_MS", 50)
    app = make_app(demo, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        blocker = store.connect(demo)
        blocker.conn.execute("PRAGMA busy_timeout = 10000")  # the console may be writing
        blocker.conn.execute("BEGIN IMMEDIATE")
        await pilot.press("l", *"f: do not lose me", "enter")
        entry = app.query_one("#entry-input")
        await wait_for(pilot, lambda: entry.value == "f: do not lose me")
        assert any("busy" in n.message for n in app._notifications)  # noqa: SLF001
        blocker.conn.execute("ROLLBACK")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "do not lose me" in timeline_text(app))
        assert entry.value == ""


async def test_status_severity_ack_role_and_impact_keys(db_path: Path, clock: FrozenClock) -> None:
    database = store.connect(db_path)
    room = WarRoom(database, clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("API down", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("s", "down", "enter")  # the second choice after identified
        await wait_for(
            pilot, lambda: queries.incident(database, incident_id).status != "investigating"
        )
        assert queries.incident(database, incident_id).status == "fixing"
        table = app.query_one(IncidentTable)
        await wait_for(pilot, lambda: table.get_cell(str(incident_id), "status").plain == "fixing")
        await pilot.press("p", "home", "enter")
        await wait_for(pilot, lambda: queries.incident(database, incident_id).severity == "P0")
        await pilot.press("a")
        await wait_for(
            pilot, lambda: queries.incident(database, incident_id).acknowledged_at is not None
        )
        # the role list has focus: Enter takes the role (command) and moves to the person
        await pilot.press("r", "enter", *"Tom", "enter")
        await wait_for(pilot, lambda: queries.incident(database, incident_id).commander == "Tom")
        # the row changed in place: the list shows it without being laid out again
        await wait_for(pilot, lambda: table.get_cell(str(incident_id), "commander").plain == "Tom")
        assert table.get_cell(str(incident_id), "sev").plain == "P0"
        await pilot.press(
            "i", *"40% of users", "enter", *"checkout", "enter", *"lost orders", "ctrl+s"
        )
        await wait_for(
            pilot, lambda: queries.incident(database, incident_id).impact_business == "lost orders"
        )
        await wait_for(
            pilot, lambda: "IC: Tom" in detail_text(app) and "lost orders" in detail_text(app)
        )
    clocks = ("escalation", "sla_breach")  # written by the ladder, not by the keys
    kinds = [e.kind for e in queries.timeline(database, incident_id) if e.kind not in clocks]
    assert kinds == ["declared", "status", "severity", "ack", "role", "impact"]


async def test_help_lists_every_key_and_the_palette_runs_an_action(
    db_path: Path, clock: FrozenClock
) -> None:
    from warroom.tui.keys import ACTIONS

    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.war_room.loaded)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = _render_text(app.screen)
        for action in ACTIONS:
            assert action.help in help_text
        assert "d: text" in help_text and "14:02 text" in help_text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"Declare")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DeclareScreen")


def _render_text(screen) -> str:
    from rich.console import Console

    console = Console(width=200, record=True)
    for widget in screen.query("Static"):
        console.print(widget.content)
    return console.export_text()


async def test_change_from_another_process_shows_on_this_console(
    demo: Path, clock: FrozenClock
) -> None:
    import subprocess
    import sys

    app = make_app(demo, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "warroom",
                "--db",
                str(demo),
                "--as",
                "Bo",
                "log",
                "1",
                "from the other console",
            ],
            check=True,
        )
        await wait_for(pilot, lambda: "from the other console" in timeline_text(app))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "warroom",
                "--db",
                str(demo),
                "declare",
                "-s",
                "P0",
                "-t",
                "Second fire",
            ],
            check=True,
        )
        await wait_for(pilot, lambda: "Second fire" in titles(app))


async def test_timeline_marks_days_and_dates(db_path: Path, clock: FrozenClock) -> None:
    database = store.connect(db_path)
    room = WarRoom(database, clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("Long one", "P2", declared_at=clock.now() - dt.timedelta(days=1))
    room.log(incident_id, "yesterday's note", at=clock.now() - dt.timedelta(hours=20))
    room.log(incident_id, "today's note")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        text = timeline_text(app)
        assert "── Sun 2026-11-22" in text and "── Mon 2026-11-23 (today)" in text
        assert "11-22 13:00" in text and "09:00:00" in text
        assert app.query_one(TimelineView).border_title == "Timeline · times in UTC"


async def test_a_declaration_that_cannot_be_saved_reopens_the_form_with_its_text(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warroom.tui.dialogs.declare import DeclareScreen

    store.connect(db_path).conn.close()
    monkeypatch.setattr("warroom.store.db.BUSY_TIMEOUT_MS", 50)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.war_room.loaded)
        blocker = store.connect(db_path)
        blocker.conn.execute("PRAGMA busy_timeout = 10000")  # the console may be writing
        blocker.conn.execute("BEGIN IMMEDIATE")
        await pilot.press("n", *"Payments down", "ctrl+s")
        await wait_for(pilot, lambda: showing(app, DeclareScreen))
        assert app.screen.query_one("#title").value == "Payments down"
        blocker.conn.execute("ROLLBACK")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.war_room.shown_id is not None)
    assert [i.title for i in queries.incidents(store.connect(db_path))] == ["Payments down"]


async def test_hand_off_with_h(db_path: Path, clock: FrozenClock) -> None:
    from warroom.tui.dialogs.handoff import HandOffScreen

    database = store.connect(db_path)
    room = WarRoom(database, clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("API down", "P2")
    room.log(incident_id, "page the DBA", "todo")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("h")
        assert isinstance(app.screen, HandOffScreen)
        assert "- TODO page the DBA" in app.screen.query_one("#note").text
        await pilot.press(*"Tom", "enter", "ctrl+s")
        await wait_for(pilot, lambda: "IC: Tom" in detail_text(app))
    [handed] = [e for e in queries.timeline(database, incident_id) if "handoff" in e.data]
    assert handed.data["handoff"].endswith("Next steps:") and "page the DBA" in handed.text
