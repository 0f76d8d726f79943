"""`warroom ingest`: each source through the CLI, from a file and from stdin, text and
--json; every real payload; bad bodies refused in one line with no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import SHARED
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.domain.alerts import MAX_BODY_BYTES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
REAL = SHARED / "realdata"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")


@pytest.fixture
def run(db_path: Path, cli_clock: FrozenClock):
    runner = CliRunner()

    def invoke(*args: str | Path, stdin: bytes | str | None = None) -> Result:
        return runner.invoke(
            cli, ["--db", str(db_path), "--as", "Ana", *map(str, args)], input=stdin
        )

    return invoke


def _ok(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def _refused(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize(
    ("source", "files", "said"),
    [
        (
            "alertmanager",
            ["alertmanager_firing.json", "alertmanager_resolved_db1.json"],
            ["declared #1", "updated #1", "resolved alert on #1"],
        ),
        (
            "grafana",
            [
                "grafana_legacy_alerting.json",
                "grafana_legacy_paused.json",
                "grafana_legacy_ok.json",
            ],
            [
                "declared #1",
                "ignored: grafana legacy alert in state 'paused', not an alert",
                "resolved alert on #1",
            ],
        ),
        (
            "pagerduty",
            [
                "pagerduty_v3_triggered.json",
                "pagerduty_v3_service_event.json",
                "pagerduty_v3_resolved.json",
            ],
            [
                "declared #1",
                "ignored: pagerduty service.updated is about a service",
                "resolved alert on #1",
            ],
        ),
        (
            "opsgenie",
            ["opsgenie_create.json", "opsgenie_escalate.json", "opsgenie_close.json"],
            ["declared #1", "updated #1", "resolved alert on #1"],
        ),
        (
            "events-v2",
            ["events_v2_trigger.json", "events_v2_change.json", "events_v2_resolve.json"],
            [
                "declared #1",
                "ignored: events-v2 change event (no event_action)",
                "resolved alert on #1",
            ],
        ),
    ],
)
def test_each_source_through_the_cli(run, source: str, files: list[str], said: list[str]) -> None:
    lines: list[str] = []
    for name in files:
        lines += _ok(run("ingest", source, FIXTURES / name))
    assert lines == said
    shown = run("show", "1", "--json")
    timeline = json.loads(shown.stdout)["timeline"]
    assert [e["kind"] for e in timeline].count("alert") == len(
        [s for s in said if "ignored" not in s]
    )


def test_stdin_and_json(run) -> None:
    body = (FIXTURES / "alertmanager_firing.json").read_bytes()
    result = run("ingest", "alertmanager", "-", "--json", stdin=body)
    assert json.loads(_ok(result)[0]) == [
        {
            "action": "declared",
            "source": "alertmanager",
            "key": "f00d0000000000a1",
            "item": "alerts[0]",
            "incident": 1,
            "incident_resolved": False,
            "reason": "",
            "said": "declared #1",
        },
        {
            "action": "updated",
            "source": "alertmanager",
            "key": "f00d0000000000a2",
            "item": "alerts[1]",
            "incident": 1,
            "incident_resolved": False,
            "reason": "",
            "said": "updated #1",
        },
    ]
    # no FILE means stdin too
    again = run("ingest", "alertmanager", stdin=body)
    assert _ok(again) == ["updated #1", "updated #1"]
    show = json.loads(run("show", "1", "--json").stdout)
    assert show["title"] == "[#33] Disk full on db-1 ℙƴ"
    assert show["detected_at"] == "2026-11-23T08:58:30Z"


@needs_real
@pytest.mark.parametrize(
    "path",
    sorted(
        p
        for d in ("alertmanager", "pagerduty", "opsgenie_grafana")
        for p in (REAL / d).glob("*.json")
    ),
    ids=lambda p: p.name,
)
def test_every_real_payload_ingests_or_is_ignored(run, path: Path) -> None:
    source = {"opsgenie": "opsgenie", "grafana": "grafana"}.get(
        path.name.split("_")[1], path.parent.name
    )
    lines = _ok(run("ingest", source, path))
    assert lines
    for line in lines:
        assert line.startswith(
            (
                "declared #",
                "updated #",
                "resolved alert on #",
                "acknowledged alert on #",
                "ignored: ",
            )
        )


@needs_real
def test_real_firing_then_resolved_through_the_cli(run) -> None:
    am = REAL / "alertmanager"
    assert _ok(run("ingest", "alertmanager", am / "zulip_alert_firing_2alerts.json")) == [
        "declared #1",
        "updated #1",
    ]
    assert _ok(run("ingest", "alertmanager", am / "zulip_single_alert_resolved.json")) == [
        "resolved alert on #1"
    ]
    assert json.loads(run("show", "1", "--json").stdout)["status"] == "investigating"


# -- bad input ----------------------------------------------------------------------------


def test_bad_bodies_are_refused_in_one_line(run, tmp_path: Path) -> None:
    cases = {
        "not-json.json": (b"<html>502</html>", "not-json.json is not JSON (line 1"),
        "wrong-shape.json": (
            b'{"hello": "world"}',
            "wrong-shape.json: alertmanager: alerts is missing",
        ),
        "list.json": (b"[1, 2]", "list.json: alertmanager: the body is not a JSON object"),
        "deep.json": (
            b'{"alerts": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "deep.json:1: JSON nested more than 64",
        ),
        "latin1.json": (b'{"alerts": "caf\xe9"}', "latin1.json:1: not UTF-8 text (byte 0xe9"),
        "nul.json": (b'{"alerts": []}\x00', "nul.json:1: a NUL byte at offset 14"),
        "bad-field.json": (
            b'{"alerts": [{"status": "firing", "startsAt": true}]}',
            "bad-field.json: alertmanager: alerts[0].startsAt is not a time (true/false)",
        ),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        line = _refused(run("ingest", "alertmanager", path))
        assert message in line, line


def test_a_huge_body_is_refused_without_reading_it_all(run, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b'{"alerts": [], "pad": "')
        handle.write(b"x" * (MAX_BODY_BYTES + 10))
        handle.write(b'"}')
    assert "huge.json: the file is larger than 4 MB" in _refused(
        run("ingest", "alertmanager", path)
    )
    stdin = _refused(run("ingest", "alertmanager", "-", stdin=path.read_bytes()))
    assert "<stdin>: the file is larger than 4 MB" in stdin


def test_missing_file_and_unknown_source(run, tmp_path: Path) -> None:
    assert "cannot read alert body" in _refused(
        run("ingest", "alertmanager", tmp_path / "nope.json")
    )
    unknown = run("ingest", "sentry", FIXTURES / "alertmanager_firing.json")
    assert unknown.exit_code == 2 and "'sentry' is not one of" in unknown.stderr


def test_a_bad_body_writes_nothing(run, db_path: Path, tmp_path: Path) -> None:
    _ok(run("ingest", "alertmanager", FIXTURES / "alertmanager_firing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"alerts": [{"status": "firing", "fingerprint": "z"}, {"status": "maybe"}]}')
    assert "alerts[1].status 'maybe'" in _refused(run("ingest", "alertmanager", bad))
    listed = json.loads(run("list", "--json").stdout)
    assert [i["id"] for i in listed] == [1]


def test_alerts_lists_an_incidents_alerts(run) -> None:
    _ok(run("ingest", "alertmanager", FIXTURES / "alertmanager_firing.json"))
    _ok(run("ingest", "alertmanager", FIXTURES / "alertmanager_resolved_db1.json"))
    lines = _ok(run("--tz", "UTC", "alerts", "1"))
    assert lines[:5] == [
        "resolved     alertmanager f00d0000000000a1",
        "  [#33] Disk full on db-1 ℙƴ",
        "  started 08:58:30 UTC · first heard 09:00:00 UTC · last heard 09:00:00 UTC"
        " · resolved 09:00:00 UTC · 2 signals",
        "  labels: alertname=DiskFull, severity=critical, instance=db-1",
        "  source: http://prometheus.example:9090/graph?g0.expr=disk",
    ]
    body = json.loads(_ok(run("alerts", "#1", "--json"))[0])
    assert [(a["key"], a["status"], a["signals"]) for a in body] == [
        ("f00d0000000000a1", "resolved", 2),
        ("f00d0000000000a2", "firing", 1),
    ]
    assert body[0]["starts_at_ns"] == 1795424310_123456789
    assert body[0]["links"] == [
        {"what": "source", "url": "http://prometheus.example:9090/graph?g0.expr=disk"}
    ]
    assert body[1]["resolved_at"] is None and body[0]["resolved_at"] == "2026-11-23T09:00:00Z"
    assert "no incident #9" in _refused(run("alerts", "9"))
    _ok(run("declare", "-s", "P2", "-t", "By hand"))
    assert _ok(run("alerts", "2")) == ["#2 has no alerts"]


def test_hostile_alert_text_is_kept_exactly_and_shown_visibly(run, tmp_path: Path) -> None:
    title = "[bold]CPU[/bold] \x1b]52;c;ZXZpbA==\x07 hot"
    body = {
        "alerts": [{"status": "firing", "fingerprint": "f1", "annotations": {"summary": title}}]
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(body))
    assert _ok(run("ingest", "alertmanager", path)) == ["declared #1"]
    shown = "\n".join(_ok(run("alerts", "1")))
    assert "\x1b" not in shown and "\x07" not in shown
    assert "[bold]CPU[/bold] ␛]52;c;ZXZpbA==␇ hot" in shown
    stored = json.loads(run("show", "1", "--json").stdout)
    assert stored["title"] == title
    assert [e["text"] for e in stored["timeline"] if e["kind"] == "alert"] == [
        f"Alert firing (alertmanager f1): {title}"
    ]
