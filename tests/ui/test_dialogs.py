"""One convention in every dialog: Enter moves to the next field and saves from the
last (or the only) one, ctrl+s saves, Esc cancels and keeps what was typed (the
same dialog offers it again); person fields complete names."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.ui.helpers import detail_text, make_app, ready, showing, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries, scribe_queries
from warroom.tui.app import WarRoomApp
from warroom.tui.dialogs.assign import AssignScreen
from warroom.tui.dialogs.close import CloseScreen
from warroom.tui.dialogs.declare import DeclareScreen
from warroom.tui.dialogs.follow_up import FollowUpScreen
from warroom.tui.dialogs.handoff import HandOffScreen
from warroom.tui.dialogs.impact import ImpactScreen
from warroom.tui.dialogs.postmortem import PostmortemScreen
from warroom.tui.widgets.timeline_view import TimelineView


@pytest.fixture
def room(db_path: Path, clock: FrozenClock) -> WarRoom:
    return WarRoom(store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy())


def field(app: WarRoomApp, selector: str) -> Input:
    return app.screen.query_one(selector, Input)


def error(app: WarRoomApp) -> str:
    return str(app.screen.query_one("#form-error").render())


async def test_role_enter_takes_the_role_then_assigns_and_esc_keeps_the_name(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("API down", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: showing(app, AssignScreen) and app.focused)
        assert app.focused is app.screen.query_one("#role")  # not the empty name
        await pilot.press("down", "enter")  # the role under command: the list moves on
        await wait_for(pilot, lambda: app.focused is field(app, "#person"))
        await pilot.press("enter")  # nothing typed: said, and the dialog stays
        await wait_for(pilot, lambda: "name" in error(app))
        assert isinstance(app.screen, AssignScreen)
        await pilot.press(*"Tom", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AssignScreen))
        await pilot.press("r")  # reopened: the role and name as they were
        await wait_for(pilot, lambda: showing(app, AssignScreen) and app.focused)
        assert field(app, "#person").value == "Tom"
        assert app.screen.role == app.screen.role_keys[1]  # type: ignore[attr-defined]
        role = app.screen.role  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")  # from the role list: saves the form
        await wait_for(
            pilot, lambda: "Tom" in [r.person for r in queries.roles(room.db, incident_id)]
        )
        assert (role, "Tom") in [(r.role, r.person) for r in queries.roles(room.db, incident_id)]
        # the dialog closes (and forgets the form) once the console hears the write went in
        await wait_for(pilot, lambda: not isinstance(app.screen, AssignScreen))
        await pilot.press("r")  # once saved, nothing is kept
        await wait_for(pilot, lambda: showing(app, AssignScreen))
        assert field(app, "#person").value == ""
        await pilot.press("escape")


async def test_the_role_list_stays_inside_its_dialog(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    room.declare("API down", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        form = app.screen.query_one(".form").region
        roles = app.screen.query_one("#role").region
        assert form.contains_region(roles)
        assert form.contains_region(field(app, "#person").region)


async def test_person_fields_complete_from_contacts_and_people_on_the_incident(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("API down", "P2", commander="Zoë Quinn")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("r", "enter", *"da", "right")  # a contact in the policy
        assert field(app, "#person").value == "Dana Kim"
        await pilot.press("escape", "plus", *"check the pool", "enter", *"zo", "right")
        assert isinstance(app.screen, FollowUpScreen)
        assert field(app, "#owner").value == "Zoë Quinn"  # already on the incident
        await pilot.press("enter", "enter")  # owner -> due -> saved
        await wait_for(pilot, lambda: bool(scribe_queries.follow_ups(room.db, incident_id)))
        [item] = scribe_queries.follow_ups(room.db, incident_id)
        assert (item.text, item.owner) == ("check the pool", "Zoë Quinn")


async def test_impact_enter_walks_every_field_and_saves_from_the_last(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("API down", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        # short words: a key costs the pilot 40 ms or more
        await pilot.press("i", *"40%", "enter", *"api", "escape")
        assert not isinstance(app.screen, ImpactScreen)
        await pilot.press("i")  # what was typed is offered again
        assert field(app, "#impact-users").value == "40%"
        assert field(app, "#impact-services").value == "api"
        await pilot.press("enter", "enter", *"lost", "enter")  # business -> times
        assert isinstance(app.screen, ImpactScreen)
        assert app.focused is field(app, "#impact-detected_at")
        await pilot.press("enter", "enter")
        assert app.focused is field(app, "#impact-impact_ended_at")
        await pilot.press("enter")  # the last field saves
        await wait_for(
            pilot, lambda: queries.incident(room.db, incident_id).impact_business == "lost"
        )
        assert queries.incident(room.db, incident_id).impact_services == "api"
        await pilot.press("i")
        assert field(app, "#impact-users").value == "40%"  # saved, not a kept draft
        await pilot.press("end", *" EU", "ctrl+s")  # ctrl+s from the first field
        await wait_for(
            pilot, lambda: queries.incident(room.db, incident_id).impact_users == "40% EU"
        )


async def test_follow_up_enter_moves_then_saves_and_esc_keeps(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("API down", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("plus", *"add an alert", "enter")
        assert app.focused is field(app, "#owner")
        await pilot.press(*"Ben", "escape")
        await pilot.press("plus")
        assert (field(app, "#text").value, field(app, "#owner").value) == ("add an alert", "Ben")
        await pilot.press("enter", *"+3d", "enter")  # owner -> due; Enter in due saves
        await wait_for(pilot, lambda: bool(scribe_queries.follow_ups(room.db, incident_id)))
        [item] = scribe_queries.follow_ups(room.db, incident_id)
        assert (item.text, item.owner, item.due is not None) == ("add an alert", "Ben", True)


async def test_hand_off_note_cursor_after_state_and_esc_keeps_both(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("API down", "P2")
    room.log(incident_id, "page the DBA", "todo")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("h", *"Tom", "enter")  # Enter: to the note
        assert isinstance(app.screen, HandOffScreen)
        note = app.screen.query_one("#note", TextArea)
        assert app.focused is note
        await pilot.press(*"failover done")
        assert note.text.splitlines()[0] == "State: failover done"
        await pilot.press("escape")
        assert not isinstance(app.screen, HandOffScreen)
        await pilot.press("h")
        assert field(app, "#person").value == "Tom"
        assert app.screen.query_one("#note", TextArea).text.startswith("State: failover done")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "IC: Tom" in detail_text(app))
    [handed] = [e for e in queries.timeline(room.db, incident_id) if "handoff" in e.data]
    assert handed.data["handoff"].startswith("State: failover done")


async def test_single_field_dialogs_save_on_enter_and_keep_on_esc(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("API down", "P2")
    room.set_status(incident_id, "resolved")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await ready(pilot)
        await pilot.press("m", *"Chen", "escape")  # post-mortem owner: kept
        assert not isinstance(app.screen, PostmortemScreen)
        await pilot.press("m")
        assert isinstance(app.screen, PostmortemScreen)
        assert field(app, "#pm-owner").value == "Chen"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: queries.incident(room.db, incident_id).postmortem_owner == "Chen"
        )
        await wait_for(pilot, lambda: not isinstance(app.screen, PostmortemScreen))
        app.war_room.close_incident()
        await wait_for(pilot, lambda: showing(app, CloseScreen))
        await pilot.pause()
        assert field(app, "#owner").value == "Chen"
        await pilot.press("ctrl+u", *"Eve", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CloseScreen))
        app.war_room.close_incident()
        await wait_for(pilot, lambda: showing(app, CloseScreen))
        await pilot.pause()
        assert field(app, "#owner").value == "Eve"  # as typed before Esc
        await pilot.press("enter")
        await wait_for(pilot, lambda: queries.incident(room.db, incident_id).status == "closed")
        assert queries.incident(room.db, incident_id).postmortem_owner == "Eve"


async def test_declare_keeps_what_was_typed_after_esc(db_path: Path, clock: FrozenClock) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.war_room.loaded)
        await pilot.press("n", *"Payments down", "enter", *"card auth fails", "escape")
        assert not isinstance(app.screen, DeclareScreen)
        await pilot.press("n")
        assert field(app, "#title").value == "Payments down"
        assert field(app, "#summary").value == "card auth fails"
        await pilot.press("enter", "enter", "enter")  # title, summary, commander (last): declares
        await wait_for(pilot, lambda: app.war_room.shown_id is not None)
        await pilot.press("n")
        assert field(app, "#title").value == ""  # declared: nothing kept
    [incident] = queries.incidents(store.connect(db_path))
    assert (incident.title, incident.summary, incident.commander) == (
        "Payments down",
        "card auth fails",
        "Ana",
    )


async def test_export_and_correction_keep_what_was_typed_and_save_on_enter(
    db_path: Path,
    clock: FrozenClock,
    room: WarRoom,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from warroom.tui.dialogs.answer import AnswerScreen
    from warroom.tui.dialogs.export import ExportScreen

    incident_id = room.declare("API down", "P2")
    room.log(incident_id, "restarted the pool", "action")
    monkeypatch.chdir(tmp_path)  # a short path to type (a key costs the pilot 40 ms)
    target = tmp_path / "pm.md"
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("x", "ctrl+u", *"pm.md", "escape")
        assert not isinstance(app.screen, ExportScreen)
        await pilot.press("x")
        await wait_for(pilot, lambda: showing(app, ExportScreen))
        await pilot.pause()
        assert field(app, "#path").value == "pm.md"
        await pilot.press("enter")  # the only text field: exports
        await wait_for(pilot, target.exists)
        # the console's first sweep records the ladder's first call after the entry: once
        # it shows (a cursor on the last entry follows rows that come after it)
        await wait_for(pilot, lambda: "Escalated to level 1" in timeline_text(app))
        await pilot.press("tab")
        while app.query_one(TimelineView).selected.entry.kind != "action":  # type: ignore[union-attr]
            await pilot.press("k")  # past the ladder's records to the scribe's entry
        await pilot.press("E", "end", *" twice", "escape")  # the entry at the cursor
        assert not isinstance(app.screen, AnswerScreen)
        await pilot.press("E")
        await wait_for(pilot, lambda: showing(app, AnswerScreen))
        await pilot.pause()
        assert field(app, "#answer").value == "a: restarted the pool twice"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: any(e.text == "restarted the pool twice" for e in queries.timeline(room.db, 1)),
        )


async def test_a_checklist_answer_is_kept_on_esc_and_fills_the_impact(
    db_path: Path, clock: FrozenClock
) -> None:
    from warroom.loaders.runbooks import load_runbooks
    from warroom.tui.dialogs.answer import AnswerScreen
    from warroom.tui.widgets.checklist_pane import ChecklistPane

    runbooks = load_runbooks()
    room = WarRoom(
        store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy(), runbooks
    )
    incident_id = room.declare("Checkout errors", "P1", "availability")
    app = make_app(db_path, clock, runbooks=runbooks)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        pane = app.query_one(ChecklistPane)
        pane.highlighted = pane.get_option_index("rapid-assessment/triage-questions/2")
        await pilot.press("enter", *"about 40%", "escape")
        assert not isinstance(app.screen, AnswerScreen)
        await pilot.press("enter")
        assert field(app, "#answer").value == "about 40%"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "about 40%" in detail_text(app))
    assert queries.incident(room.db, incident_id).impact_users == "about 40%"
