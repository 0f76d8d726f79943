"""The scribe's tools driven from the keyboard: filter, search, pin, correct, strike,
follow-ups, closing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils
from textual.widgets import ContentSwitcher

from tests.ui.helpers import make_app, ready, showing, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.timeline_state import fold
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries, scribe_queries
from warroom.tui.screens.war_room import WarRoomScreen
from warroom.tui.widgets.follow_up_pane import FollowUpPane
from warroom.tui.widgets.timeline_view import TimelineView


def seeded(db_path: Path, clock: FrozenClock) -> tuple[sqlite_utils.Database, int]:
    database = store.connect(db_path)
    room = WarRoom(database, clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("API down", "P2")
    clock.step(minutes=1)
    room.log(incident_id, "roll back deploy 42", "decision")
    clock.step(minutes=1)
    room.log(incident_id, "[bold]5xx[/] spike on checkout", "finding")
    clock.step(minutes=1)
    room.log(incident_id, "add an alert on pool saturation", "todo")
    return database, incident_id


def shown_texts(app) -> list[str]:
    return [s.entry.text for s in app.query_one(TimelineView).shown]


def everything_shown(app) -> bool:
    view = app.query_one(TimelineView)
    return len(view.shown) == len(view.state.current()) >= 4


async def test_filter_by_kind_and_back(db_path: Path, clock: FrozenClock) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert {"roll back deploy 42", "[bold]5xx[/] spike on checkout"} <= set(shown_texts(app))
        await pilot.press("f", "down", "down", "down", "enter")  # all, scribe, pinned, decisions
        await wait_for(pilot, lambda: shown_texts(app) == ["roll back deploy 42"])
        view = app.query_one(TimelineView)
        assert "showing decisions" in str(view.border_title)
        assert "5xx" not in timeline_text(app)
        await pilot.press("f", "home", "enter")
        await wait_for(pilot, lambda: everything_shown(app))
        assert "showing" not in str(view.border_title)


async def test_search_shows_only_matches_and_markup_stays_literal(
    db_path: Path, clock: FrozenClock
) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"5xx", "enter")
        await wait_for(pilot, lambda: shown_texts(app) == ["[bold]5xx[/] spike on checkout"])
        assert "[bold]5xx[/] spike on checkout" in timeline_text(app)
        assert "search “5xx”: 1" in str(app.query_one(TimelineView).border_title)
        await pilot.press("slash", "ctrl+u", "enter")  # an empty search shows everything again
        await wait_for(pilot, lambda: everything_shown(app))


async def test_pin_the_entry_at_the_cursor(db_path: Path, clock: FrozenClock) -> None:
    database, incident_id = seeded(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "k", "k")  # timeline: from the TODO up to the decision
        assert app.query_one(TimelineView).selected.entry.text == "roll back deploy 42"
        await pilot.press("asterisk")
        await wait_for(pilot, lambda: "★" in timeline_text(app))
        pinned = [s.entry.text for s in fold(queries.timeline(database, incident_id)) if s.pinned]
        assert pinned == ["roll back deploy 42"]
        starred = [line for line in timeline_text(app).splitlines() if "★" in line]
        assert len(starred) == 1 and "roll back deploy 42" in starred[0]
        await pilot.press("f", "down", "down", "enter")  # pinned only
        await wait_for(pilot, lambda: shown_texts(app) == ["roll back deploy 42"])
        await pilot.press("asterisk")  # unpin
        await wait_for(pilot, lambda: shown_texts(app) == [])
        assert "(nothing matches)" in timeline_text(app) or timeline_text(app) == ""


async def test_correct_and_strike_keep_the_history(db_path: Path, clock: FrozenClock) -> None:
    database, incident_id = seeded(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "k")  # the finding
        await pilot.press("E")
        field = app.screen.query_one("#answer")
        assert field.value == "f: [bold]5xx[/] spike on checkout"
        await pilot.press("end", *" (eu-west only)", "enter")
        await wait_for(pilot, lambda: "(edited by Ana)" in timeline_text(app))
        assert app.query_one(TimelineView).selected.entry.text.endswith("(eu-west only)")
        await pilot.press("X", *"duplicate", "enter")
        await wait_for(pilot, lambda: app.query_one(TimelineView).selected.struck)
        assert "✗ struck by Ana:" in timeline_text(app)
    rows = [r for r in queries.timeline(database, incident_id) if r.kind == "finding"]
    assert [r.text for r in rows] == [
        "[bold]5xx[/] spike on checkout",
        "[bold]5xx[/] spike on checkout (eu-west only)",
        "[bold]5xx[/] spike on checkout (eu-west only)",
    ]
    assert rows[2].data["struck"] and rows[2].supersedes == rows[1].id


async def test_console_records_are_not_editable(db_path: Path, clock: FrozenClock) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "home", "E")  # the `declared` record
        await pilot.pause()
        assert not app.screen.query("#answer")
        said = [str(n.message) for n in app._notifications]  # noqa: SLF001
        # issue 14: it said "That is a declared record" ("a update_posted record")
        assert any(
            "The “declared” entry at the cursor was written by the console" in m for m in said
        )


async def test_promote_a_todo_then_tick_it_done_in_the_follow_up_pane(
    db_path: Path, clock: FrozenClock
) -> None:
    database, incident_id = seeded(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "P")  # the newest entry: the TODO
        assert app.screen.query_one("#text").value == "add an alert on pool saturation"
        await pilot.press(*"Bo", "enter", *"someday", "enter")
        await wait_for(
            pilot, lambda: "not a due date" in str(app.screen.query_one("#form-error").render())
        )
        await pilot.press("ctrl+u", *"+3d", "enter")
        pane = app.query_one(FollowUpPane)
        await wait_for(pilot, lambda: len(pane.items) == 1)
        await pilot.press("F")
        assert app.query_one("#left", ContentSwitcher).current == "follow-ups"
        assert "Follow-ups · 1 open of 1" in str(pane.border_title)
        [item] = pane.items
        assert (item.owner, item.due.isoformat(), item.status) == ("Bo", "2026-11-26", "open")
        await pilot.press("space")
        await wait_for(pilot, lambda: pane.items[0].status == "done")
        assert "0 open of 1" in str(pane.border_title)
    [stored] = scribe_queries.follow_ups(database, incident_id)
    assert stored.from_entry is not None and stored.status == "done"


async def test_closing_asks_for_the_postmortem_owner(db_path: Path, clock: FrozenClock) -> None:
    database, incident_id = seeded(db_path, clock)
    room = WarRoom(database, clock, make_app(db_path, clock).actor, load_policy())
    room.add_follow_up(incident_id, "write the runbook", owner="Cy")
    room.set_status(incident_id, "resolved")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")  # resolved incidents are behind the toggle
        await ready(pilot)
        await wait_for(pilot, lambda: app.war_room.selected_id == incident_id)
        await pilot.press("s")
        await pilot.press("home", "enter")  # "closed" is first for a resolved incident
        listing = str(app.screen.query_one("#open-follow-ups").render())
        assert "#1 write the runbook (Cy)" in listing
        await pilot.press("ctrl+u", "enter")
        assert "Who owns the post-mortem?" in str(app.screen.query_one("#form-error").render())
        await pilot.press(*"Di", "enter")
        await wait_for(pilot, lambda: queries.incident(database, incident_id).status == "closed")
    assert queries.incident(database, incident_id).postmortem_owner == "Di"


async def test_export_the_postmortem_with_x(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    seeded(db_path, clock)
    target = tmp_path / "pm.md"
    target.write_text("keep me")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("x")
        path = app.screen.query_one("#path")
        assert path.value == "incident-1-postmortem.md"
        path.value = str(target)
        await pilot.press("enter")  # exists, and Overwrite is not ticked: refused
        await wait_for(pilot, lambda: app.screen.query("#path"))
        assert target.read_text() == "keep me"
        assert app.screen.query_one("#path").value == str(target)  # the form comes back
        app.screen.query_one("#force").value = True
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.read_text() != "keep me")
    text = target.read_text()
    assert text.startswith("# Post-mortem: #1 API down")
    assert "\\[bold]5xx\\[/] spike on checkout" in text  # reads as typed once rendered


async def test_a_backdated_entry_typed_after_midnight_lands_before_it(db_path: Path) -> None:
    clock = FrozenClock(dt.datetime(2026, 11, 24, 0, 5, tzinfo=dt.UTC))
    database = store.connect(db_path)
    room = WarRoom(database, clock, make_app(db_path, clock).actor, load_policy())
    room.declare("Night page", "P2", declared_at=dt.datetime(2026, 11, 23, 23, 50, tzinfo=dt.UTC))
    room.log(1, "restarted the pool")  # 00:05
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("l", *"23:58 f: saw 5xx spike", "enter")
        await wait_for(pilot, lambda: "saw 5xx spike" in shown_texts(app))
        texts = shown_texts(app)
        assert texts.index("saw 5xx spike") < texts.index("restarted the pool")
        lines = timeline_text(app).splitlines()
        rule = next(i for i, line in enumerate(lines) if "── Tue 2026-11-24 (today)" in line)
        spike = next(i for i, line in enumerate(lines) if "saw 5xx spike" in line)
        assert "── Mon 2026-11-23" in lines[0] and spike < rule
        assert "11-23 23:58" in lines[spike]


async def test_a_refused_strike_and_close_keep_what_was_typed(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, incident_id = seeded(db_path, clock)
    WarRoom(database, clock, make_app(db_path, clock).actor, load_policy()).set_status(
        incident_id, "resolved"
    )
    monkeypatch.setattr("warroom.store.db.BUSY_TIMEOUT_MS", 50)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await ready(pilot)
        await pilot.press("tab")
        while app.query_one(TimelineView).selected.entry.kind not in ("todo", "finding"):
            await pilot.press("k")  # up to the newest scribe entry
        blocker = store.connect(db_path)
        blocker.conn.execute("PRAGMA busy_timeout = 10000")  # the console may be writing
        blocker.conn.execute("BEGIN IMMEDIATE")
        await pilot.press("X", *"logged twice", "enter")
        await wait_for(pilot, lambda: bool(app.screen.query("#answer")))
        assert app.screen.query_one("#answer").value == "logged twice"
        await pilot.press("escape", "escape")
        await pilot.press("s", "home", "enter", *"Di", "enter")  # close: refused too
        await wait_for(pilot, lambda: bool(app.screen.query("#owner")))
        assert app.screen.query_one("#owner").value == "Di"
        blocker.conn.execute("ROLLBACK")
        await pilot.press("enter")
        await wait_for(pilot, lambda: queries.incident(database, incident_id).status == "closed")
    assert not any(s.struck for s in fold(queries.timeline(database, incident_id)))


async def test_a_correction_that_lost_the_race_shows_the_other_one(
    db_path: Path, clock: FrozenClock
) -> None:
    database, incident_id = seeded(db_path, clock)
    other = WarRoom(database, clock, make_app(db_path, clock, "Bo").actor, load_policy())
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "k", "k", "E")  # the decision
        decision = app.query_one(TimelineView).selected.entry.id
        other.correct(decision, "roll back deploy 43")  # Bo, in another console, first
        await pilot.press("end", *" now", "enter")
        await wait_for(pilot, lambda: "corrected it meanwhile" in _title(app))
        assert "Bo corrected it meanwhile: “roll back deploy 43”" in _title(app)
        assert app.screen.query_one("#answer").value == "d: roll back deploy 42 now"
        await pilot.press("escape")
    texts = [s.entry.text for s in fold(queries.timeline(database, incident_id))]
    assert "roll back deploy 43" in texts and "roll back deploy 42 now" not in texts


def _title(app) -> str:
    labels = app.screen.query(".form-title")
    return str(labels.first().render()) if labels else ""


async def test_the_composer_fills_from_what_the_console_shows(
    db_path: Path, clock: FrozenClock
) -> None:
    from warroom import composer
    from warroom.tui.dialogs.composer import ComposerScreen

    database, incident_id = seeded(db_path, clock)
    room = WarRoom(database, clock, make_app(db_path, clock).actor, load_policy())
    decision = next(e for e in queries.timeline(database, incident_id) if e.kind == "decision")
    room.correct(decision.id, "roll back deploy 43")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(app, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        in_console = screen.fill("internal-update", {"eta": "30 min"})
    from_file = composer.fill(
        database,
        app.policy,
        incident_id,
        app.templates["internal-update"],
        clock.now(),
        app.tz,
        {"eta": "30 min"},
    )
    assert in_console == from_file
    assert "roll back deploy 43" in in_console and "deploy 42" not in in_console


async def test_a_correction_typed_with_a_time_moves_the_entry(
    db_path: Path, clock: FrozenClock
) -> None:
    database, incident_id = seeded(db_path, clock)
    app = make_app(db_path, clock)
    declared = queries.timeline(database, incident_id)[0].at
    moved_to = (declared + dt.timedelta(seconds=30)).strftime("%H:%M")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "k", "E")  # the finding, third of the scribe's entries
        app.screen.query_one("#answer").value = f"{moved_to} f: 5xx spike seen first"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "5xx spike seen first" in timeline_text(app))
        texts = shown_texts(app)
        assert texts.index("5xx spike seen first") < texts.index("roll back deploy 42")
    finding = next(
        s for s in fold(queries.timeline(database, incident_id)) if "5xx" in s.entry.text
    )
    assert finding.entry.at == declared.replace(second=0)
    assert finding.entry.kind == "finding" and finding.history[0].text.startswith("[bold]5xx")


@pytest.mark.parametrize("key", ["E", "X", "asterisk", "P"])
async def test_entry_actions_act_only_on_a_timeline_that_shows(
    db_path: Path, clock: FrozenClock, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the follow-ups pane in the timeline's place, E, X, * and P once acted on the
    hidden timeline's cursor: now they say the timeline is not showing and do nothing."""
    # no heartbeat: on a loaded machine the test outlived a second, and the heartbeat's
    # sweep recorded the on-call rung due since the declaration (not what this is about)
    monkeypatch.setattr(WarRoomScreen, "heartbeat", lambda self: None)
    database, incident_id = seeded(db_path, clock)
    # what fell due (the first escalation rung) is recorded first, as the console's own
    # sweep would at some moment while it runs: only a key's effect is left to compare
    WarRoom(database, clock, make_app(db_path, clock).actor, load_policy()).sweep()
    before = queries.timeline(database, incident_id)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("F")
        assert app.query_one("#left", ContentSwitcher).current == "follow-ups"
        await pilot.press(key)
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]  # noqa: SLF001
        assert any("timeline is not showing" in line for line in said)
        assert isinstance(app.screen, type(app.war_room))  # no dialog opened
    assert queries.timeline(database, incident_id) == before


async def test_z_gives_the_timeline_the_whole_width_and_back(
    db_path: Path, clock: FrozenClock
) -> None:
    """At 120 columns the entries' text had ~35 columns beside the clocks: `z` gives the
    timeline the whole width (fewer wrapped lines), and `z` again brings the clocks back."""
    database, incident_id = seeded(db_path, clock)
    WarRoom(database, clock, make_app(db_path, clock).actor, load_policy()).log(
        incident_id, "a finding long enough to wrap beside the clocks " * 2, "finding"
    )
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        clocks = app.query_one("#clocks")
        narrow, lines = view.size.width, view.virtual_size.height
        assert clocks.display
        await pilot.press("z")
        await wait_for(pilot, lambda: view.size.width > narrow + 30)
        assert not clocks.display
        await wait_for(pilot, lambda: view.virtual_size.height < lines)  # less wrapping
        await pilot.press("z")
        await wait_for(pilot, lambda: view.size.width == narrow)
        assert clocks.display
