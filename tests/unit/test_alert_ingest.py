"""Alerts become incidents through the service: declare, de-duplicate, log resolutions,
resolve only when all have and the policy says so, and open anew after resolution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from tests.conftest import SHARED
from warroom.clock import FrozenClock
from warroom.domain.alerts import parse_body
from warroom.domain.models import Actor
from warroom.domain.policy import Policy, parse_policy
from warroom.service import WarRoom
from warroom.service.alerts import Outcome

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
REAL = SHARED / "realdata"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")


def ingest(room: WarRoom, source: str, path: Path) -> list[Outcome]:
    text = path.read_text(encoding="utf-8")
    return room.ingest(parse_body(source, text, path.name), text)


def said(outcomes: list[Outcome]) -> list[str]:
    return [o.line for o in outcomes]


def incident(db: sqlite_utils.Database, incident_id: int) -> dict[str, object]:
    return next(db.query("SELECT * FROM incidents WHERE id = ?", [incident_id]))


def alert_rows(db: sqlite_utils.Database, incident_id: int) -> list[tuple[str, str]]:
    return [
        (str(r["text"]), str(r["author"]))
        for r in db.query(
            "SELECT text, author FROM timeline WHERE incident_id = ? AND kind = 'alert'"
            " ORDER BY id",
            [incident_id],
        )
    ]


def with_alerts_section(policy: Policy, section: str) -> Policy:
    return parse_policy(policy.text + "\n" + section, "policy.yaml")


def test_a_new_alert_declares_with_its_start_as_detected_at(
    room: WarRoom, db: sqlite_utils.Database
) -> None:
    outcomes = ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")
    # the second alert of the same Alertmanager group joins the first one's incident
    assert said(outcomes) == ["declared #1", "updated #1"]
    row = incident(db, 1)
    assert row["title"] == "[#33] Disk full on db-1 ℙƴ"
    assert row["severity"] == "P1"  # "critical" in the default mapping
    assert row["kind"] == "availability"
    assert row["status"] == "investigating"
    assert row["detected_at"] == "2026-11-23T08:58:30Z"
    assert row["declared_at"] == "2026-11-23T09:00:00Z"
    assert row["summary"] == "95% used"
    assert alert_rows(db, 1) == [
        ("Alert firing (alertmanager f00d0000000000a1): [#33] Disk full on db-1 ℙƴ", "warroom"),
        ("Alert firing (alertmanager f00d0000000000a2): Disk full on db-2", "warroom"),
    ]
    stored = list(db.query("SELECT key, status, starts_at_ns, labels FROM alerts ORDER BY id"))
    assert [(r["key"], r["status"]) for r in stored] == [
        ("f00d0000000000a1", "firing"),
        ("f00d0000000000a2", "firing"),
    ]
    assert stored[0]["starts_at_ns"] == 1795424310_123456789
    assert json.loads(stored[0]["labels"])["instance"] == "db-1"
    # the body is kept exactly as it came, for each signal
    payloads = [r["payload"] for r in db.query("SELECT payload FROM alert_signals")]
    assert payloads == [(FIXTURES / "alertmanager_firing.json").read_text()] * 2


def test_a_repeat_updates_the_same_incident(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")
    clock.step(minutes=5)
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")) == [
        "updated #1",
        "updated #1",
    ]
    assert db["incidents"].count == 1
    assert (
        alert_rows(db, 1)[-1][0]
        == "Alert firing again (alertmanager f00d0000000000a2): Disk full on db-2"
    )
    assert db["alerts"].count == 2 and db["alert_signals"].count == 4
    last_seen = {r["last_seen_at"] for r in db.query("SELECT last_seen_at FROM alerts")}
    assert last_seen == {"2026-11-23T09:05:00Z"}


def test_resolution_is_logged_and_the_incident_stays_open_by_default(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")
    clock.step(minutes=10)
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_resolved_db1.json")) == [
        "resolved alert on #1"
    ]
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_resolved_db2.json")) == [
        "resolved alert on #1"
    ]
    assert incident(db, 1)["status"] == "investigating"  # policy default: log only
    # the same resolution again (a group repeats its resolved alerts) is said once
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_resolved_db1.json")) == [
        "ignored: alertmanager f00d0000000000a1 is already resolved on #1"
    ]
    assert len(alert_rows(db, 1)) == 4 and db["alert_signals"].count == 4
    assert [r["resolved_at"] for r in db.query("SELECT resolved_at FROM alerts")] == [
        "2026-11-23T09:10:00Z"
    ] * 2


def test_the_incident_resolves_when_all_its_alerts_have_if_the_policy_says_so(
    db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    room = WarRoom(
        db,
        clock,
        Actor("Ana", "ana"),
        with_alerts_section(policy, "alerts:\n  resolve_incident: yes\n"),
    )
    ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")
    clock.step(minutes=10)
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_resolved_db1.json")) == [
        "resolved alert on #1"
    ]
    assert incident(db, 1)["status"] == "investigating"  # db-2 still fires
    clock.step(minutes=2)
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_resolved_db2.json")) == [
        "resolved alert on #1; #1 resolved"
    ]
    row = incident(db, 1)
    assert row["status"] == "resolved" and row["resolved_at"] == "2026-11-23T09:12:00Z"
    status_rows = list(db.query("SELECT text, author FROM timeline WHERE kind = 'status'"))
    assert [(r["text"], r["author"]) for r in status_rows] == [
        ("Status investigating → resolved (all its alerts resolved)", "warroom")
    ]


def test_an_alert_after_the_incident_resolved_opens_a_new_one(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")
    clock.step(minutes=10)
    room.set_status(1, "resolved")
    clock.step(minutes=10)
    # a late resolve is still logged on the resolved incident
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_resolved_db1.json")) == [
        "resolved alert on #1"
    ]
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")) == [
        "declared #2",
        "updated #2",
    ]
    assert incident(db, 1)["status"] == "resolved"
    assert incident(db, 2)["status"] == "investigating"


def test_signals_about_nothing_warroom_knows_are_ignored(
    room: WarRoom, db: sqlite_utils.Database
) -> None:
    assert said(ingest(room, "events-v2", FIXTURES / "events_v2_resolve.json")) == [
        "ignored: resolved events-v2 srv01/HTTP matches no incident"
    ]
    assert said(ingest(room, "opsgenie", FIXTURES / "opsgenie_escalate.json")) == [
        "ignored: Escalate for opsgenie 0c0ffee0-0000-4000-8000-000000000001, which matches"
        " no open incident (it does not open one)"
    ]
    assert said(ingest(room, "events-v2", FIXTURES / "events_v2_change.json")) == [
        "ignored: events-v2 change event (no event_action)"
    ]
    assert db["incidents"].count == 0 and db["alerts"].count == 0


def test_opsgenie_sequence(room: WarRoom, db: sqlite_utils.Database) -> None:
    assert said(ingest(room, "opsgenie", FIXTURES / "opsgenie_create.json")) == ["declared #1"]
    assert incident(db, 1)["severity"] == "P2"
    assert incident(db, 1)["detected_at"] == "2026-11-23T08:57:00Z"
    assert said(ingest(room, "opsgenie", FIXTURES / "opsgenie_escalate.json")) == ["updated #1"]
    assert said(ingest(room, "opsgenie", FIXTURES / "opsgenie_add_note.json")) == [
        "ignored: opsgenie AddNote is not an alert signal"
    ]
    assert said(ingest(room, "opsgenie", FIXTURES / "opsgenie_close.json")) == [
        "resolved alert on #1"
    ]


def test_pagerduty_and_events_v2_sequences(room: WarRoom, db: sqlite_utils.Database) -> None:
    assert said(ingest(room, "pagerduty", FIXTURES / "pagerduty_v3_triggered.json")) == [
        "declared #1"
    ]
    assert incident(db, 1)["title"] == "Checkout latency [p99 > 2s]"
    assert said(ingest(room, "pagerduty", FIXTURES / "pagerduty_v3_resolved.json")) == [
        "resolved alert on #1"
    ]
    assert said(ingest(room, "events-v2", FIXTURES / "events_v2_trigger.json")) == ["declared #2"]
    assert incident(db, 2)["detected_at"] == "2026-11-23T07:58:00Z"
    assert said(ingest(room, "events-v2", FIXTURES / "events_v2_resolve.json")) == [
        "resolved alert on #2"
    ]


def test_a_start_after_now_is_detected_at_the_declaration(
    room: WarRoom, db: sqlite_utils.Database
) -> None:
    body = {
        "alerts": [
            {
                "status": "firing",
                "fingerprint": "f",
                "startsAt": "2026-11-23T09:03:00Z",
                "labels": {"alertname": "Skewed"},
            }
        ]
    }
    text = json.dumps(body)
    assert said(room.ingest(parse_body("alertmanager", text, "b"), text)) == ["declared #1"]
    assert incident(db, 1)["detected_at"] == "2026-11-23T09:00:00Z"


def test_policy_rules_choose_severity_kind_and_title(
    db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    section = """alerts:
  severity: P3
  kind: performance
  rules:
    - match: {source: grafana, labels: {team: payments}}
      severity: P0
      kind: data
      title: "Payments: {title} on {label:team}"
