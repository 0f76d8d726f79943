"""Engineers tick runbook items from the keyboard; everyone sees who did what."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.loaders.runbooks import load_runbooks
from warroom.service import WarRoom
from warroom.store import checklist_queries, queries
from warroom.tui.app import WarRoomApp
from warroom.tui.dialogs.answer import AnswerScreen
from warroom.tui.widgets.checklist_pane import ChecklistPane

RUNBOOKS = load_runbooks()


@pytest.fixture
def incident(db_path: Path, clock: FrozenClock) -> int:
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy(), RUNBOOKS)
    return room.declare("Checkout errors", "P1", "availability")


def pane_lines(app: WarRoomApp) -> list[str]:
    pane = app.query_one(ChecklistPane)
    return [str(pane.get_option_at_index(n).prompt) for n in range(pane.option_count)]


async def test_tick_with_the_keyboard(db_path: Path, clock: FrozenClock, incident: int) -> None:
    app = make_app(db_path, clock, runbooks=RUNBOOKS)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        assert app.focused is app.query_one(ChecklistPane)
        # "Create the incident record" was ticked by the system at declaration (issue 13)
        assert pane_lines(app)[0] == "Initial response  1/9"
        assert "[x] Create the incident record" in pane_lines(app)[3]
        assert "— warroom 09:00" in pane_lines(app)[3]
        await pilot.press("space")  # the first item is highlighted
        await wait_for(pilot, lambda: pane_lines(app)[0] == "Initial response  2/9")
        lines = pane_lines(app)
        assert "Take the incident  2/3" in lines[1]
        assert lines[2].strip().startswith("[x] Acknowledge the alert or report")
        assert "— Ana 09:00" in lines[2]
        await pilot.press("space")  # untick
        await wait_for(pilot, lambda: pane_lines(app)[0] == "Initial response  1/9")
        await pilot.press("c")
        await wait_for(pilot, lambda: "Unticked: Acknowledge" in timeline_text(app))
    rows = [
        e.text for e in queries.timeline(store.connect(db_path), incident) if e.kind == "checklist"
    ]
    assert rows[-2:] == [
        "Ticked: Acknowledge the alert or report",
        "Unticked: Acknowledge the alert or report",
    ]


async def test_items_past_their_target_say_overdue(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    app = make_app(db_path, clock, runbooks=RUNBOOKS)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: len(pane_lines(app)) > 5)
        assert not any("OVERDUE" in line for line in pane_lines(app))
        clock.step(minutes=15, seconds=1)
        app.war_room.heartbeat()
        await pilot.pause()
        late = [line for line in pane_lines(app) if "OVERDUE" in line]
        assert any("What is broken?" in line for line in late)


async def test_answering_a_question(db_path: Path, clock: FrozenClock, incident: int) -> None:
    app = make_app(db_path, clock, runbooks=RUNBOOKS)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        pane = app.query_one(ChecklistPane)
        pane.highlighted = pane.get_option_index("rapid-assessment/triage-questions/2")
        await pilot.press("enter")
        assert isinstance(app.screen, AnswerScreen)
        await pilot.press(*"[#33] about 40%", "enter")
        await wait_for(pilot, lambda: any("= [#33] about 40%" in line for line in pane_lines(app)))
    answers = checklist_queries.answers(store.connect(db_path), incident)
    assert list(answers.values()) == ["[#33] about 40%"]


async def test_attach_and_detach_from_the_console(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    app = make_app(db_path, clock, runbooks=RUNBOOKS)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        pane = app.query_one(ChecklistPane)
        before = [c.runbook_id for c in pane.lists]
        # what applies to a P1 availability incident, not all seven (issue 13)
        assert before == ["initial-response", "rapid-assessment", "p1-high", "availability"]
        await pilot.press("b")
        await pilot.press("enter")  # the first runbook not yet attached
        await wait_for(pilot, lambda: len(pane.lists) == 5)
        await pilot.press("B", "enter")  # the first attached one
        await wait_for(pilot, lambda: len(pane.lists) == 4)
        assert "initial-response" not in [c.runbook_id for c in pane.lists]


async def test_copy_an_items_command(db_path: Path, clock: FrozenClock, incident: int) -> None:
    app = make_app(db_path, clock, runbooks=RUNBOOKS)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        pane = app.query_one(ChecklistPane)
        with_command = next(i for c in pane.lists for i in c.items if i.command)
        pane.highlighted = pane.get_option_index(with_command.key)
        await pilot.press("y")
        assert app.clipboard == with_command.command.strip()


async def test_an_item_counting_from_the_resolution_stays_overdue_each_second(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    """The hot wash is due 24 h after the resolution: the heartbeat judges it from the
    incident's moments too (it used to drop them, and the OVERDUE came and went)."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy(), RUNBOOKS)
    room.set_status(incident, "resolved")  # attaches the post-incident runbook
    clock.step(hours=24, seconds=1)
    app = make_app(db_path, clock, runbooks=RUNBOOKS)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")

        def hot_wash_late() -> bool:
            return any("hot wash" in line and "OVERDUE" in line for line in pane_lines(app))

        await wait_for(pilot, hot_wash_late)
        for _ in range(2):
            clock.step(seconds=1)
            app.war_room.heartbeat()
            await pilot.pause()
            assert hot_wash_late()
