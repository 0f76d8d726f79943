"""Alerts travel with an exported incident (export version 2): each alert with its
labels, links and exact start, and every signal's body exactly as received; an
import writes them under new ids and points the timeline's alert rows at them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from tests.unit.test_export import EXPORTED, START, _normalised, check_golden
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.alerts import parse_body
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.errors import InvalidInput
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.transfer import export_json, parse_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
# a body whose text could fool a terminal or a parser: markup, ESC, a bidi override
HOSTILE = (
    '{"version": "4", "groupKey": "{}:{alertname=\\"Boom\\"}", "status": "firing",'
    ' "alerts": [{"status": "firing", "labels": {"alertname": "Boom", "team": "[red]db[/red]"},'
    ' "annotations": {"summary": "[bold]boom[/bold] \\u001b[2J \\u202e"},'
    ' "startsAt": "2026-11-23T08:58:30.987654321Z", "fingerprint": "b00b000000000001"}]}'
)


def ingest(room: WarRoom, source: str, body: str) -> None:
    room.ingest(parse_body(source, body, "test"), body)


@pytest.fixture
def alerted(db: sqlite_utils.Database, clock: FrozenClock, policy: Policy) -> int:
    """An incident Alertmanager declared: two disk alerts, one of them resolved later,
    the first heard again, and a hostile alert of the same group."""
    engine = WarRoom(db, clock, Actor("Alertmanager", "am"), policy)
    firing = (FIXTURES / "alertmanager_firing.json").read_text()
    ingest(engine, "alertmanager", firing)
    clock.step(minutes=10)
    ingest(engine, "alertmanager", (FIXTURES / "alertmanager_resolved_db1.json").read_text())
    clock.step(minutes=1)
    ingest(engine, "alertmanager", firing)
    hostile = json.loads(HOSTILE)
    hostile["groupKey"] = json.loads(firing)["groupKey"]  # joins the disk alerts' incident
    ingest(engine, "alertmanager", json.dumps(hostile, ensure_ascii=False))
    clock.set(EXPORTED)
    return 1


def _other(tmp_path: Path, policy: Policy) -> sqlite_utils.Database:
    """A database that already holds an alert, so alert ids must move on import."""
    other = store.connect(tmp_path / "other.db")
    engine = WarRoom(other, FrozenClock(START), Actor("Zed", "zed"), policy)
    ingest(engine, "events-v2", (FIXTURES / "events_v2_trigger.json").read_text())
    return other


def _alerts_normalised(document: dict[str, Any]) -> dict[str, Any]:
    """`_normalised`, and alert ids by position (the timeline's `data.alert` to match)."""
    position = {a["id"]: n for n, a in enumerate(document["alerts"], start=1)}
    doc = _normalised(document)
    for alert in doc["alerts"]:
        alert["id"] = position[alert["id"]]
    for row in doc["timeline"]:
        if isinstance(row["data"].get("alert"), int):
            row["data"]["alert"] = position[row["data"]["alert"]]
    return doc


def test_the_export_carries_alerts_and_their_bodies(
    db: sqlite_utils.Database, alerted: int
) -> None:
    text = export_json(db, alerted, EXPORTED)
    check_golden("export_alerts.json", text)
    document = json.loads(text)
    assert document["version"] == 2
    alerts = document["alerts"]
    assert [(a["key"], a["status"]) for a in alerts] == [
        ("f00d0000000000a1", "firing"),
        ("f00d0000000000a2", "firing"),
        ("b00b000000000001", "firing"),
    ]
    first = alerts[0]
    assert first["starts_at_ns"] == 1795424310_123456789  # 19 digits, exactly
    assert first["labels"]["instance"] == "db-1"
    assert first["resolved_at"] is None  # resolved at 09:10, then it fired again at 09:11
    assert first["last_seen_at"] == "2026-11-23T09:11:00Z"
    assert [s["status"] for s in first["signals"]] == ["firing", "resolved", "firing"]
    bodies = {s["payload"] for s in first["signals"]}
    assert (FIXTURES / "alertmanager_firing.json").read_text() in bodies
    assert alerts[2]["title"] == "[bold]boom[/bold] \x1b[2J \u202e"
    assert "\x1b" not in text and "\u202e" not in text  # escaped in the file, exact when read
    alert_rows = [r for r in document["timeline"] if r["kind"] == "alert"]
    assert {r["data"]["alert"] for r in alert_rows} == {a["id"] for a in alerts}


def test_import_writes_the_alerts_under_new_ids_and_export_gives_them_back(
    db: sqlite_utils.Database, alerted: int, policy: Policy, tmp_path: Path
) -> None:
    first = export_json(db, alerted, EXPORTED)
    other = _other(tmp_path, policy)
    room = WarRoom(other, FrozenClock(EXPORTED), Actor("Eve", "eve"), policy)
    new_id = room.import_incident(parse_document(first, "export.json"))
    assert new_id == 2
    second = export_json(other, new_id, EXPORTED)
    assert json.loads(second)["alerts"][0]["id"] != json.loads(first)["alerts"][0]["id"]
    assert _alerts_normalised(json.loads(second)) == _alerts_normalised(json.loads(first))
    # what the CLI and the console read: the imported incident's own alerts, bodies exact
    imported = read_model.incident_alerts(other, new_id)
    assert [a.key for a in imported] == ["f00d0000000000a1", "f00d0000000000a2", "b00b000000000001"]
    assert imported[0].signals == 3 and imported[0].starts_at_ns == 1795424310_123456789
    signals = read_model.alert_signals(other, imported[2].id)
    assert json.loads(signals[0].payload)["alerts"][0]["annotations"]["summary"] == (
        "[bold]boom[/bold] \x1b[2J \u202e"
    )
    named = {
        row[0]
        for row in other.conn.execute(
            "SELECT json_extract(data, '$.alert') FROM timeline WHERE incident_id = ?"
            " AND kind = 'alert'",
            (new_id,),
        )
    }
    assert named == {a.id for a in imported}
    assert read_model.incident_alerts(other, 1)[0].source == "events-v2"  # untouched


def test_a_version_1_export_still_imports(
    db: sqlite_utils.Database, alerted: int, policy: Policy, tmp_path: Path
) -> None:
    """Before version 2 the alerts were not exported: the alert rows come in without
    naming an alert (it is not in the file), everything else as it was."""
    document = json.loads(export_json(db, alerted, EXPORTED))
    document["version"] = 1
    del document["alerts"]
    other = _other(tmp_path, policy)
    room = WarRoom(other, FrozenClock(EXPORTED), Actor("Eve", "eve"), policy)
    new_id = room.import_incident(parse_document(json.dumps(document), "old.json"))
    rows = [r for r in read_model.timeline(other, new_id) if r.kind == "alert"]
    assert len(rows) == 6 and all("alert" not in r.data for r in rows)
    assert rows[0].data["key"] == "f00d0000000000a1"
    assert read_model.incident_alerts(other, new_id) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("dangling", "timeline entry 2 refers to alerts 99 (data.alert), which is not in the file"),
        ("status", "alerts[0].status 'exploded' is not one of: firing, resolved, acknowledged"),
        ("source", "alerts[1].source 'nagios' is not one of: alertmanager, grafana"),
        ("signal", "alerts[0].signals[1].payload must be text, not 42"),
        ("ns", 'alerts[0].starts_at_ns must be a whole number, not "1795424310123456789"'),
    ],
)
def test_a_bad_alert_in_an_export_is_refused_in_one_line(
    db: sqlite_utils.Database, alerted: int, change: str, problem: str
) -> None:
    document = json.loads(export_json(db, alerted, EXPORTED))
    if change == "dangling":
        next(r for r in document["timeline"] if r["kind"] == "alert")["data"]["alert"] = 99
    elif change == "status":
        document["alerts"][0]["status"] = "exploded"
    elif change == "source":
        document["alerts"][1]["source"] = "nagios"
    elif change == "signal":
        document["alerts"][0]["signals"][1]["payload"] = 42
    elif change == "ns":
        document["alerts"][0]["starts_at_ns"] = str(document["alerts"][0]["starts_at_ns"])
    with pytest.raises(InvalidInput) as refused:
        parse_document(json.dumps(document), "bad.json")
    said = str(refused.value)
    assert said.startswith("bad.json: ") and problem in said and "\n" not in said