"""
    room = WarRoom(db, clock, Actor("Ana", "ana"), with_alerts_section(policy, section))
    assert said(ingest(room, "grafana", FIXTURES / "grafana_legacy_alerting.json")) == [
        "declared #1"
    ]
    row = incident(db, 1)
    assert (row["severity"], row["kind"], row["title"]) == (
        "P0",
        "data",
        "Payments: Panel Title alert on payments",
    )
    ingest(room, "grafana", FIXTURES / "grafana_legacy_ok.json")
    body = (
        '{"ruleId": 8, "ruleName": "Other", "state": "alerting", "tags": {"severity": "nonsense"}}'
    )
    room.ingest(parse_body("grafana", body, "b"), body)
    other = incident(db, 2)
    assert (other["severity"], other["kind"], other["title"]) == ("P3", "performance", "Other")


def test_each_alert_is_its_own_transaction(
    room: WarRoom, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure on the second alert keeps the first one's incident."""
    from warroom.store import alert_writes

    real = alert_writes.insert_alert
    calls = []

    def fail_second(uow, incident_id, alert):  # type: ignore[no-untyped-def]
        calls.append(alert.key)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(uow, incident_id, alert)

    monkeypatch.setattr(alert_writes, "insert_alert", fail_second)
    with pytest.raises(RuntimeError):
        ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")
    assert db["alerts"].count == 1 and db["incidents"].count == 1
    assert len(alert_rows(db, 1)) == 1


