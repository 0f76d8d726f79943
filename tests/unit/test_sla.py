"""SLA timers right to the second: deadlines, states, resolve, reopen, severity changes,
business hours and the countdown text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.models import Incident
from warroom.domain.policy import Policy, parse_policy
from warroom.domain.sla import (
    MET,
    MISSED,
    OK,
    OVERDUE,
    WARNING,
    IncidentHistory,
    SeverityChange,
    Timer,
    breaches,
    countdown,
    format_countdown,
    timers,
)
from warroom.loaders.policy import check_policy_file, load_policy

T0 = dt.datetime(2026, 11, 23, 9, 0, 0, tzinfo=dt.UTC)
SEC = dt.timedelta(seconds=1)
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"
SRC = Path(__file__).resolve().parents[2] / "src" / "warroom" / "domain"


def incident(**changes: Any) -> Incident:
    base = Incident(
        id=7, title="Checkout down", severity="P1", status="investigating", kind="availability",
        summary="", impact_users="", impact_services="", impact_business="", commander="Ana",
        drill=False, declared_at=T0, detected_at=None, acknowledged_at=None, mitigated_at=None,
        resolved_at=None, closed_at=None, last_update_at=None, escalation_level=0, channel="#c",
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def by_name(found: tuple[Timer, ...]) -> dict[str, Timer]:
    return {t.name: t for t in found}


@pytest.fixture
def policy() -> Policy:
    return load_policy()


def test_timers_come_in_display_order(policy: Policy) -> None:
    found = timers(incident(escalation_level=1), policy, T0 + MIN)
    assert [t.name for t in found] == ["ack", "first_update", "update", "resolve", "escalation"]
    assert [t.label for t in found][:2] == ["Acknowledge by", "First external update by"]


def test_p1_deadlines_from_the_seeds(policy: Policy) -> None:
    found = by_name(timers(incident(), policy, T0))
    assert found["ack"].deadline == T0 + 15 * MIN
    assert found["first_update"].deadline == T0 + 15 * MIN
    assert found["update"].deadline == T0 + 30 * MIN
    assert found["resolve"].deadline == T0 + 4 * HOUR
    assert "postmortem" not in found


def test_exactly_at_the_deadline_and_one_second_either_side(policy: Policy) -> None:
    deadline = T0 + 15 * MIN
    before = by_name(timers(incident(), policy, deadline - SEC))["ack"]
    at = by_name(timers(incident(), policy, deadline))["ack"]
    after = by_name(timers(incident(), policy, deadline + SEC))["ack"]
    assert (before.state, before.remaining, countdown(before)) == (WARNING, SEC, "in 1s")
    assert (at.state, at.remaining, countdown(at)) == (WARNING, dt.timedelta(0), "due now")
    assert (after.state, after.remaining, countdown(after)) == (OVERDUE, -SEC, "OVERDUE 1s")


def test_warning_starts_when_a_quarter_of_the_target_is_left(policy: Policy) -> None:
    # P1 resolve target 4h: warning from 1h before the deadline
    edge = T0 + 3 * HOUR
    assert by_name(timers(incident(), policy, edge - SEC))["resolve"].state == OK
    assert by_name(timers(incident(), policy, edge))["resolve"].state == WARNING


def test_acknowledging_meets_the_ack_timer_and_freezes_it(policy: Policy) -> None:
    acked = incident(acknowledged_at=T0 + 10 * MIN)
    ack = by_name(timers(acked, policy, T0 + 3 * HOUR))["ack"]
    assert (ack.state, ack.remaining, ack.done_at) == (MET, 5 * MIN, T0 + 10 * MIN)
    assert countdown(ack) == "met"
    on_the_second = incident(acknowledged_at=T0 + 15 * MIN)
    assert by_name(timers(on_the_second, policy, T0 + HOUR))["ack"].state == MET
    late = incident(acknowledged_at=T0 + 15 * MIN + SEC)
    missed = by_name(timers(late, policy, T0 + 3 * HOUR))["ack"]
    # acknowledged late: the clock stops and says by how much (issue 13: it read OVERDUE)
    assert (missed.state, missed.remaining, countdown(missed)) == (MISSED, -SEC, "missed by 1s")


def test_updates_repeat_from_the_last_posted_one(policy: Policy) -> None:
    posted = incident(last_update_at=T0 + 12 * MIN)
    found = by_name(timers(posted, policy, T0 + 25 * MIN))
    assert found["update"].deadline == T0 + 42 * MIN
    assert found["first_update"].state == MET  # taken from the last update when no history
    history = IncidentHistory(first_update_at=T0 + 16 * MIN)
    late_first = by_name(timers(posted, policy, T0 + 25 * MIN, history))["first_update"]
    assert (late_first.state, late_first.remaining) == (MISSED, -MIN)


def test_resolve_stops_ack_update_and_resolve_and_starts_the_postmortem(policy: Policy) -> None:
    resolved = incident(status="resolved", resolved_at=T0 + 2 * HOUR, last_update_at=T0 + 100 * MIN)
    found = by_name(timers(resolved, policy, T0 + 10 * HOUR))
    assert found["ack"].state == MISSED and found["ack"].done_at == T0 + 2 * HOUR
    assert found["ack"].remaining == 15 * MIN - 2 * HOUR  # frozen at the resolution
    assert found["update"].state == MET  # next one was due at 2h10m
    assert found["resolve"].state == MET and found["resolve"].remaining == 2 * HOUR
    assert found["postmortem"].deadline == T0 + 2 * HOUR + 48 * HOUR
    assert found["postmortem"].state == OK
    assert "escalation" not in found  # resolving stops the ladder
    # closing is not the post-mortem (issue 13): only marking it done meets its clock
    closed = dataclasses.replace(resolved, status="closed", closed_at=T0 + 30 * HOUR)
    assert by_name(timers(closed, policy, T0 + 100 * HOUR))["postmortem"].state == OVERDUE
    done = dataclasses.replace(closed, postmortem_done_at=T0 + 40 * HOUR)
    assert by_name(timers(done, policy, T0 + 100 * HOUR))["postmortem"].state == MET


def test_post_mortem_is_due_in_a_week_for_p2_and_p3(policy: Policy) -> None:
    p3 = incident(severity="P3", status="resolved", resolved_at=T0 + HOUR)
    due = by_name(timers(p3, policy, T0 + 2 * HOUR))["postmortem"]
    assert due.deadline == T0 + HOUR + dt.timedelta(weeks=1)


def test_breaches_name_each_missed_timer_and_its_deadline(policy: Policy) -> None:
    now = T0 + 31 * MIN
    found = breaches(incident(acknowledged_at=T0 + 3 * MIN), policy, now)
    assert [(b.timer, b.deadline) for b in found] == [
        ("first_update", T0 + 15 * MIN),
        ("update", T0 + 30 * MIN),
    ]
    assert breaches(incident(acknowledged_at=T0 + 3 * MIN), policy, T0 + 15 * MIN) == ()


def test_a_due_escalation_is_not_a_breach(policy: Policy) -> None:
    # On-call is due at declaration (level 0): the escalation timer is overdue, but
    # only the ack timer has been breached at 16 minutes.
    found = by_name(timers(incident(), policy, T0 + 16 * MIN))
    assert found["escalation"].state == OVERDUE
    assert [b.timer for b in breaches(incident(), policy, T0 + 16 * MIN)] == ["ack", "first_update"]


def test_next_escalation_names_who_comes_next(policy: Policy) -> None:
    engaged_on_call = incident(escalation_level=1)
    step = by_name(timers(engaged_on_call, policy, T0 + 5 * MIN))["escalation"]
    assert step.deadline == T0 + 15 * MIN
    assert step.detail == "nobody holds Tech lead"  # never "escalated to nobody" (issue 13)
    named = timers(engaged_on_call, policy, T0 + 5 * MIN, assigned={"tech-lead": "Chen Wei"})
    assert by_name(named)["escalation"].detail == "Chen Wei"
    acked = incident(escalation_level=1, acknowledged_at=T0 + 5 * MIN)
    cto = by_name(timers(acked, policy, T0 + 6 * MIN))["escalation"]
    assert (cto.deadline, cto.detail) == (T0 + 2 * HOUR, "Eve Adams")


# -- severity changes --------------------------------------------------------------


def test_upgrade_gives_the_new_shorter_window_from_the_change(policy: Policy) -> None:
    history = IncidentHistory(severity_changes=(SeverityChange(T0 + 30 * MIN, "P2", "P0"),))
    p0 = incident(severity="P0")
    found = by_name(timers(p0, policy, T0 + 31 * MIN, history))
    assert found["ack"].deadline == T0 + 35 * MIN  # 5m from the upgrade
    assert found["ack"].severity == "P0"
    assert found["resolve"].deadline == T0 + 90 * MIN  # 1h from the upgrade
    assert found["update"].deadline == T0 + 45 * MIN  # P0 cadence, from the upgrade


def test_upgrade_never_pushes_a_deadline_later(policy: Policy) -> None:
    # P2 -> P1 at 50 minutes: P2's ack was due at 60m, P1's window from the change
    # would end at 65m, so the old deadline stands.
    history = IncidentHistory(severity_changes=(SeverityChange(T0 + 50 * MIN, "P2", "P1"),))
    found = by_name(timers(incident(severity="P1"), policy, T0 + 51 * MIN, history))
    assert found["ack"].deadline == T0 + HOUR
    assert found["resolve"].deadline == T0 + 50 * MIN + 4 * HOUR


def test_downgrade_counts_the_new_target_from_declaration(policy: Policy) -> None:
    history = IncidentHistory(severity_changes=(SeverityChange(T0 + 10 * MIN, "P0", "P2"),))
    p2 = incident(severity="P2")
    found = by_name(timers(p2, policy, T0 + 11 * MIN, history))
    assert found["ack"].deadline == T0 + HOUR  # was overdue as a P0; lifted
    assert found["ack"].state == OK
    assert found["resolve"].deadline == T0 + 24 * HOUR


def test_severity_change_after_a_timer_stopped_leaves_it_alone(policy: Policy) -> None:
    history = IncidentHistory(severity_changes=(SeverityChange(T0 + 20 * MIN, "P1", "P0"),))
    acked = incident(severity="P0", acknowledged_at=T0 + 10 * MIN)
    ack = by_name(timers(acked, policy, T0 + 30 * MIN, history))["ack"]
    assert (ack.deadline, ack.state, ack.severity) == (T0 + 15 * MIN, MET, "P1")


def test_two_changes_apply_in_order(policy: Policy) -> None:
    changes = (
        SeverityChange(T0 + 2 * HOUR, "P3", "P1"),  # resolve: min(1w, 2h + 4h) = 6h
        SeverityChange(T0 + 3 * HOUR, "P1", "P0"),  # resolve: min(6h, 3h + 1h) = 4h
    )
    found = by_name(
        timers(incident(severity="P0"), policy, T0 + 3 * HOUR, IncidentHistory(changes))
    )
    assert found["resolve"].deadline == T0 + 4 * HOUR


# -- reopen ------------------------------------------------------------------------


def test_reopen_resumes_with_the_time_that_was_left(policy: Policy) -> None:
    # P0 resolved at 50m (10 minutes to spare), reopened at 3h: 10 minutes left.
    history = IncidentHistory(reopened=((T0 + 50 * MIN, T0 + 3 * HOUR),))
    reopened = incident(severity="P0", acknowledged_at=T0 + 2 * MIN, last_update_at=T0 + 40 * MIN)
    found = by_name(timers(reopened, policy, T0 + 3 * HOUR, history))
    assert found["resolve"].deadline == T0 + 3 * HOUR + 10 * MIN
    assert found["resolve"].state == WARNING  # 10 of 60 minutes left: inside the last quarter
    assert found["update"].deadline == T0 + 3 * HOUR + 5 * MIN  # 5 of 15 minutes were left
    assert found["ack"].state == MET
    assert "postmortem" not in found


def test_reopen_after_a_late_resolution_is_still_late(policy: Policy) -> None:
    history = IncidentHistory(reopened=((T0 + 70 * MIN, T0 + 2 * HOUR),))
    found = by_name(timers(incident(severity="P0"), policy, T0 + 2 * HOUR, history))
    assert found["resolve"].deadline == T0 + HOUR
    assert found["resolve"].state == OVERDUE
    assert ("resolve", T0 + HOUR) in [
        (b.timer, b.deadline)
        for b in breaches(incident(severity="P0"), policy, T0 + 2 * HOUR, history)
    ]


def test_cancelled_incidents_and_unknown_severities_have_no_timers(policy: Policy) -> None:
    assert timers(incident(status="cancelled"), policy, T0 + HOUR) == ()
    sev5 = check_policy_file(FIXTURES / "sev5.yaml")
    assert timers(incident(severity="P1"), sev5, T0 + HOUR) == ()


# -- other policies ----------------------------------------------------------------


def test_a_sev1_to_sev5_policy_drives_the_timers() -> None:
    sev5 = check_policy_file(FIXTURES / "sev5.yaml")
    found = by_name(timers(incident(severity="SEV1"), sev5, T0 + MIN))
    assert found["ack"].deadline == T0 + 5 * MIN
    assert found["first_update"].deadline == T0 + 10 * MIN
    assert found["resolve"].deadline == T0 + 2 * HOUR
    # warn_before: 5m (a fixed lead) for SEV1, 20% for SEV3
    assert found["resolve"].state == OK
    assert (
        by_name(timers(incident(severity="SEV1"), sev5, T0 + 115 * MIN))["resolve"].state == WARNING
    )
    sev3 = incident(severity="SEV3")
    assert by_name(timers(sev3, sev5, T0 + 47 * MIN + 59 * SEC))["ack"].state == OK
    assert by_name(timers(sev3, sev5, T0 + 48 * MIN))["ack"].state == WARNING
    resolved = incident(severity="SEV1", status="resolved", resolved_at=T0 + HOUR)
    assert by_name(timers(resolved, sev5, T0 + 2 * HOUR))["postmortem"].deadline == T0 + 49 * HOUR


def test_business_hours_severity_counts_working_time_only() -> None:
    sev5 = check_policy_file(FIXTURES / "sev5.yaml")
    # SEV4 declared Friday 2026-11-20 16:00 New York (office 08:00-18:00, Mon-Fri):
    # ack 4h = 2h on Friday + 2h on Monday -> Monday 10:00 New York.
    friday = dt.datetime(2026, 11, 20, 16, 0, tzinfo=NEW_YORK).astimezone(dt.UTC)
    sev4 = incident(severity="SEV4", declared_at=friday)
    saturday = friday + dt.timedelta(days=1)
    ack = by_name(timers(sev4, sev5, saturday))["ack"]
    assert ack.deadline == dt.datetime(2026, 11, 23, 10, 0, tzinfo=NEW_YORK)
    assert ack.business_hours
    assert ack.remaining == ack.deadline - saturday  # wall-clock time to the deadline
    assert ack.state == OK  # two working hours left of four; the weekend does not count
    # the policy warns 5 minutes ahead
    monday_0955 = dt.datetime(2026, 11, 23, 9, 55, tzinfo=NEW_YORK)
    assert by_name(timers(sev4, sev5, monday_0955 - SEC))["ack"].state == OK
    assert by_name(timers(sev4, sev5, monday_0955))["ack"].state == WARNING
    # resolve 1w = five business days of ten hours; Thanksgiving (26th) is off:
    # Fri 2h + Mon-Wed 30h + Fri 27th 10h + Mon 30th 8h -> Mon 30th 16:00
    resolve = by_name(timers(sev4, sev5, saturday))["resolve"]
    assert resolve.deadline == dt.datetime(2026, 11, 30, 16, 0, tzinfo=NEW_YORK)


def test_a_share_threshold_on_a_business_clock_counts_working_time() -> None:
    text = (
        "warn_before: 25%\n"
        "business_hours: {zone: America/New_York, days: mon-fri, hours: 08:00-18:00}\n"
        "severities:\n"
        "  SEV4: {ack: 1d, update_every: 1w, resolve_within: 2w, business_hours: yes}\n"
    )
    policy = parse_policy(text, "office.yaml")
    monday = dt.datetime(2026, 11, 23, 8, 0, tzinfo=NEW_YORK)
    sev4 = incident(severity="SEV4", declared_at=monday.astimezone(dt.UTC))
    # 1d is one business day (10 working hours); a quarter of it is 2h30m
    ack_at = dt.datetime(2026, 11, 23, 18, 0, tzinfo=NEW_YORK)
    assert by_name(timers(sev4, policy, monday))["ack"].deadline == ack_at
    warn_at = ack_at - dt.timedelta(hours=2, minutes=30)
    assert by_name(timers(sev4, policy, warn_at - SEC))["ack"].state == OK
    assert by_name(timers(sev4, policy, warn_at))["ack"].state == WARNING


def test_a_24_7_deadline_is_exact_across_the_dst_change() -> None:
    policy = load_policy()
    night = dt.datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN).astimezone(dt.UTC)  # CET
    resolve = by_name(timers(incident(severity="P0", declared_at=night), policy, night))["resolve"]
    assert resolve.deadline - night == HOUR
    assert resolve.deadline.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"
    autumn = dt.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=0).astimezone(dt.UTC)  # CEST
    late = by_name(timers(incident(severity="P0", declared_at=autumn), policy, autumn))["resolve"]
    assert late.deadline.astimezone(BERLIN).strftime("%H:%M %Z") == "02:30 CET"


def test_a_policy_warning_threshold_as_a_fixed_lead() -> None:
    text = (
        "warn_before: 2m\nseverities:\n  SEV1: {ack: 10m, update_every: 30m, resolve_within: 2h}\n"
    )
    policy = parse_policy(text, "lead.yaml")
    sev1 = incident(severity="SEV1")
    assert by_name(timers(sev1, policy, T0 + 8 * MIN - SEC))["ack"].state == OK
    assert by_name(timers(sev1, policy, T0 + 8 * MIN))["ack"].state == WARNING


# -- countdown text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("remaining", "text"),
    [
        # issue 13: a countdown never looks like a clock time (was 04:12, 1:04:12, ...)
        (dt.timedelta(minutes=4, seconds=12), "in 4m12s"),
        (dt.timedelta(hours=1, minutes=4, seconds=12), "in 1h04m"),
        (dt.timedelta(days=2, hours=3, minutes=59), "in 2d 03h"),
        (-dt.timedelta(minutes=4, seconds=12), "OVERDUE 4m12s"),
        (-dt.timedelta(days=2, hours=3), "OVERDUE 2d 03h"),
        (dt.timedelta(0), "due now"),
        (dt.timedelta(minutes=59, seconds=59), "in 59m59s"),
        (dt.timedelta(hours=1), "in 1h00m"),
        (dt.timedelta(hours=23, minutes=59, seconds=59), "in 23h59m"),
        (dt.timedelta(days=1), "in 1d 00h"),
        (dt.timedelta(milliseconds=300), "in 1s"),
        (-dt.timedelta(milliseconds=300), "OVERDUE 1s"),
    ],
)
def test_countdown_text(remaining: dt.timedelta, text: str) -> None:
    assert format_countdown(remaining) == text


# -- purity ------------------------------------------------------------------------


def test_domain_timers_import_neither_textual_nor_sqlite() -> None:
    code = (
        "import sys\n"
        "import warroom.domain.sla, warroom.domain.escalation, warroom.domain.rota\n"
        "import warroom.domain.business_hours, warroom.domain.policy\n"
        "bad = [m for m in ('textual', 'sqlite3', 'sqlite_utils') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("module", ["sla", "escalation", "rota", "business_hours", "policy"])
def test_no_module_reads_the_wall_clock(module: str) -> None:
    source = (SRC / f"{module}.py").read_text()
    for call in ("datetime.now(", "dt.datetime.now(", "date.today(", "time.time("):
        assert call not in source
