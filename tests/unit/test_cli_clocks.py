"""The clocks as `warroom show --json` reports them (issue 13), on the CLI's frozen
clock, under the two seed-written fixture policies; and the post-mortem, times and
report commands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from warroom.cli import cli
from warroom.clock import FrozenClock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"
T0 = dt.datetime(2026, 11, 23, 9, 0, 0, tzinfo=dt.UTC)
# (policy file, a severity with a cadence per audience, its ack target in seconds)
PLANS = pytest.mark.parametrize(
    ("policy_file", "severity", "ack_seconds"),
    [("seed003_p0_p3.yaml", "P0", 300), ("seed004_critical_low.yaml", "critical", 900)],
    ids=["P0-P3", "critical-low"],
)


@pytest.fixture
def run(db_path: Path, cli_clock: FrozenClock):
    runner = CliRunner()

    def invoke(policy_file: str, *args: str) -> Result:
        policy = str(FIXTURES / policy_file)
        base = ["--db", str(db_path), "--as", "Ana", "--tz", "UTC", "--policy", policy]
        return runner.invoke(cli, [*base, *args])

    return invoke


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def shown_timers(run: Any, policy_file: str) -> dict[str, dict[str, Any]]:
    body = json.loads(ok(run(policy_file, "show", "1", "--json")).stdout)
    return {t["name"]: t for t in body["timers"]}


@PLANS
def test_show_json_says_missed_and_by_how_much(
    run: Any, cli_clock: FrozenClock, policy_file: str, severity: str, ack_seconds: int
) -> None:
    ok(run(policy_file, "declare", "-s", severity, "-t", "Checkout down"))
    cli_clock.step(seconds=ack_seconds + 302)
    ack = shown_timers(run, policy_file)["ack"]
    assert (ack["state"], ack["shown"], ack["missed_by_seconds"]) == (
        "overdue",
        "OVERDUE 5m02s",
        None,
    )
    ok(run(policy_file, "ack", "1"))
    cli_clock.step(hours=1)  # stopped: it no longer ticks
    ack = shown_timers(run, policy_file)["ack"]
    assert (ack["state"], ack["shown"], ack["missed_by_seconds"]) == (
        "missed",
        "missed by 5m02s",
        302,
    )
    assert ack["remaining_seconds"] == -302
    assert ack["done_at"] == (T0 + dt.timedelta(seconds=ack_seconds + 302)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


@PLANS
def test_show_json_keeps_the_audiences_apart(
    run: Any, cli_clock: FrozenClock, policy_file: str, severity: str, ack_seconds: int
) -> None:
    ok(run(policy_file, "declare", "-s", severity, "-t", "Checkout down"))
    cli_clock.step(minutes=1)
    ok(run(policy_file, "post", "1", "-t", "internal-update", "--set", "eta=1h", "--force"))
    found = shown_timers(run, policy_file)
    assert found["update"]["audience"] == "internal"
    assert found["update"]["label"] == "Next internal update due"
    assert found["first_update"]["done_at"] is None  # not met by the internal post
    assert "external_update" not in found
    cli_clock.step(minutes=1)
    posted = ok(run(policy_file, "post", "1", "-t", "external-update", "--force"))
    assert "the first external update went out" in posted.stderr
    found = shown_timers(run, policy_file)
    assert found["first_update"]["state"] == "met"
    assert found["external_update"]["audience"] == "external"
    assert found["external_update"]["shown"].startswith("in ")


@PLANS
def test_a_post_after_resolving_leaves_the_miss_and_says_so(
    run: Any, cli_clock: FrozenClock, policy_file: str, severity: str, ack_seconds: int
) -> None:
    ok(run(policy_file, "declare", "-s", severity, "-t", "Checkout down"))
    cli_clock.step(hours=2)  # every update beat missed
    ok(run(policy_file, "status", "1", "resolved"))
    before = shown_timers(run, policy_file)["update"]
    assert before["state"] == "missed"
    cli_clock.step(minutes=3)
    posted = ok(
        run(policy_file, "post", "1", "-t", "internal-update", "--set", "eta=done", "--force")
    )
    assert "no update clock runs, so none restarted" in posted.stderr
    assert "timer restarted" not in posted.stderr
    after = shown_timers(run, policy_file)["update"]
    assert (after["state"], after["deadline"]) == ("missed", before["deadline"])


@PLANS
def test_the_postmortem_command_and_its_clock(
    run: Any, cli_clock: FrozenClock, policy_file: str, severity: str, ack_seconds: int
) -> None:
    ok(run(policy_file, "declare", "-s", severity, "-t", "Checkout down"))
    ok(run(policy_file, "postmortem", "1", "--owner", "Bo Lind"))
    refused = run(policy_file, "postmortem", "1", "--done")
    assert refused.exit_code == 1
    assert "not resolved yet" in refused.stderr and "Traceback" not in refused.output
    cli_clock.step(minutes=30)
    ok(run(policy_file, "status", "1", "resolved"))
    ok(run(policy_file, "status", "1", "closed"))
    assert shown_timers(run, policy_file)["postmortem"]["state"] == "ok"  # closed, not done
    cli_clock.step(hours=5)
    ok(run(policy_file, "postmortem", "1", "--done"))
    cli_clock.step(days=30)
    body = json.loads(ok(run(policy_file, "show", "1", "--json")).stdout)
    postmortem = {t["name"]: t for t in body["timers"]}["postmortem"]
    assert postmortem["state"] == "met"
    assert body["postmortem_owner"] == "Bo Lind"
    assert body["postmortem_done_at"] == "2026-11-23T14:30:00Z"
    kinds = [e["text"] for e in body["timeline"] if e["kind"] == "postmortem"]
    assert kinds == ["Post-mortem owner: Bo Lind", "Post-mortem marked done by Ana (on time)"]
    text = ok(run(policy_file, "show", "1")).stdout
    assert "post-mortem: owner Bo Lind · done 2026-11-23 14:30 UTC" in text


def test_times_and_a_report_of_drills_by_severity(run: Any, cli_clock: FrozenClock) -> None:
    plan = "seed004_critical_low.yaml"
    ok(run(plan, "declare", "-s", "critical", "-t", "Real outage", "--impact-start", "08:40"))
    ok(
        run(
            plan,
            "declare",
            "-s",
            "high",
            "-t",
            "Game day",
            "--drill",
            "--detected-at",
            "08:55",
            "--impact-start",
            "08:50",
        )
    )
    cli_clock.step(minutes=5)
    ok(run(plan, "ack", "2"))
    cli_clock.step(minutes=25)
    ok(run(plan, "times", "2", "--impact-end", "09:20"))
    ok(run(plan, "status", "2", "resolved"))
    bad = run(plan, "times", "2", "--impact-end", "soon")
    assert bad.exit_code == 1 and "--impact-end" in bad.stderr and "'soon'" in bad.stderr
    body = json.loads(ok(run(plan, "report", "--drills", "--json")).stdout)
    assert body["drills"] is True and body["incidents"] == 1 and body["real_excluded"] == 1
    took = body["time_to"]
    assert took["detect"]["by_severity"]["high"]["mean_seconds"] == 300  # 08:50 -> 08:55
    assert took["acknowledge"]["all"]["median_seconds"] == 600  # 08:55 -> 09:05
    assert took["resolve"]["all"]["p90_seconds"] == 2400  # 08:50 -> 09:30
    assert took["impact"]["all"]["mean_seconds"] == 1800  # 08:50 -> 09:20
    real = json.loads(ok(run(plan, "report", "--json")).stdout)
    assert real["incidents"] == 1 and real["drills_excluded"] == 1
    assert real["time_to"]["impact"]["all"]["count"] == 0  # its impact has not ended
    text = ok(run(plan, "report", "--drills")).stdout
    assert text.startswith("Drills declared from")
    assert "(1 real incident excluded)" in text.splitlines()[0]
    show = ok(run(plan, "show", "2")).stdout
    assert "customer impact: 30m (2026-11-23 08:50 UTC → 2026-11-23 09:20 UTC)" in show
