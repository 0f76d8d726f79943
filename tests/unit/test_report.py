"""`warroom report`: counts, time to acknowledge/resolve and SLA compliance, drills excluded."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.records import an_incident
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.domain import sla
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.domain.report import SLA_TIMERS, build_report, percentile
from warroom.domain.sla import IncidentHistory

T0 = dt.datetime(2026, 11, 23, 9, 0, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)


def incident(
    number: int,
    severity: str,
    declared: dt.timedelta,
    *,
    status: str = "investigating",
    acked: dt.timedelta | None = None,
    resolved: dt.timedelta | None = None,
    closed: dt.timedelta | None = None,
    last_update: dt.timedelta | None = None,
    drill: bool = False,
    postmortem_done: dt.timedelta | None = None,
) -> Incident:
    """An incident whose times are offsets from T0."""

    def at(offset: dt.timedelta | None) -> dt.datetime | None:
        return None if offset is None else T0 + offset

    return an_incident(
        number,
        T0 + declared,
        severity=severity,
        status=status,
        drill=drill,
        acknowledged_at=at(acked),
        resolved_at=at(resolved),
        closed_at=at(closed),
        last_update_at=at(last_update),
        postmortem_done_at=at(postmortem_done),
    )


# -- percentiles ---------------------------------------------------------------


def test_percentile_is_nearest_rank() -> None:
    ten = [n * M for n in (7, 1, 10, 3, 5, 2, 9, 4, 8, 6)]
    assert percentile(ten, 50) == 5 * M
    assert percentile(ten, 90) == 9 * M
    assert percentile(ten, 100) == 10 * M
    assert percentile([4 * M, 1 * M, 3 * M, 2 * M], 50) == 2 * M  # lower middle value
    assert percentile([1 * M, 2 * M, 3 * M, 4 * M], 90) == 4 * M
    assert percentile([7 * M], 90) == 7 * M
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="percentile 0 is not between 1 and 100"):
        percentile([M], 0)


# -- the domain report ---------------------------------------------------------


@pytest.fixture
def scenario() -> tuple[list[Incident], dict[int, IncidentHistory]]:
    """P1/P1/P2/P2 counted, one drill, one declared before the period (default policy)."""
    found = [
        # declared exactly at `since`; every SLA met, post-mortem still due
        incident(
            1, "P1", 0 * H, status="resolved", acked=5 * M, resolved=2 * H, last_update=110 * M
        ),
        # late everywhere, but its post-mortem done in time (closing alone is not that)
        incident(
            2,
            "P1",
            H,
            status="closed",
            acked=80 * M,
            resolved=6 * H,
            closed=7 * H,
            postmortem_done=7 * H,
        ),
        # still open: first update due exactly now (warning, not yet breached)
        incident(3, "P2", 9 * H, acked=570 * M),
        incident(4, "P2", 2 * H, status="cancelled", acked=130 * M),
        incident(5, "P0", 3 * H, status="resolved", acked=181 * M, resolved=210 * M, drill=True),
        incident(6, "P1", -24 * H, status="resolved", acked=-23 * H, resolved=-22 * H),
    ]
    histories = {1: IncidentHistory(first_update_at=T0 + 10 * M)}
    return found, histories


def test_report_counts_in_the_period_without_drills(scenario, policy: Policy) -> None:
    found, histories = scenario
    report = build_report(found, histories, policy, T0 + 10 * H, since=T0)
    assert (report.since, report.until) == (T0, T0 + 10 * H)
    assert report.incidents == 4
    assert report.drills_excluded == 1
    assert report.by_severity == (("P0", 0), ("P1", 2), ("P2", 2), ("P3", 0))
    assert dict(report.by_status) == {
        "investigating": 1,
        "identified": 0,
        "fixing": 0,
        "monitoring": 0,
        "resolved": 1,
        "closed": 1,
        "cancelled": 1,
    }


def test_time_to_ack_and_resolve(scenario, policy: Policy) -> None:
    found, histories = scenario
    report = build_report(found, histories, policy, T0 + 10 * H, since=T0)
    # acks after 5m, 20m, 30m and the cancelled one's 10m: nearest rank 2 and 4 of 4
    assert report.time_to_ack.count == 4
    assert report.time_to_ack.median == 10 * M
    assert report.time_to_ack.p90 == 30 * M
    # resolved after 2h and 5h; the cancelled and the open one have no resolution
    assert report.time_to_resolve.count == 2
    assert report.time_to_resolve.median == 2 * H
    assert report.time_to_resolve.p90 == 5 * H


def test_sla_compliance_per_timer(scenario, policy: Policy) -> None:
    found, histories = scenario
    report = build_report(found, histories, policy, T0 + 10 * H, since=T0)
    table = {c.timer: (c.met, c.breached, c.running) for c in report.sla}
    assert list(table) == list(SLA_TIMERS)  # no escalation: a ladder step is not an SLA
    assert table == {
        "ack": (2, 1, 0),
        "first_update": (1, 1, 1),
        "update": (1, 1, 1),
        "external_update": (0, 0, 0),  # the default policy has one cadence per severity
        "resolve": (1, 1, 1),
        "postmortem": (1, 0, 1),
    }
    shares = {c.timer: c.met_percent for c in report.sla}
    assert shares["ack"] == pytest.approx(200 / 3)
    assert shares["resolve"] == 50.0
    assert shares["postmortem"] == 100.0


def test_a_breach_on_the_record_counts_even_when_the_timer_reads_met_now(
    scenario, policy: Policy
) -> None:
    found, histories = scenario
    now = T0 + 10 * H
    before = build_report(found, histories, policy, now, since=T0)
    met_update = next(
        i.id
        for i in found
        if not i.drill
        and any(
            t.name == "update" and t.state == "met"
            for t in sla.timers(i, policy, now, histories.get(i.id))
        )
    )
    after = build_report(found, histories, policy, now, since=T0, breached={(met_update, "update")})
    old = next(c for c in before.sla if c.timer == "update")
    new = next(c for c in after.sla if c.timer == "update")
    assert (new.met, new.breached) == (old.met - 1, old.breached + 1)


def test_without_since_every_incident_up_to_now_counts(scenario, policy: Policy) -> None:
    found, histories = scenario
    report = build_report(found, histories, policy, T0 + 10 * H)
    assert report.since is None
    assert report.incidents == 5
    assert report.time_to_resolve.count == 3
    # an incident declared after `now` is outside the period
    early = build_report(found, histories, policy, T0 + 30 * M, since=T0)
    assert early.incidents == 1


def test_an_empty_period_has_no_times_and_no_shares(policy: Policy) -> None:
    report = build_report([], {}, policy, T0, since=T0 - 7 * 24 * H)
    assert report.incidents == 0 and report.drills_excluded == 0
    assert report.by_severity == (("P0", 0), ("P1", 0), ("P2", 0), ("P3", 0))
    assert report.time_to_ack.median is None and report.time_to_ack.p90 is None
    assert report.time_to_resolve.count == 0
    assert all(c.decided == 0 and c.met_percent is None for c in report.sla)


def test_a_severity_the_policy_does_not_know_is_listed_after_its_own(policy: Policy) -> None:
    report = build_report([incident(1, "SEV9", 0 * H)], {}, policy, T0 + H)
    assert report.by_severity[-1] == ("SEV9", 1)
    assert [name for name, _ in report.by_severity[:4]] == ["P0", "P1", "P2", "P3"]
    assert all(c.decided == 0 and c.running == 0 for c in report.sla)  # no timers at all


# -- the command -----------------------------------------------------------------


@pytest.fixture
def frozen(cli_clock: FrozenClock) -> FrozenClock:
    """The CLI's clock, standing at T0 until a test moves it."""
    assert cli_clock.now() == T0
    return cli_clock


