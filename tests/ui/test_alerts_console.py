"""The alerts pane (`A`): the selected incident's alerts with their status, labels,
links and when they were heard, text from outside shown as it came; Enter shows the
raw bodies; another process's ingest shows up live; `A` is in the footer, the help
and the palette."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils
from textual.widgets import TextArea

from tests.ui.helpers import make_app, ready, showing, wait_for
from tests.ui.test_palette_search import labels, palette_lines
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.alerts import parse_body
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.dialogs.alert_payload import AlertPayloadScreen
from warroom.tui.widgets.alert_pane import AlertPane
from warroom.tui.widgets.keys_footer import KeysFooter

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
HOSTILE = "[bold]boom[/bold] \x1b[2J on db-1"  # markup-looking, and a terminal control


def hostile_body(status: str = "firing") -> str:
    """An Alertmanager body whose title, labels and link could fool a terminal."""
    return json.dumps(
        {
            "version": "4",
            "groupKey": '{}:{alertname="Boom"}',
            "status": status,
            "alerts": [
                {
                    "status": status,
                    "labels": {
                        "alertname": "Boom",
                        "team": "[red]db[/red]",
                        "severity": "critical",
                    },
                    "annotations": {"summary": HOSTILE, "runbook_url": "https://rb.example/[x]"},
                    "startsAt": "2026-11-23T08:58:30.123456789Z",
                    "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus.example:9090/graph?g0.expr=boom",
                    "fingerprint": "b00b000000000001",
                }
            ],
        }
    )


def other_process(db_path: Path, clock: FrozenClock) -> WarRoom:
    return WarRoom(store.connect(db_path), clock, Actor("Alertmanager", "am"), load_policy())


def ingest(room: WarRoom, source: str, body: str) -> None:
    room.ingest(parse_body(source, body, "test"), body)


def pane_text(app: WarRoomApp) -> str:
    pane = app.war_room.query_one(AlertPane)
    return "\n".join(str(pane.get_option_at_index(i).prompt) for i in range(pane.option_count))


async def test_the_pane_shows_alerts_literally_and_their_raw_bodies(
    db_path: Path, clock: FrozenClock
) -> None:
    body = hostile_body()
    ingest(other_process(db_path, clock), "alertmanager", body)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("A")
        pane = app.war_room.query_one(AlertPane)
        assert pane.has_focus and pane.display
        await wait_for(pilot, lambda: "FIRING" in pane_text(app))
        shown = pane_text(app)
        assert "▲ FIRING" in shown and "alertmanager · [bold]boom[/bold] ␛[2J on db-1" in shown
        assert "team=[red]db[/red]" in shown and "alertname=Boom" in shown
        assert "first 09:00:00 UTC · last 09:00:00 UTC · 1 signal" in shown
        assert "started 08:58:30 UTC" in shown
        assert "source: http://prometheus.example:9090/graph?g0.expr=boom" in shown
        assert "\x1b" not in shown
        assert str(pane.border_title).startswith("Alerts · 1 firing of 1")
        footer = app.war_room.query_one(KeysFooter)
        assert any("keys → alerts" in str(label.render()) for label in footer.query("FooterLabel"))

        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, AlertPayloadScreen))
        area = app.screen.query_one(TextArea)
        assert area.read_only
        header, _, rest = area.text.partition("\n")
        assert header.startswith("── heard 2026-11-23 09:00:00 UTC · firing")
        assert "this alert: alerts[0]" in header
        assert json.loads(rest) == json.loads(body)  # every value as it came
        assert "\x1b" not in area.text and "\\u001b[2J" in area.text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AlertPayloadScreen))
        await pilot.press("A")  # again: back to the timeline
        assert app.war_room.query_one("#left").current == "timeline"


async def test_another_process_ingesting_shows_at_once(db_path: Path, clock: FrozenClock) -> None:
    """The engine (or `warroom ingest`) writes in another process: the pane follows,
    as the timeline does (each ingest writes a timeline row of kind `alert`)."""
    engine = other_process(db_path, clock)
    firing = (FIXTURES / "alertmanager_firing.json").read_text()
    ingest(engine, "alertmanager", firing)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("A")
        pane = app.war_room.query_one(AlertPane)
        await wait_for(pilot, lambda: len(pane.alerts) == 2)
        assert [a.status for a in pane.alerts] == ["firing", "firing"]
        pane.highlighted = 1  # db-2: the highlight stays on it as the list re-sorts
        clock.step(minutes=10)
        resolved = (FIXTURES / "alertmanager_resolved_db1.json").read_text()
        ingest(engine, "alertmanager", resolved)
        await wait_for(pilot, lambda: "✓ resolved" in pane_text(app))
        # firing first: db-2 now leads, db-1 resolved after it, and the highlight kept db-2
        assert [a.status for a in pane.alerts] == ["firing", "resolved"]
        assert "Disk full on db-2" in str(pane.highlighted_option.prompt)
        assert "resolved 09:10:00 UTC" in pane_text(app)
        assert str(pane.border_title).startswith("Alerts · 1 firing of 2")
        clock.step(minutes=1)
        ingest(engine, "alertmanager", firing)  # heard again: db-1 fires once more
        await wait_for(pilot, lambda: "2 firing of 2" in str(pane.border_title))
        assert "last 09:11:00 UTC · 3 signals" in pane_text(app)


async def test_alerts_are_in_the_palette_and_the_help(db_path: Path, clock: FrozenClock) -> None:
    database: sqlite_utils.Database = store.connect(db_path)
    WarRoom(database, clock, Actor("Ana", "ana"), load_policy()).declare("No alerts", "P3")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert "Alerts" in labels(app)
        found = await palette_lines(pilot, "alertmanager")
        assert found and found[0].startswith("Alerts  A")
        await pilot.press("enter")
        pane = app.war_room.query_one(AlertPane)
        await wait_for(pilot, lambda: pane.has_focus)
        assert "No alerts on this incident" in pane_text(app)
        await pilot.press("enter")  # nothing to show: nothing opens
        await pilot.pause()
        assert not isinstance(app.screen, AlertPayloadScreen)
        await pilot.press("X")  # an entry action while the timeline is hidden: says why
        await pilot.pause()
        said = " ".join(str(n.message) for n in app._notifications)  # noqa: SLF001
        assert "A goes back to it" in said
