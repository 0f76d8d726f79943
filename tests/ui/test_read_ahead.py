"""`j`/`k` show the next incident with the key, from a read held ahead (issue 12),
and a held read never shows what another console has since changed."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from tests.ui.helpers import detail_text, make_app, ready, timeline_text, wait_for
from tests.watching import whole_reads
from warroom import store
from warroom.clock import FrozenClock
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.messages import Snapshot
from warroom.tui.watcher import DatabaseWatcher
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.timeline_view import TimelineView


def three_incidents(db_path: Path, clock: FrozenClock) -> WarRoom:
    """#1, #2, #3 (P2, declared a minute apart: listed in that order), each with an
    entry; the room writes as another console would (its own connection). The policy
    is on record, so the console opens without a write of its own (its commit could
    otherwise land between a read held ahead and the key that takes it)."""
    room = WarRoom(
        store.connect(db_path), clock, make_app(db_path, clock, "Eve").actor, load_policy()
    )
    room.check_policy()
    for n in (1, 2, 3):
        incident_id = room.declare(f"Incident number {n}", "P2")
        room.log(incident_id, f"first note on {n}")
        clock.step(minutes=1)
    return room


def watcher_of(app: Any) -> DatabaseWatcher:
    watcher = app.war_room._watcher  # noqa: SLF001 - what it holds ahead
    assert watcher is not None
    return watcher


def listed(app: Any, incident_id: int) -> Any:
    return next(i for i in app.war_room.incidents if i.id == incident_id)


class Seen:
    """What the detail and the timeline showed for each incident, each time they
    were drawn for it (the first drawing is what the key showed)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.headers: list[tuple[int, str]] = []
        self.timelines: list[tuple[int, str]] = []
        show, replace = IncidentDetail.show, TimelineView.replace
        seen = self

        def detail_show(detail: IncidentDetail, incident: Any, roles: Any, now: Any) -> None:
            show(detail, incident, roles, now)
            if incident is not None:
                seen.headers.append((incident.id, detail.describe(now).plain))

        def timeline_replace(view: TimelineView, entries: Any, laid_out: Any = None) -> None:
            replace(view, entries, laid_out)
            screen = view.app.war_room  # type: ignore[attr-defined]
            seen.timelines.append((screen.selected_id, timeline_text(view.app)))  # type: ignore[arg-type]

        monkeypatch.setattr(IncidentDetail, "show", detail_show)
        monkeypatch.setattr(TimelineView, "replace", timeline_replace)

    def first_header(self, incident_id: int) -> str:
        return next(text for shown, text in self.headers if shown == incident_id)

    def first_timeline(self, incident_id: int) -> str:
        return next(text for shown, text in self.timelines if shown == incident_id)


async def test_j_shows_the_next_incident_from_the_read_held_ahead(
    db_path: Path, clock: FrozenClock
) -> None:
    three_incidents(db_path, clock)
    app = make_app(db_path, clock)
    snapshots: list[Message] = []
    async with app.run_test(size=(120, 36), message_hook=snapshots.append) as pilot:
        await ready(pilot)
        assert app.war_room.selected_id == 1
        watcher = watcher_of(app)
        # the two rows the cursor moves on to
        await wait_for(pilot, lambda: watcher.holds(2) and watcher.holds(3))
        snapshots.clear()
        await pilot.press("j")
        assert app.war_room.shown_id == 2
        assert "Incident number 2" in detail_text(app)
        assert "first note on 2" in timeline_text(app)
        # shown from the held read: no whole read of #2 came from the watcher for the
        # key (a commit meanwhile would bring only what is new)
        assert not [
            m
            for m in snapshots
            if isinstance(m, Snapshot) and m.selection is not None and m.selection.reset
        ]
        # the next ones are read ahead from there, the way the cursor goes first
        await wait_for(pilot, lambda: watcher.holds(3) and watcher.holds(1))
        await pilot.press("j")
        assert app.war_room.shown_id == 3
        assert "first note on 3" in timeline_text(app)
        await pilot.press("k")
        assert app.war_room.shown_id == 2
        assert timeline_text(app).count("first note on 2") == 1