@pytest.fixture
def run(db_path: Path, frozen: FrozenClock):
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        result = runner.invoke(cli, ["--db", str(db_path), "--as", "Ana", "--tz", "UTC", *args])
        return result

    return invoke


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def worked(run, frozen: FrozenClock) -> None:
    """#1 P1 handled in time, #2 a P0 drill, #3 P2 acknowledged late, #4 P3 cancelled."""
    _ok(run("declare", "-s", "P1", "-t", "API down"))
    frozen.step(minutes=5)
    _ok(run("ack", "1"))
    frozen.step(minutes=5)  # T0+10m
    _ok(run("post", "1", "-t", "internal-update", "--set", "eta=1h", "--force"))
    _ok(run("declare", "-s", "P0", "-t", "Game day", "--drill"))
    _ok(run("ack", "2"))
    frozen.step(minutes=10)  # T0+20m
    _ok(run("declare", "-s", "P2", "-t", "Search slow"))
    frozen.set(T0 + 110 * M)
    _ok(run("post", "1", "-t", "internal-update", "--set", "eta=10m", "--force"))
    frozen.set(T0 + 2 * H)
    _ok(run("status", "1", "resolved"))
    _ok(run("ack", "3"))  # 1h40m after declaration: the P2 ack target is 1h
    frozen.set(T0 + 3 * H)
    _ok(run("declare", "-s", "P3", "-t", "False alarm"))
    _ok(run("status", "4", "cancelled"))
    frozen.set(T0 + 5 * H)
    _ok(run("status", "3", "resolved"))  # 4h40m: inside the P2 day
    frozen.set(T0 + 6 * H)


