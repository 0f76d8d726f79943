"""A console opened with another policy than the file records says so, and an incident
whose severity its policy does not know shows as such (issue 13)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import ready, showing, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy_record import record_of
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.app import WarRoomApp
from warroom.tui.bridge import Write
from warroom.tui.screens.war_room import WarRoomScreen
from warroom.tui.widgets.deadline_panes import SlaPane
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.status_bar import StatusBar

POLICIES = Path(__file__).parents[1] / "fixtures" / "runbook_policies"
P0P3 = POLICIES / "castiel-p0-p3.yaml"
CRITICAL_LOW = POLICIES / "dokkerr-critical-low.yaml"


def console(db_path: Path, clock: FrozenClock, policy: Path) -> WarRoomApp:
    return WarRoomApp(
        db_path=db_path,
        actor=Actor("Bo", "bo"),
        policy=load_policy(policy),
        clock=clock,
        tz=dt.UTC,
    )


def declared_under_p0_p3(db_path: Path, clock: FrozenClock) -> int:
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy(P0P3))
    room.check_policy()  # Ana's console came first: her policy is recorded
    return room.declare("Checkout errors", "P1", "availability")


async def test_a_console_with_another_policy_warns_and_marks_unknown_severities(
    db_path: Path, clock: FrozenClock
) -> None:
    incident_id = declared_under_p0_p3(db_path, clock)
    app = console(db_path, clock, CRITICAL_LOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        bar = app.query_one(StatusBar)
        await wait_for(pilot, lambda: bar.policy_differs is not None)
        fingerprint = record_of(load_policy(P0P3)).fingerprint
        shown = bar.render().plain
        assert f"POLICY DIFFERS: file has castiel-p0-p3.yaml ({fingerprint})" in shown
        table = app.war_room.table
        assert table.get_cell(str(incident_id), "sev").plain == "P1?"
        assert table.get_cell(str(incident_id), "next").plain.strip() == "severity unknown"
        sla = str(app.query_one(SlaPane).render())
        assert "severity P1 is not in this policy (critical, high, medium, low)" in sla
        assert (
            "P1 (NOT IN THIS POLICY)" in app.query_one(IncidentDetail).describe(clock.now()).plain
        )
    # the console warned; it did not change what the file records
    recorded = read_model.recorded_policy(store.connect(db_path))
    assert recorded is not None and recorded.source == str(P0P3)


async def test_a_console_with_the_recorded_policy_says_nothing(
    db_path: Path, clock: FrozenClock
) -> None:
    incident_id = declared_under_p0_p3(db_path, clock)
    app = console(db_path, clock, P0P3)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)  # the policy check has run
        assert app.query_one(StatusBar).policy_differs is None
        assert "POLICY" not in app.query_one(StatusBar).render().plain
        assert app.war_room.table.get_cell(str(incident_id), "sev").plain == "P1"


async def test_l_adopts_this_consoles_policy_after_a_confirm(
    db_path: Path, clock: FrozenClock
) -> None:
    """`L` says what the recorded policy is, what differs and who follows it; Esc keeps the
    recorded one, Enter adopts this console's; then the warning goes and `L` says so."""
    from textual.widgets import Static

    from tests.ui.test_palette_search import labels
    from warroom.tui.dialogs.adopt_policy import AdoptPolicyScreen

    declared_under_p0_p3(db_path, clock)
    app = console(db_path, clock, CRITICAL_LOW)
    mine = record_of(load_policy(CRITICAL_LOW))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        bar = app.query_one(StatusBar)
        await wait_for(pilot, lambda: bar.policy_differs is not None)
        assert "Adopt policy" in labels(app)
        await pilot.press("L")
        await wait_for(pilot, lambda: showing(app, AdoptPolicyScreen))
        said = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "recorded: " in said and "castiel-p0-p3.yaml" in said and "differs:" in said
        assert f"(fingerprint {mine.fingerprint}): its clocks, ladders and roles" in said
        await pilot.press("escape")  # kept: nothing written
        await wait_for(pilot, lambda: not isinstance(app.screen, AdoptPolicyScreen))
        recorded = read_model.recorded_policy(store.connect(db_path))
        assert recorded is not None and recorded.source == str(P0P3)
        assert bar.policy_differs is not None

        await pilot.press("L", "enter")
        await wait_for(pilot, lambda: bar.policy_differs is None)
        assert "POLICY" not in bar.render().plain
        recorded = read_model.recorded_policy(store.connect(db_path))
        assert recorded is not None and recorded.fingerprint == mine.fingerprint
        assert recorded.recorded_by == "Bo"
        assert "Adopt policy" not in labels(app)  # nothing left to adopt
        await pilot.press("L")
        await pilot.pause()
        assert not isinstance(app.screen, AdoptPolicyScreen)
        notes = [str(n.message) for n in app._notifications]  # noqa: SLF001
        assert any("is the one in effect" in note for note in notes)


async def test_a_running_console_learns_that_another_policy_was_adopted_and_back(
    db_path: Path, clock: FrozenClock
) -> None:
    """A console checked the policy when it opened; someone then adopts another one
    (`warroom policy adopt` elsewhere): the top bar says POLICY DIFFERS within a poll,
    and stops saying it when this console's policy is adopted again."""
    declared_under_p0_p3(db_path, clock)
    app = console(db_path, clock, P0P3)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        bar = app.query_one(StatusBar)
        await pilot.pause(0.2)
        assert bar.policy_differs is None
        other = WarRoom(store.connect(db_path), clock, Actor("Cy", "cy"), load_policy(CRITICAL_LOW))
        other.adopt_policy()
        await wait_for(pilot, lambda: bar.policy_differs is not None)
        fingerprint = record_of(load_policy(CRITICAL_LOW)).fingerprint
        assert f"POLICY DIFFERS: file has dokkerr-critical-low.yaml ({fingerprint})" in (
            bar.render().plain
        )
        mine = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy(P0P3))
        mine.adopt_policy()
        await wait_for(pilot, lambda: bar.policy_differs is None)


async def test_a_console_with_the_recorded_policy_checks_it_without_a_write(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up reads which policy is in effect with its first snapshot: when it is this
    console's, nothing is written (no service work before the incidents show)."""
    declared_under_p0_p3(db_path, clock)
    writes: list[str] = []
    write = WarRoomScreen.write

    def noted(screen: WarRoomScreen, request: Write[Any]) -> None:
        writes.append(request.description)
        write(screen, request)

    monkeypatch.setattr(WarRoomScreen, "write", noted)
    app = console(db_path, clock, P0P3)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        assert "policy check" not in writes
        assert app.query_one(StatusBar).policy_differs is None


async def test_the_first_console_on_a_file_records_its_policy(
    db_path: Path, clock: FrozenClock
) -> None:
    store.connect(db_path).conn.close()  # a file with no policy on record yet
    app = console(db_path, clock, CRITICAL_LOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.war_room.loaded)

        def recorded() -> str | None:
            found = read_model.recorded_policy(store.connect(db_path))
            return None if found is None else found.source

        await wait_for(pilot, lambda: recorded() == str(CRITICAL_LOW))
        assert app.query_one(StatusBar).policy_differs is None