@needs_real
def test_real_alertmanager_firing_then_resolved(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    am = REAL / "alertmanager"
    assert said(ingest(room, "alertmanager", am / "zulip_alert_firing_2alerts.json")) == [
        "declared #1",
        "updated #1",
    ]
    assert incident(db, 1)["detected_at"] == "2020-02-06T00:17:58Z"
    clock.step(minutes=3)
    assert said(ingest(room, "alertmanager", am / "zulip_single_alert_no_url.json")) == [
        "updated #1"
    ]
    assert said(ingest(room, "alertmanager", am / "zulip_single_alert_resolved.json")) == [
        "resolved alert on #1"
    ]
    statuses = dict(db.execute("SELECT key, status FROM alerts").fetchall())
    assert statuses == {"a1bc48475b20e73d": "resolved", "c2ea85182f28cbd9": "firing"}
    assert incident(db, 1)["status"] == "investigating"


@needs_real
def test_real_pagerduty_and_opsgenie_text_survives(
    room: WarRoom, db: sqlite_utils.Database
) -> None:
    ingest(room, "pagerduty", REAL / "pagerduty/zulip_pd_v2_webhook_incident_trigger_legacy.json")
    assert incident(db, 1)["title"] == "[#33] My new incident"
    assert alert_rows(db, 1) == [
        ("Alert firing (pagerduty PRORDTY): [#33] My new incident", "warroom")
    ]
    ingest(room, "pagerduty", REAL / "pagerduty/zulip_pd_v3_incident_escalated.json")
    assert incident(db, 2)["severity"] == "P1"  # its priority


def test_an_alert_that_fires_again_on_its_open_incident_is_firing_again(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")
    clock.step(minutes=10)
    ingest(room, "alertmanager", FIXTURES / "alertmanager_resolved_db1.json")
    clock.step(minutes=5)
    assert said(ingest(room, "alertmanager", FIXTURES / "alertmanager_firing.json")) == [
        "updated #1",
        "updated #1",
    ]
    row = next(db.query("SELECT status, resolved_at FROM alerts WHERE key = 'f00d0000000000a1'"))
    assert row == {"status": "firing", "resolved_at": None}
    assert alert_rows(db, 1)[-2][0] == (
        "Alert firing again (alertmanager f00d0000000000a1): [#33] Disk full on db-1 ℙƴ"
    )


def test_a_body_with_several_alerts_for_the_same_new_key_declares_once(
    room: WarRoom, db: sqlite_utils.Database
) -> None:
    messages = [
        {"event": "incident.trigger", "incident": {"id": "PZ", "summary": "Twice"}},
        {"event": "incident.trigger", "incident": {"id": "PZ", "summary": "Twice"}},
        {"event": "incident.resolve", "incident": {"id": "PZ", "summary": "Twice"}},
    ]
    text = json.dumps({"messages": messages})
    outcomes = room.ingest(parse_body("pagerduty", text, "b"), text)
    assert said(outcomes) == ["declared #1", "updated #1", "resolved alert on #1"]
    assert db["incidents"].count == 1
