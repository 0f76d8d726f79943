"""The comms lead composes, copies and posts an update; drafts survive a restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select

from tests.ui.helpers import make_app, ready, showing, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain import sla
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.dialogs.composer import ComposerScreen


@pytest.fixture
def incident(db_path: Path, clock: FrozenClock) -> int:
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    incident_id = room.declare("[#33] Checkout errors", "P1", "availability")
    room.set_impact(incident_id, users="40% of EU users")
    return incident_id


async def test_compose_edit_copy_and_post(
    db_path: Path, clock: FrozenClock, incident: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    clock.step(minutes=10)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        assert isinstance(app.screen, ComposerScreen)
        screen = app.screen
        assert "We are currently investigating" in screen.body  # external initial
        assert "[#33] Checkout errors" in screen.body or "40% of EU users" in screen.body
        screen.query_one("#body").text = screen.body + "\nMore soon."
        await pilot.press("ctrl+y")
        assert app.clipboard.endswith("More soon.")
        assert copied == [app.clipboard]
        # the second: post despite the services marker (no status page: its line is left out)
        await pilot.press("ctrl+s", "ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))
    database = store.connect(db_path)
    [update] = database.conn.execute("SELECT audience, template, body, author FROM updates")
    assert update[0:2] == ("external", "external-initial") and update[3] == "Ana"
    assert update[2].endswith("More soon.")
    assert "status page" not in update[2] and "Status:" not in update[2]
    kinds = [e.kind for e in queries.timeline(database, incident)]
    assert "update_posted" in kinds
    timers = {
        t.name: t
        for t in sla.timers(
            queries.incident(database, incident),
            load_policy(),
            clock.now(),
            queries.history(database, incident),
        )
    }
    assert timers["update"].deadline == clock.now() + dt.timedelta(minutes=30)
    assert timers["first_update"].state == sla.MET


async def test_unfilled_markers_need_a_second_post(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        screen.query_one("#template").value = "incident-update"
        await pilot.pause()
        assert "⟨ETA?⟩" in screen.body
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        assert "Still unfilled" in str(screen.query_one("#composer-status").render())
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))


async def test_a_marker_added_after_the_ask_is_asked_about_again(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    """ctrl+s once asks about the unfilled markers; the second ctrl+s posts anyway, but
    only for the markers asked about: one typed in between is asked about first."""
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        body = screen.query_one("#body")
        body.text = "ETA ⟨ETA?⟩"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Still unfilled: ETA —" in str(screen.query_one("#composer-status").render())
        body.text = "ETA ⟨ETA?⟩; owner ⟨Owner?⟩"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)  # not posted: a new marker
        status = str(screen.query_one("#composer-status").render())
        assert "Still unfilled: ETA, Owner —" in status
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))
    [posted] = store.connect(db_path).conn.execute("SELECT body FROM updates").fetchone()
    assert posted == "ETA ⟨ETA?⟩; owner ⟨Owner?⟩"


async def test_the_composer_asks_about_the_markers_the_cli_refuses(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    """One rule (`template_context.unfilled_markers`): each marker named once; a `⟨`
    and a `?⟩` on different lines are a person's text, not a marker; a control
    character's stand-in (`⟨U+009B⟩`) is not one either."""
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        screen.query_one("#body").text = "Range ⟨a, b\nc?⟩ seen; byte ⟨U+009B⟩ logged."
        await pilot.press("ctrl+s")  # no marker: posted at once
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))

        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        screen.query_one("#body").text = "ETA ⟨ETA?⟩, again ⟨ETA?⟩ and ⟨Next steps?⟩"
        await pilot.press("ctrl+s")
        await pilot.pause()
        status = str(screen.query_one("#composer-status").render())
        assert "Still unfilled: ETA, Next steps — ctrl+s again" in status
        assert isinstance(app.screen, ComposerScreen)
    database = store.connect(db_path)
    [body] = database.conn.execute("SELECT body FROM updates").fetchone()
    assert body == "Range ⟨a, b\nc?⟩ seen; byte ⟨U+009B⟩ logged."


async def test_a_draft_survives_closing_and_reopening_the_app(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        screen.query_one("#body").text = "Half-written [bold]update[/]"
        await pilot.press("escape")
        await wait_for(
            pilot,
            lambda: (
                store.connect(db_path).conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
                == 1
            ),
        )
    again = make_app(db_path, clock)
    async with again.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        screen = again.screen
        assert isinstance(screen, ComposerScreen)
        assert screen.body == "Half-written [bold]update[/]"
        await pilot.press("ctrl+d")
        await wait_for(
            pilot,
            lambda: (
                store.connect(db_path).conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
                == 0
            ),
        )


async def open_composer(pilot: Pilot[None]) -> ComposerScreen:
    await pilot.press("u")
    await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ComposerScreen)
    return screen


def status_line(screen: ComposerScreen) -> str:
    return str(screen.query_one("#composer-status", Label).render())