def test_report_json_numbers(run, worked) -> None:
    body = json.loads(_ok(run("report", "--json")).stdout)
    assert body["since"] is None and body["until"] == "2026-11-23T15:00:00Z"
    assert body["incidents"] == 3 and body["drills_excluded"] == 1
    assert body["by_severity"] == {"P0": 0, "P1": 1, "P2": 1, "P3": 1}
    assert body["by_status"]["resolved"] == 2 and body["by_status"]["cancelled"] == 1
    # acks after 5m and 1h40m (the drill's instant ack and the cancelled P3 do not count)
    assert body["time_to_ack"] == {
        "count": 2,
        "median_seconds": 300,
        "p90_seconds": 6000,
        "mean_seconds": 3150,
    }
    assert body["time_to_resolve"] == {
        "count": 2,
        "median_seconds": 7200,
        "p90_seconds": 16800,
        "mean_seconds": 12000,
    }
    # by severity: #1 is the P1, #3 the P2 (the drill and the cancelled P3 are not here)
    assert body["time_to"]["acknowledge"]["by_severity"] == {
        "P1": {"count": 1, "median_seconds": 300, "p90_seconds": 300, "mean_seconds": 300},
        "P2": {"count": 1, "median_seconds": 6000, "p90_seconds": 6000, "mean_seconds": 6000},
    }
    assert body["time_to"]["impact"]["all"]["count"] == 0  # no impact start recorded
    assert body["drills"] is False and body["real_excluded"] == 0
    assert body["sla"] == {
        "ack": {
            "label": "Acknowledge by",
            "met": 1,
            "breached": 1,
            "running": 0,
            "met_percent": 50.0,
        },
        # issue 13: the internal posts of #1 no longer meet the external first-update clock
        "first_update": {
            "label": "First external update by",
            "met": 0,
            "breached": 2,
            "running": 0,
            "met_percent": 0.0,
        },
        "update": {  # #1 kept its last update but missed the one due at T0+40m
            "label": "Next update due",
            "met": 0,
            "breached": 2,
            "running": 0,
            "met_percent": 0.0,
        },
        "external_update": {
            "label": "Next customer update due",
            "met": 0,
            "breached": 0,
            "running": 0,
            "met_percent": None,
        },
        "resolve": {
            "label": "Resolve by",
            "met": 2,
            "breached": 0,
            "running": 0,
            "met_percent": 100.0,
        },
        "postmortem": {
            "label": "Post-mortem due",
            "met": 0,
            "breached": 0,
            "running": 2,
            "met_percent": None,
        },
    }


def test_report_text_is_a_readable_table(run, worked) -> None:
    lines = _ok(run("report")).stdout.splitlines()
    assert lines[0] == (
        "Incidents declared from the first incident to 2026-11-23 15:00 UTC: 3 (1 drill excluded)"
    )
    assert "  by severity  P0 0 · P1 1 · P2 1 · P3 1" in lines
    assert "  by status    resolved 2 · cancelled 1" in lines
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.startswith("  ")}
    # issue 13: the mean beside the median and p90, then a row per severity
    assert rows["acknowledge"] == ["all", "2", "52m", "5m", "1h", "40m"]
    assert rows["resolve"] == ["all", "2", "3h", "20m", "2h", "00m", "4h", "40m"]
    at = lines.index(next(line for line in lines if line.startswith("  acknowledge")))
    assert lines[at + 1].split() == ["P1", "1", "5m", "5m", "5m"]
    assert lines[at + 2].split() == ["P2", "1", "1h", "40m", "1h", "40m", "1h", "40m"]
    ack = next(line for line in lines if "Acknowledge by" in line)
    assert ack.split()[-4:] == ["1", "1", "0", "50%"]
    postmortem = next(line for line in lines if "Post-mortem due" in line)
    assert postmortem.split()[-4:] == ["0", "0", "2", "—"]


def test_since_is_local_midnight_and_relative_spans_count_back_from_now(
    run, frozen: FrozenClock
) -> None:
    _ok(run("declare", "-s", "P1", "-t", "before", "--declared-at", "2026-11-22T22:30:00Z"))
    _ok(run("declare", "-s", "P1", "-t", "after", "--declared-at", "2026-11-22T23:30:00Z"))
    # midnight of the 23rd in Berlin (CET, UTC+1) is 23:00 UTC on the 22nd
    berlin = _ok(run("--tz", "Europe/Berlin", "report", "--since", "2026-11-23", "--json"))
    body = json.loads(berlin.stdout)
    assert body["since"] == "2026-11-22T23:00:00Z" and body["incidents"] == 1
    utc = json.loads(_ok(run("report", "--since", "2026-11-23", "--json")).stdout)
    assert utc["since"] == "2026-11-23T00:00:00Z" and utc["incidents"] == 0
    week = json.loads(_ok(run("report", "--since", "7d", "--json")).stdout)
    assert week["since"] == "2026-11-16T09:00:00Z" and week["incidents"] == 2
    hours = json.loads(_ok(run("report", "--since", "10h", "--json")).stdout)
    assert hours["incidents"] == 1


@pytest.mark.parametrize("value", ["last week", "2026-13-01", "7x", "2999-01-01"])
def test_a_bad_since_is_one_line_naming_the_value(run, value: str) -> None:
    _ok(run("declare", "-s", "P1", "-t", "x"))
    result = run("report", "--since", value)
    assert result.exit_code == 1, result.output
    assert f"--since {value!r}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert result.stdout == ""