async def test_a_held_read_is_dropped_when_another_console_writes(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another console acknowledges #2, sets it fixing and logs on it while this one
    holds #2 read ahead: the key shows #2 as it is now, never as it was read."""
    room = three_incidents(db_path, clock)
    app = make_app(db_path, clock)
    seen = Seen(monkeypatch)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        watcher = watcher_of(app)
        await wait_for(pilot, lambda: watcher.holds(2))
        clock.step(minutes=1)
        room.acknowledge(2)
        room.set_status(2, "fixing")
        room.log(2, "written by another console")
        # the list has the change: the watcher has read the file as it is now
        await wait_for(pilot, lambda: listed(app, 2).status == "fixing")
        await pilot.press("j")
        assert app.war_room.shown_id == 2
        header = seen.first_header(2)
        assert "acked" in header and "NOT ACKNOWLEDGED" not in header
        assert "FIXING" in header
        assert "written by another console" in seen.first_timeline(2)


async def test_a_write_just_before_the_key_shows_at_once_after_it(
    db_path: Path, clock: FrozenClock
) -> None:
    """A commit the watcher has not polled yet when the key comes: the key wakes it,
    and what changed is read on from the held read (each entry once)."""
    room = three_incidents(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        watcher = watcher_of(app)
        await wait_for(pilot, lambda: watcher.holds(2))
        room.acknowledge(2)
        room.log(2, "just before the key")
        await pilot.press("j")
        await wait_for(pilot, lambda: "just before the key" in timeline_text(app))
        await wait_for(pilot, lambda: "NOT ACKNOWLEDGED" not in detail_text(app))
        text = timeline_text(app)
        assert text.count("just before the key") == 1
        assert text.count("first note on 2") == 1
        # and it goes on following #2 as the shown incident
        room.log(2, "and after it")
        await wait_for(pilot, lambda: "and after it" in timeline_text(app))
        assert timeline_text(app).count("just before the key") == 1


async def test_our_own_write_drops_the_reads_held_ahead(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This console logs on #1; #2 changed meanwhile elsewhere in the same commit
    window: nothing held from before any commit is shown."""
    room = three_incidents(db_path, clock)
    app = make_app(db_path, clock)
    seen = Seen(monkeypatch)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        watcher = watcher_of(app)
        await wait_for(pilot, lambda: watcher.holds(2))
        await pilot.press("j", "k")  # someone moving: what a commit drops is read again
        await wait_for(pilot, lambda: watcher.holds(2))
        room.set_status(2, "monitoring")
        await pilot.press("l")
        for key in "our note":
            await pilot.press("space" if key == " " else key)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "our note" in timeline_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: watcher.holds(2))
        seen.headers.clear()
        await pilot.press("j")
        assert app.war_room.shown_id == 2
        assert "MONITORING" in seen.first_header(2)


async def test_what_start_up_read_is_kept_out_of_the_collector_while_the_console_runs(
    db_path: Path, clock: FrozenClock
) -> None:
    """A full collection walked every incident start-up read (~0.3 s at 10,000
    incidents, landing on a key now and then): the console freezes them once the
    whole list is on screen, and gives them back when it closes."""
    three_incidents(db_path, clock)
    assert gc.get_freeze_count() == 0
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0)
        await pilot.press("j")
        assert app.war_room.shown_id == 2
    assert gc.get_freeze_count() == 0


async def test_start_up_shows_the_list_and_its_first_incident_in_one_frame(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first incident's view is read with the list and taken as the list shows:
    no frame shows the list beside an empty detail (it was asked for once the list
    showed, a second read later), and it is the file as it now reads."""
    room = three_incidents(db_path, clock)
    room.log(1, "said before the console opened")
    from warroom.tui.screens.war_room import WarRoomScreen

    on_snapshot = WarRoomScreen.on_snapshot
    after: list[tuple[int, int | None]] = []

    def noted(screen: WarRoomScreen, message: Snapshot) -> None:
        on_snapshot(screen, message)
        after.append((len(screen.table.order), screen.shown_id))

    monkeypatch.setattr(WarRoomScreen, "on_snapshot", noted)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert after[0] == (3, 1)  # the list and #1 from the first snapshot
        assert "said before the console opened" in timeline_text(app)
        assert "Incident number 1" in detail_text(app)


async def test_a_first_incident_read_before_a_commit_is_not_shown_stale(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another console logs on #1 between start-up's read of it and the screen taking
    it: the console shows that entry (the held read was for the file as it was)."""
    room = three_incidents(db_path, clock)
    hold_first_row = DatabaseWatcher._hold_first_row  # noqa: SLF001

    def then_a_commit(watcher: DatabaseWatcher, *args: Any) -> None:
        hold_first_row(watcher, *args)
        room.log(1, "logged meanwhile")
        watcher._version = -2  # noqa: SLF001 - the poll that sees the commit, come early

    monkeypatch.setattr(DatabaseWatcher, "_hold_first_row", then_a_commit)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "logged meanwhile" in timeline_text(app))


async def test_a_key_s_incident_read_for_it_is_read_around_once_drawn(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No read held for the key's incident: the screen shows the one made for it, then
    tells the watcher it is drawn (`settled`), which reads around it only then."""
    three_incidents(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        watcher = watcher_of(app)
        await wait_for(pilot, lambda: watcher.holds(2))
        take, settled = watcher.take, watcher.settled
        drawn: list[int | None] = []

        def nothing_held(incident_id: int, nearby: Sequence[int] = ()) -> None:
            take(incident_id, nearby)  # what was held is handed out, and thrown away

        def noted() -> None:
            drawn.append(app.war_room.shown_id)
            settled()

        monkeypatch.setattr(watcher, "take", nothing_held)
        monkeypatch.setattr(watcher, "settled", noted)
        await pilot.press("j")
        await wait_for(pilot, lambda: app.war_room.shown_id == 2 and bool(drawn))
        assert drawn == [2]
        assert "first note on 2" in timeline_text(app)
        await wait_for(pilot, lambda: watcher.holds(3))


async def test_an_incident_shown_before_comes_back_brought_up_to_date_not_read_whole(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down five incidents and back up to the first: its timeline, handed back as the
    cursor left it, is brought up to date with what another console logged on it
    meanwhile, not read whole again (a busy incident's whole read is ~20-30 ms)."""
    room = three_incidents(db_path, clock)
    for n in (4, 5):
        room.log(room.declare(f"Incident number {n}", "P2"), f"first note on {n}")
        clock.step(minutes=1)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = app.war_room
        assert screen.selected_id == 1
        for n in (2, 3, 4, 5):
            await pilot.press("j")
            await wait_for(pilot, lambda n=n: screen.shown_id == n)
        room.log(1, "logged while the cursor was away")
        whole = whole_reads(monkeypatch)
        for n in (4, 3, 2, 1):
            await pilot.press("k")
            await wait_for(pilot, lambda n=n: screen.shown_id == n)
        await wait_for(pilot, lambda: "logged while the cursor was away" in timeline_text(app))
        text = timeline_text(app)
        assert text.count("first note on 1") == 1
        assert text.count("logged while the cursor was away") == 1
        assert 1 not in whole  # brought up to date, not read whole