async def test_someone_elses_draft_from_before_the_resolution_is_offered_not_restored(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    bo = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    bo.save_draft(incident, "external-initial", "Bo: still looking into it")
    clock.step(minutes=20)
    bo.set_status(incident, "resolved")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await ready(pilot)
        screen = await open_composer(pilot)
        assert screen.template_name == "external-resolution"
        assert "has been resolved" in screen.body and "Bo:" not in screen.body
        said = status_line(screen)
        assert "saved 09:00:00 UTC by Bo" in said and "ctrl+o" in said
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert screen.body == "Bo: still looking into it"
        assert screen.query_one("#template", Select).value == "external-initial"
        await pilot.press("ctrl+d")  # discard: the composer stays, on the template again
        await wait_for(
            pilot,
            lambda: (
                store.connect(db_path).conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
                == 0
            ),
        )
        assert isinstance(app.screen, ComposerScreen)
        assert "We are currently investigating" in screen.body  # the template, filled again
        assert "discarded" in status_line(screen)


async def test_my_own_draft_for_this_phase_is_restored(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    ana = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    ana.save_draft(incident, "internal-alert", "Ana: paging the DBA")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_composer(pilot)
        assert screen.body == "Ana: paging the DBA"
        assert screen.template_name == "internal-alert"
        assert "Draft restored" in status_line(screen)


async def test_only_the_fields_a_template_uses_are_asked_and_labelled(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy()).set_status(
        incident, "resolved"
    )
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await ready(pilot)
        screen = await open_composer(pilot)

        def fields() -> list[str]:
            return [str(i.id) for i in screen.query(".free-input").results(Input)]

        assert fields() == []  # the external resolution asks for nothing
        screen.query_one("#template", Select).value = "internal-resolution"
        await wait_for(pilot, lambda: fields() == ["free-resolution", "free-root_cause"])
        labels = [str(w.render()) for w in screen.query(".free-label")]
        assert labels == ["Resolution:", "Root cause:"]
        screen.query_one("#free-root_cause", Input).focus()
        await pilot.press(*"pool exhausted")
        assert "Root Cause: pool exhausted" in screen.body
        screen.query_one("#template", Select).value = "incident-update"
        await wait_for(pilot, lambda: fields() == ["free-next_steps", "free-eta"])


async def test_with_everything_known_one_ctrl_s_posts_without_a_status_page(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy()).set_impact(
        incident, services="checkout-api"
    )
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_composer(pilot)
        assert screen.template_name == "external-initial"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))
    [body] = store.connect(db_path).conn.execute("SELECT body FROM updates").fetchone()
    assert "⟨" not in body and "status page" not in body
    assert body.rstrip().endswith("the next one by 09:30 UTC.")


async def test_rapid_assessment_answers_fill_the_impact_the_composer_shows(
    db_path: Path, clock: FrozenClock
) -> None:
    from warroom.loaders.runbooks import load_runbooks

    runbooks = load_runbooks()
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy(), runbooks)
    incident_id = room.declare("Checkout errors", "P1", "availability")
    room.answer(incident_id, "rapid-assessment/triage-questions/1", "checkout-api")
    room.answer(incident_id, "rapid-assessment/triage-questions/2", "about 40%")
    app = make_app(db_path, clock, runbooks=runbooks)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_composer(pilot)
        assert "problems affecting checkout-api." in screen.body
        assert "Impact: about 40%" in screen.body
        assert "⟨" not in screen.body


async def test_fields_typed_survive_esc_and_go_once_posted(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_composer(pilot)
        screen.query_one("#template", Select).value = "incident-update"
        await wait_for(pilot, lambda: bool(screen.query("#free-eta")))
        screen.query_one("#free-next_steps", Input).focus()
        await pilot.press(*"fail over", "enter", *"30 min", "enter")  # Enter: next, then the text
        assert screen.focused is screen.query_one("#body")
        assert "ETA: 30 min" in screen.body and "Next Steps: fail over" in screen.body
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))
        screen = await open_composer(pilot)  # the draft is mine and for this phase: restored
        assert screen.template_name == "incident-update"
        await pilot.pause()
        assert screen.query_one("#free-eta", Input).value == "30 min"
        await pilot.press("ctrl+s", "ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))
        screen = await open_composer(pilot)
        screen.query_one("#template", Select).value = "incident-update"
        await wait_for(pilot, lambda: bool(screen.query("#free-eta")))
        assert screen.query_one("#free-eta", Input).value == ""


async def test_my_own_draft_from_before_the_status_changed_is_offered(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    ana = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    ana.save_draft(incident, "external-initial", "Ana: still looking")
    clock.step(minutes=5)
    ana.set_status(incident, "identified")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_composer(pilot)
        assert screen.body != "Ana: still looking"
        assert "by Ana" in status_line(screen) and "ctrl+o" in status_line(screen)
        await pilot.press("escape")  # the bare template is not saved over the kept draft
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))
        await pilot.pause(0.3)
    [kept] = store.connect(db_path).conn.execute("SELECT body FROM drafts").fetchall()
    assert kept[0] == "Ana: still looking"
