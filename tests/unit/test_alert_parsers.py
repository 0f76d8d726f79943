"""Alert parsers: every real payload under ../shared/realdata reads (or is ignored with a
reason), our own fixtures from the documented shapes, exact times, and clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import SHARED
from warroom.domain.alerts import Alert, Ignored, parse_body
from warroom.domain.alerts.record import moment
from warroom.errors import InvalidInput

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
REAL = SHARED / "realdata"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")

# real file -> (source, [(status or "ignored", key), ...])
REAL_EXPECTED: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "alertmanager/zulip_alert_firing_2alerts.json": (
        "alertmanager",
        [("firing", "a1bc48475b20e73d"), ("firing", "c2ea85182f28cbd9")],
    ),
    "alertmanager/zulip_single_alert_no_url.json": (
        "alertmanager",
        [("firing", "a1bc48475b20e73d")],
    ),
    # status "resolved" while endsAt is still the Go zero time: the status decides
    "alertmanager/zulip_single_alert_resolved.json": (
        "alertmanager",
        [("resolved", "a1bc48475b20e73d")],
    ),
    # the group says firing; two of its three alerts have resolved
    "opsgenie_grafana/zulip_grafana_alert_9_mixed.json": (
        "grafana",
        [
            ("resolved", "aaafafe0953f0962"),
            ("resolved", "fb31814ac93dbe7d"),
            ("firing", "6f9cd313db421ef1"),
        ],
    ),
    "opsgenie_grafana/zulip_grafana_alert_values_v11.json": (
        "grafana",
        [("firing", "e6349a25f5ef0e9e")],
    ),
    "opsgenie_grafana/zulip_opsgenie_create.json": (
        "opsgenie",
        [("firing", "ec03dad6-62c8-4c94-b38b-d88f398e900f")],
    ),
    "opsgenie_grafana/zulip_opsgenie_close.json": (
        "opsgenie",
        [("resolved", "052652ac-5d1c-464a-812a-7dd18bbfba8c")],
    ),
    "opsgenie_grafana/zulip_opsgenie_escalate.json": (
        "opsgenie",
        [("firing", "7ba97e3a-d328-4b5e-8f9a-39e945a3869a")],
    ),
    "pagerduty/zulip_pd_v1_webhook_mp_fail_unicode.json": (
        "pagerduty",
        [("resolved", "PJKGZF9")],
    ),
    "pagerduty/zulip_pd_v2_webhook_incident_trigger_legacy.json": (
        "pagerduty",
        [("firing", "PRORDTY")],
    ),
    "pagerduty/zulip_pd_v3_incident_acknowledged.json": (
        "pagerduty",
        [("acknowledged", "PQ1K5C8")],
    ),
    "pagerduty/zulip_pd_v3_incident_annotated.json": ("pagerduty", [("ignored", "")]),
    # escalated while its status field still says "triggered"
    "pagerduty/zulip_pd_v3_incident_escalated.json": (
        "pagerduty",
        [("firing", "Q3B15VLMF3ASBD")],
    ),
    "pagerduty/zulip_pd_v3_incident_resolved.json": ("pagerduty", [("resolved", "PCPZE64")]),
    "pagerduty/zulip_pd_v3_incident_status_update_published.json": (
        "pagerduty",
        [("ignored", "")],
    ),
    "pagerduty/zulip_pd_v3_incident_triggered.json": ("pagerduty", [("firing", "PFQZPSY")]),
}


def _read(source: str, path: Path) -> list[Alert | Ignored]:
    return parse_body(source, path.read_text(encoding="utf-8"), path.name)


def _shape(signals: list[Alert | Ignored]) -> list[tuple[str, str]]:
    return [("ignored", "") if isinstance(s, Ignored) else (s.status, s.key) for s in signals]


@needs_real
def test_every_real_alert_payload_is_expected() -> None:
    """No real file is left out: a new one must be added to the table above."""
    found = {
        str(p.relative_to(REAL))
        for folder in ("alertmanager", "pagerduty", "opsgenie_grafana")
        for p in (REAL / folder).glob("*.json")
    }
    assert found == set(REAL_EXPECTED)


@needs_real
@pytest.mark.parametrize("name", sorted(REAL_EXPECTED))
def test_real_payload_parses(name: str) -> None:
    source, expected = REAL_EXPECTED[name]
    signals = _read(source, REAL / name)
    assert _shape(signals) == expected
    for signal in signals:
        if isinstance(signal, Ignored):
            assert signal.reason.startswith("ignored: ")
        else:
            assert signal.title.strip()
            assert signal.starts_at is None or signal.starts_at.tzinfo is not None


@needs_real
def test_real_text_survives_exactly() -> None:
    v2 = _read("pagerduty", REAL / "pagerduty/zulip_pd_v2_webhook_incident_trigger_legacy.json")
    assert isinstance(v2[0], Alert) and v2[0].title == "[#33] My new incident"
    v1 = _read("pagerduty", REAL / "pagerduty/zulip_pd_v1_webhook_mp_fail_unicode.json")
    assert isinstance(v1[0], Alert) and v1[0].title == "mp_error_block_down_critical\u2119\u01b4"
    mixed = _read("grafana", REAL / "opsgenie_grafana/zulip_grafana_alert_9_mixed.json")
    assert isinstance(mixed[2], Alert) and mixed[2].title == "Testing **another** failing alert"


@needs_real
def test_real_nanoseconds_parse_exactly() -> None:
    am = _read("alertmanager", REAL / "alertmanager/zulip_alert_firing_2alerts.json")
    assert isinstance(am[0], Alert)
    assert am[0].starts_at_ns == 1580948278432911368
    assert am[0].starts_at == dt.datetime(2020, 2, 6, 0, 17, 58, 432911, tzinfo=dt.UTC)
    body = json.loads((REAL / "opsgenie_grafana/zulip_opsgenie_create.json").read_text())
    # 19 digits: more than a float holds (2^53); read as an integer, exactly
    assert moment(body["alert"]["updatedAt"], "alert.updatedAt", "opsgenie")[1] == (
        1502709956288000110
    )


@needs_real
def test_real_priorities_and_services_become_labels() -> None:
    escalated = _read("pagerduty", REAL / "pagerduty/zulip_pd_v3_incident_escalated.json")[0]
    assert isinstance(escalated, Alert)
    assert escalated.severity_hint == "P1"
    assert escalated.labels["service"] == "Default Service"
    created = _read("opsgenie", REAL / "opsgenie_grafana/zulip_opsgenie_create.json")[0]
    assert isinstance(created, Alert) and created.severity_hint == "P3"  # sent as the number 3


# -- our own fixtures (always run) --------------------------------------------------------


def test_alertmanager_fixture() -> None:
    signals = _read("alertmanager", FIXTURES / "alertmanager_firing.json")
    first, second = signals
    assert isinstance(first, Alert) and isinstance(second, Alert)
    assert (first.key, second.key) == ("f00d0000000000a1", "f00d0000000000a2")
    assert first.group == second.group == '{}:{alertname="DiskFull"}'
    assert first.title == "[#33] Disk full on db-1 ℙƴ"
    assert first.severity_hint == "critical"
    assert first.labels["instance"] == "db-1"
    assert first.links == (("source", "http://prometheus.example:9090/graph?g0.expr=disk"),)
    assert second.links == (("alertmanager", "http://alertmanager.example:9093"),)
    assert first.starts_at_ns == 1795424310_123456789  # 2026-11-23T08:58:30 UTC


def test_alertmanager_alert_without_fingerprint_is_known_by_its_labels() -> None:
    body = {
        "groupKey": "g",
        "alerts": [{"status": "firing", "labels": {"alertname": "A", "x": "1"}}],
    }
    again = {
        "groupKey": "g",
        "alerts": [{"status": "resolved", "labels": {"x": "1", "alertname": "A"}}],
    }
    one = parse_body("alertmanager", json.dumps(body), "b")[0]
    two = parse_body("alertmanager", json.dumps(again), "b")[0]
    assert isinstance(one, Alert) and isinstance(two, Alert)
    assert one.key == two.key and one.key.startswith("labels:")
    assert one.title == "A"


def test_grafana_legacy_shapes() -> None:
    alerting = _read("grafana", FIXTURES / "grafana_legacy_alerting.json")[0]
    assert isinstance(alerting, Alert)
    assert (alerting.status, alerting.key, alerting.title) == (
        "firing",
        "rule:7",
        "Panel Title alert",
    )
    assert alerting.severity_hint == "warning" and alerting.labels["team"] == "payments"
    ok = _read("grafana", FIXTURES / "grafana_legacy_ok.json")[0]
    assert isinstance(ok, Alert) and (ok.status, ok.key) == ("resolved", "rule:7")
    paused = _read("grafana", FIXTURES / "grafana_legacy_paused.json")[0]
    assert isinstance(paused, Ignored) and "paused" in paused.reason
    test = parse_body("grafana", '{"ruleId": 0, "ruleName": "Test", "state": "alerting"}', "t")
    assert isinstance(test[0], Ignored) and "test notification" in test[0].reason
    unified = {
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "TestAlert", "instance": "Grafana"},
                "annotations": {"summary": "Notification test"},
                "fingerprint": "57c6d9296de2ad39",
            }
        ]
    }
    ignored = parse_body("grafana", json.dumps(unified), "t")[0]
    assert isinstance(ignored, Ignored) and "test notification (TestAlert)" in ignored.reason
    # the same from Alertmanager is somebody's real alert name
    real = parse_body("alertmanager", json.dumps(unified), "t")[0]
    assert isinstance(real, Alert)


def test_pagerduty_fixtures() -> None:
    fired = _read("pagerduty", FIXTURES / "pagerduty_v3_triggered.json")[0]
    assert isinstance(fired, Alert)
    assert fired.title == "Checkout latency [p99 > 2s]"
    assert fired.starts_at == dt.datetime(2026, 11, 23, 8, 56, tzinfo=dt.UTC)  # created_at
    assert fired.labels["service"] == "Payments" and fired.severity_hint == "P1"
    service = _read("pagerduty", FIXTURES / "pagerduty_v3_service_event.json")[0]
    assert isinstance(service, Ignored) and "service" in service.reason


def test_pagerduty_reassignment_updates_but_never_opens() -> None:
    body = {
        "messages": [
            {
                "event": "incident.assign",
                "incident": {"id": "PX", "status": "acknowledged", "summary": "s"},
            },
            {"event": "incident.delegate", "incident": {"id": "PX", "status": "triggered"}},
        ]
    }
    first, second = parse_body("pagerduty", json.dumps(body), "b")
    assert isinstance(first, Alert) and (first.status, first.opens) == ("acknowledged", False)
    assert isinstance(second, Alert) and (second.status, second.opens) == ("firing", False)
    v3 = {
        "event": {"event_type": "incident.reassigned", "data": {"id": "PY", "status": "triggered"}}
    }
    third = parse_body("pagerduty", json.dumps(v3), "b")[0]
    assert isinstance(third, Alert) and (third.status, third.opens) == ("firing", False)


def test_opsgenie_fixtures() -> None:
    created = _read("opsgenie", FIXTURES / "opsgenie_create.json")[0]
    assert isinstance(created, Alert) and created.opens
    assert created.labels["alias"] == "orders-queue" and created.labels["tag:orders"] == "true"
    escalate = _read("opsgenie", FIXTURES / "opsgenie_escalate.json")[0]
    assert isinstance(escalate, Alert) and not escalate.opens and escalate.status == "firing"
    note = _read("opsgenie", FIXTURES / "opsgenie_add_note.json")[0]
    assert (
        isinstance(note, Ignored)
        and note.reason == "ignored: opsgenie AddNote is not an alert signal"
    )


def test_events_v2_fixtures() -> None:
    trigger = _read("events-v2", FIXTURES / "events_v2_trigger.json")[0]
    assert isinstance(trigger, Alert)
    assert (trigger.key, trigger.status, trigger.severity_hint) == (
        "srv01/HTTP",
        "firing",
        "critical",
    )
    # +01:00 is an hour ahead of UTC
    assert trigger.starts_at == dt.datetime(2026, 11, 23, 7, 58, tzinfo=dt.UTC)
    assert trigger.links == (("Runbook", "https://example.com/runbook"),)
    assert trigger.labels["ping time"] == "1500" and trigger.labels["component"] == "mysql"
    resolve = _read("events-v2", FIXTURES / "events_v2_resolve.json")[0]
    assert isinstance(resolve, Alert) and (resolve.key, resolve.status) == (
        "srv01/HTTP",
        "resolved",
    )
    change = _read("events-v2", FIXTURES / "events_v2_change.json")[0]
    assert isinstance(change, Ignored) and "change event" in change.reason


def test_events_v2_trigger_without_dedup_key_repeats_to_the_same_key() -> None:
    body = {
        "event_action": "trigger",
        "routing_key": "r",
        "payload": {"summary": "s", "source": "x"},
    }
    one = parse_body("events-v2", json.dumps(body), "b")[0]
    two = parse_body("events-v2", json.dumps(body, indent=2), "b")[0]
    assert isinstance(one, Alert) and isinstance(two, Alert) and one.key == two.key


# -- times --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ns"),
    [
        ("2020-02-06T00:17:58.432911368Z", 1580948278432911368),
        ("2020-02-06T01:17:58.4+01:00", 1580948278400000000),
        ("2020-02-06T00:17:58Z", 1580948278000000000),
        ("2020-02-06 00:17:58", 1580948278000000000),  # no zone: UTC
        (1580948278, 1580948278000000000),
        (1580948278432, 1580948278432000000),
        (1580948278432911, 1580948278432911000),
        (1580948278432911368, 1580948278432911368),
        ("1580948278432911368", 1580948278432911368),
    ],
)
def test_times_parse_exactly(value: object, ns: int) -> None:
    at, exact = moment(value, "startsAt", "alertmanager")
    assert exact == ns
    assert at is not None and at.tzinfo is not None
    assert at == dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=ns // 1000)


@pytest.mark.parametrize("value", [None, "", 0, "0001-01-01T00:00:00Z"])
def test_unset_times_are_none(value: object) -> None:
    assert moment(value, "endsAt", "alertmanager") == (None, None)


# -- bad input: one line naming the field -------------------------------------------------


@pytest.mark.parametrize(
    ("source", "body", "message"),
    [
        ("alertmanager", "[]", "b: alertmanager: the body is not a JSON object (a list)"),
        ("alertmanager", "{}", "b: alertmanager: alerts is missing"),
        ("alertmanager", '{"alerts": {}}', "b: alertmanager: alerts is not a list (an object)"),
        ("alertmanager", '{"alerts": [3]}', "b: alertmanager: alerts[0] is not a JSON object"),
        (
            "alertmanager",
            '{"alerts": [{"status": "firing", "startsAt": "yesterday"}]}',
            "b: alertmanager: alerts[0].startsAt 'yesterday' is not a time",
        ),
        (
            "alertmanager",
            '{"alerts": [{"status": "maybe"}]}',
            "b: alertmanager: alerts[0].status 'maybe' is not firing or resolved",
        ),
        (
            "alertmanager",
            '{"alerts": [{"status": "firing", "labels": {"a": {"b": 1}}}]}',
            "b: alertmanager: alerts[0].labels.a is not a single value",
        ),
        ("pagerduty", '{"x": 1}', "b: pagerduty: event is missing"),
        (
            "pagerduty",
            '{"event": {"event_type": "incident.triggered"}}',
            "b: pagerduty: event.data is missing",
        ),
        (
            "pagerduty",
            '{"event": {"event_type": "incident.triggered", "data": {"type": "incident"}}}',
            "b: pagerduty: event.data.id is missing",
        ),
        ("opsgenie", '{"alert": {}}', "b: opsgenie: action is missing"),
        ("opsgenie", '{"action": "Create", "alert": {}}', "b: opsgenie: alert.alertId is missing"),
        ("events-v2", '{"event_action": "resolve"}', "b: events-v2: dedup_key is missing"),
        ("events-v2", '{"event_action": "explode"}', "b: events-v2: event_action 'explode'"),
        ("grafana", '{"title": "x"}', "b: grafana: alerts is missing, and so is state"),
        ("alertmanager", "not json", "b is not JSON (line 1"),
        ("alertmanager", "[" * 100 + "]" * 100, "b:1: JSON nested more than 64 levels deep"),
        ("alertmanager", '{"alerts": ["\\u0000"]}', "b: alerts[0] holds a NUL character"),
        ("sentry", "{}", "unknown alert source 'sentry'"),
    ],
)
def test_bad_bodies_say_which_field(source: str, body: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_body(source, body, "b")
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_time_far_in_the_future_is_refused() -> None:
    body = '{"alerts": [{"status": "firing", "startsAt": "9999-01-01T00:00:00Z"}]}'
    with pytest.raises(InvalidInput, match=r"alerts\[0\].startsAt .* is after 2200"):
        parse_body("alertmanager", body, "b")
