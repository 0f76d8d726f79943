"""Issue 13's clock rules, each on a frozen and stepped clock, under two policies
written from different seeds: P0-P3 (seed 003) and critical...low with business
hours (seed 004). Everything goes through the service (the one door for writes)
and the read model (what the CLI and the console read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlite_utils

from warroom.clock import FrozenClock
from warroom.domain import sla
from warroom.domain.incident_record import customer_impact, response_times
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.errors import InvalidInput
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"
T0 = dt.datetime(2026, 11, 23, 9, 0, 0, tzinfo=dt.UTC)  # a Monday; London is on UTC
SEC = dt.timedelta(seconds=1)
MIN = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Plan:
    """A team's policy and the severities these tests use from it."""

    file: str
    split: str  # a cadence per audience
    internal: dt.timedelta
    external: dt.timedelta
    ack: dt.timedelta  # of `split`
    first_update: dt.timedelta  # of `split`
    single: str  # one cadence for both audiences
    single_every: dt.timedelta

    def policy(self) -> Policy:
        return load_policy(FIXTURES / self.file)


SEED003 = Plan(
    "seed003_p0_p3.yaml",
    split="P0",
    internal=15 * MIN,
    external=30 * MIN,
    ack=5 * MIN,
    first_update=15 * MIN,
    single="P2",
    single_every=dt.timedelta(hours=2),
)
SEED004 = Plan(
    "seed004_critical_low.yaml",
    split="critical",
    internal=30 * MIN,
    external=60 * MIN,
    ack=15 * MIN,
    first_update=30 * MIN,
    single="high",
    single_every=dt.timedelta(hours=1),
)
PLANS = pytest.mark.parametrize("plan", [SEED003, SEED004], ids=["P0-P3", "critical-low"])


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


def make_room(db: sqlite_utils.Database, clock: FrozenClock, plan: Plan) -> WarRoom:
    return WarRoom(db, clock, Actor("Ana", "ana"), plan.policy())


def timers(room: WarRoom, incident_id: int) -> dict[str, sla.Timer]:
    view = read_model.incident_view(room.db, incident_id)
    return {t.name: t for t in view.timers(room.policy, room.clock.now())}


def timeline_texts(room: WarRoom, incident_id: int, kind: str) -> list[str]:
    return [e.text for e in read_model.timeline(room.db, incident_id) if e.kind == kind]


# -- a cadence per audience -------------------------------------------------------------


@PLANS
def test_an_internal_post_meets_only_the_internal_clock(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    clock.step(minutes=2)
    posted = room.post_update(number, "Investigating.", audience="internal")
    assert "internal update clock restarted" in posted.effect
    found = timers(room, number)
    assert found["update"].label == "Next internal update due"
    assert found["update"].deadline == T0 + 2 * MIN + plan.internal
    assert found["first_update"].done_at is None  # an internal post is not the customers'
    assert "external_update" not in found  # no customer clock before the first one went out
    clock.set(T0 + plan.first_update + SEC)
    assert timers(room, number)["first_update"].state == sla.OVERDUE
    posted = room.post_update(number, "We are investigating.", audience="external")
    assert "the first external update went out" in posted.effect
    found = timers(room, number)
    first = found["first_update"]
    assert (first.state, first.remaining, sla.countdown(first)) == (
        sla.MISSED,
        -SEC,
        "missed by 1s",
    )
    assert found["external_update"].deadline == T0 + plan.first_update + SEC + plan.external
    assert found["external_update"].label == "Next customer update due"
    assert found["update"].deadline == T0 + 2 * MIN + plan.internal  # untouched by it


@PLANS
def test_a_customer_post_leaves_the_internal_clock_running(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    room.acknowledge(number)
    clock.step(minutes=1)
    room.post_update(number, "We are investigating.", audience="external")
    clock.set(T0 + plan.internal + SEC)
    found = timers(room, number)
    assert found["first_update"].state == sla.MET
    assert found["update"].state == sla.OVERDUE  # the team still waits for its update
    assert found["external_update"].state in (sla.OK, sla.WARNING)
    room.sweep()
    breached = [e.data["timer"] for e in read_model.timeline(room.db, number)
                if e.kind == "sla_breach"]  # fmt: skip
    assert breached == ["update"]


@PLANS
def test_one_cadence_is_one_clock_for_both_audiences(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare("Search slow", plan.single)
    clock.step(minutes=10)
    room.post_update(number, "Looking.", audience="internal")
    found = timers(room, number)
    assert found["update"].label == "Next update due"
    assert found["update"].deadline == T0 + 10 * MIN + plan.single_every
    assert "external_update" not in found
    assert found["first_update"].done_at is None  # still only an external post meets it
    clock.step(minutes=10)
    room.post_update(number, "Search is slow; we are on it.", audience="external")
    found = timers(room, number)
    assert found["update"].deadline == T0 + 20 * MIN + plan.single_every
    assert found["first_update"].state == sla.MET


# -- stopped late: missed, by how much, and no longer ticking ---------------------------


@PLANS
def test_acknowledged_late_is_missed_by_how_much_and_stops(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    clock.set(T0 + plan.ack + 65 * SEC)
    assert sla.countdown(timers(room, number)["ack"]) == "OVERDUE 1m05s"
    room.acknowledge(number)
    for _ in range(3):
        ack = timers(room, number)["ack"]
        assert (ack.state, ack.remaining, ack.done_at) == (
            sla.MISSED,
            -65 * SEC,
            T0 + plan.ack + 65 * SEC,
        )
        assert sla.countdown(ack) == "missed by 1m05s"
        clock.step(minutes=20)
    room.sweep()  # the miss is a breach, recorded once, at the deadline
    room.sweep()
    rows = [e for e in read_model.timeline(room.db, number) if e.kind == "sla_breach"]
    assert [(e.data["timer"], e.at) for e in rows if e.data["timer"] == "ack"] == [
        ("ack", T0 + plan.ack)
    ]


def test_a_business_hours_ack_is_missed_by_working_time(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = make_room(db, clock, SEED004)
    friday = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)  # 16:00 London
    clock.set(friday)
    number = room.declare("Export slow", "medium")  # ack within 2 working hours
    clock.set(friday + dt.timedelta(days=1))  # Saturday: the clock does not run
    ack = timers(room, number)["ack"]
    assert ack.deadline == dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)  # Monday 10:00
    assert ack.state == sla.OK and ack.business_hours
    clock.set(dt.datetime(2026, 11, 30, 10, 5, tzinfo=dt.UTC))
    room.acknowledge(number)
    clock.step(hours=3)
    ack = timers(room, number)["ack"]
    assert (ack.state, sla.countdown(ack)) == (sla.MISSED, "missed by 5m00s")


@PLANS
def test_posting_after_resolving_keeps_a_missed_update_missed(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    room.acknowledge(number)
    clock.step(minutes=1)
    room.post_update(number, "We are investigating.", audience="external")
    due = T0 + plan.internal  # no internal update was posted: due from the declaration
    clock.set(due + 5 * MIN)
    room.set_status(number, "resolved")
    missed = timers(room, number)["update"]
    assert (missed.state, missed.deadline, missed.remaining) == (sla.MISSED, due, -5 * MIN)
    clock.step(minutes=2)
    for audience in ("internal", "external"):
        posted = room.post_update(number, "Resolved: all good.", audience=audience)
        assert posted.effect == "the incident is resolved: no update clock runs, so none restarted"
        after = timers(room, number)
        assert (after["update"].state, after["update"].deadline) == (sla.MISSED, due)
        assert after["external_update"].deadline == T0 + MIN + plan.external  # as it was
    rows = timeline_texts(room, number, "update_posted")
    assert rows[-1] == "External update posted: Resolved: all good."


# -- the post-mortem is its own step -----------------------------------------------------


@PLANS
def test_the_post_mortem_clock_is_met_when_done_not_when_closed(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    room.postmortem(number, owner="Bo Lind")  # named at any time, before resolving too
    with pytest.raises(InvalidInput, match="not resolved yet"):
        room.postmortem(number, done=True)
    clock.step(minutes=30)
    room.set_status(number, "resolved")
    clock.step(seconds=20)
    room.set_status(number, "closed")  # 20 s after resolving: that is not a post-mortem
    pm = timers(room, number)["postmortem"]
    assert pm.state == sla.OK and pm.done_at is None
    due = T0 + 30 * MIN + plan.policy().severity(plan.split).postmortem_due
    assert pm.deadline == due
    clock.set(due - dt.timedelta(hours=1))
    room.postmortem(number, done=True)
    for _ in range(2):
        pm = timers(room, number)["postmortem"]
        assert (pm.state, pm.done_at) == (sla.MET, due - dt.timedelta(hours=1))
        clock.step(days=10)
    assert timeline_texts(room, number, "postmortem") == [
        "Post-mortem owner: Bo Lind",
        "Post-mortem marked done by Ana (on time)",
    ]
    with pytest.raises(InvalidInput, match="already marked done"):
        room.postmortem(number, done=True)
    incident = read_model.incident(room.db, number)
    assert incident.postmortem_owner == "Bo Lind" and incident.closed_at is not None


@PLANS
def test_a_late_post_mortem_is_missed_and_says_so(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    room.set_status(number, "resolved")
    due = T0 + plan.policy().severity(plan.split).postmortem_due
    clock.set(due + 90 * MIN)
    room.postmortem(number, owner="Cy", done=True)  # both at once: a row for each
    pm = timers(room, number)["postmortem"]
    assert (pm.state, sla.countdown(pm)) == (sla.MISSED, "missed by 1h30m")
    texts = timeline_texts(room, number, "postmortem")
    assert texts[0] == "Post-mortem owner: Cy"
    assert texts[1].startswith("Post-mortem marked done by Ana (due ")
    assert texts[1].endswith("; missed by 1h30m)")


@PLANS
def test_reopening_clears_post_mortem_done(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    """A post-mortem written before the incident came back cannot cover what happened
    since: reopening clears "done" (the timeline says so, and when it had been done),
    and the clock runs again from the next resolution."""
    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    room.set_status(number, "resolved")
    clock.step(hours=1)
    room.postmortem(number, owner="Cy", done=True)
    done_at = clock.now()
    assert timers(room, number)["postmortem"].state == sla.MET
    clock.step(hours=1)
    room.set_status(number, "fixing")  # the fix did not hold
    incident = read_model.incident(room.db, number)
    assert incident.postmortem_done_at is None and incident.postmortem_owner == "Cy"
    reopened = [e for e in read_model.timeline(room.db, number) if e.kind == "status"][-1]
    assert reopened.text == "Status resolved → fixing. The post-mortem is no longer marked done"
    assert reopened.data["postmortem_undone"] == done_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    clock.step(hours=1)
    room.set_status(number, "resolved")
    pm = timers(room, number)["postmortem"]
    assert (pm.state, pm.done_at) == (sla.OK, None)
    assert pm.deadline == clock.now() + plan.policy().severity(plan.split).postmortem_due
    room.postmortem(number, done=True)  # done again, for the incident as it ended
    assert timers(room, number)["postmortem"].state == sla.MET
    # a reopen with nothing done says nothing about it
    clock.step(hours=1)
    room.set_status(number, "monitoring")
    room.set_status(number, "resolved")
    room.set_status(number, "identified")
    last = [e for e in read_model.timeline(room.db, number) if e.kind == "status"][-1]
    assert last.text == "Status resolved → identified"


def test_a_post_mortem_owner_needs_a_name_and_a_change(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = make_room(db, clock, SEED003)
    number = room.declare("Checkout down", "P1")
    with pytest.raises(InvalidInput, match="--owner NAME"):
        room.postmortem(number)
    with pytest.raises(InvalidInput, match="needs a name"):
        room.postmortem(number, owner="  ")
    room.postmortem(number, owner="Bo")
    with pytest.raises(InvalidInput, match="Bo already owns"):
        room.postmortem(number, owner="Bo")
    room.postmortem(number, owner="Cy")
    assert timeline_texts(room, number, "postmortem")[-1] == "Post-mortem owner: Cy (was Bo)"


# -- measured from when it started --------------------------------------------------------


@PLANS
def test_times_count_from_the_impact_start_and_the_detection(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare(
        "Checkout down",
        plan.split,
        detected_at=T0 - 10 * MIN,  # the alert fired
        impact_started_at=T0 - 25 * MIN,  # customers saw errors from here
    )
    clock.step(minutes=5)
    room.acknowledge(number)
    clock.set(T0 + 40 * MIN)
    room.set_status(number, "monitoring")
    clock.set(T0 + 55 * MIN)
    room.set_times(number, impact_ended_at=T0 + 50 * MIN)
    clock.set(T0 + 60 * MIN)
    room.set_status(number, "resolved")
    incident = read_model.incident(room.db, number)
    took = {r.name: r.took for r in response_times(incident, ())}
    assert took == {
        "detect": 15 * MIN,
        "acknowledge": 15 * MIN,  # from the alert, not the declaration (5 min)
        "mitigate": 65 * MIN,
        "resolve": 85 * MIN,
    }
    impact = customer_impact(incident)
    assert impact.took == 75 * MIN
    assert impact.said() == "1h 15m (2026-11-23 08:35 UTC → 2026-11-23 09:50 UTC)"
    rows = timeline_texts(room, number, "impact")
    assert rows == ["Impact times — impact ended 2026-11-23 09:50:00 UTC"]


def test_times_that_contradict_each_other_are_refused(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = make_room(db, clock, SEED004)
    with pytest.raises(InvalidInput, match="is after the declaration"):
        room.declare("x", "high", detected_at=T0 + MIN)
    number = room.declare("Checkout down", "high", impact_started_at=T0 - 5 * MIN)
    with pytest.raises(InvalidInput, match="before it started"):
        room.set_times(number, impact_ended_at=T0 - 6 * MIN)
    with pytest.raises(InvalidInput, match="in the future"):
        room.set_times(number, impact_ended_at=T0 + MIN)
    room.set_times(number, impact_started_at=T0 - 7 * MIN)
    assert timeline_texts(room, number, "impact") == [
        "Impact times — impact started 2026-11-23 08:53:00 UTC (was 2026-11-23 08:55:00 UTC)"
    ]
    with pytest.raises(InvalidInput, match="already recorded"):
        room.set_times(number, impact_started_at=T0 - 7 * MIN)


# -- the policy's cadences -----------------------------------------------------------------


def test_cadences_per_audience_are_read_from_the_policy() -> None:
    seed003, seed004 = SEED003.policy(), SEED004.policy()
    assert (seed003.severity("P0").update_every, seed003.severity("P0").external_update_every) == (
        15 * MIN,
        30 * MIN,
    )
    assert seed003.severity("P2").external_update_every is None  # one cadence: both audiences
    assert seed004.severity("critical").first_update == 30 * MIN
    # without `first_update`, customers first hear within their own cadence
    assert seed004.severity("high").first_update == 60 * MIN


@pytest.mark.parametrize(
    ("cadence", "said"),
    [
        ("{internal: 15m}", "policy.yaml:4: severities.P1.update_every.external: is required"),
        (
            "{internal: 15m, external: 30m, press: 1h}",
            "policy.yaml:4: severities.P1.update_every.press: unknown field",
        ),
        (
            "{internal: 15m, external: soon}",
            'policy.yaml:4: severities.P1.update_every.external: "soon" is not a duration',
        ),
        ("[15m, 30m]", "policy.yaml:4: severities.P1.update_every: expected a single value"),
    ],
)
def test_a_bad_cadence_is_one_line_naming_file_line_and_field(cadence: str, said: str) -> None:
    from warroom.domain.policy import parse_policy
    from warroom.domain.policy_reader import PolicyError

    text = f"severities:\n  P1:\n    ack: 5m\n    update_every: {cadence}\n    resolve_within: 1h\n"
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, "policy.yaml")
    assert str(raised.value).startswith(said)
    assert "\n" not in str(raised.value)


@PLANS
def test_a_customer_template_promises_the_customer_cadence(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    from warroom import composer
    from warroom.domain.template_context import spell_duration
    from warroom.loaders.templates import load_templates

    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    templates = load_templates()
    text = composer.fill(
        room.db, room.policy, number, templates["external-initial"], clock.now(), dt.UTC
    )
    assert f"updates every {spell_duration(plan.external)} until" in text
    assert f"the next one by {(T0 + plan.external):%H:%M}" in text


@PLANS
def test_a_closed_incident_whose_post_mortem_is_late_is_swept_as_a_breach(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    room = make_room(db, clock, plan)
    number = room.declare("Checkout down", plan.split)
    room.acknowledge(number)
    room.set_status(number, "resolved")
    room.set_status(number, "closed", postmortem_owner="Bo")
    due = T0 + plan.policy().severity(plan.split).postmortem_due
    clock.set(due + SEC)
    escalated = len(read_model.incident_view(room.db, number).engagements)
    room.sweep()
    room.sweep()
    rows = [e for e in read_model.timeline(room.db, number) if e.kind == "sla_breach"]
    assert [(e.data["timer"], e.at) for e in rows] == [("postmortem", due)]
    assert (
        len(read_model.incident_view(room.db, number).engagements) == escalated
    )  # closed: nobody paged
    clock.step(minutes=1)
    room.postmortem(number, done=True)
    assert sla.countdown(timers(room, number)["postmortem"]) == "missed by 1m01s"


# -- the report: by severity, mean, drills ---------------------------------------------


@PLANS
def test_the_report_measures_from_the_start_by_severity_and_drills_apart(
    db: sqlite_utils.Database, clock: FrozenClock, plan: Plan
) -> None:
    from warroom.domain.report import build_report

    room = make_room(db, clock, plan)
    real = room.declare("Outage", plan.split, impact_started_at=T0 - 20 * MIN)
    plain = room.declare("Slow", plan.single)  # no impact start: nothing to detect from
    drill = room.declare("Game day", plan.single, drill=True, impact_started_at=T0 - 5 * MIN)
    clock.step(minutes=10)
    for number in (real, plain, drill):
        room.acknowledge(number)
    clock.step(minutes=20)
    room.set_status(real, "resolved")
    incidents = read_model.incidents(room.db, include_ended=True)
    histories = read_model.histories(room.db, [real, plain, drill])
    report = build_report(incidents, histories, room.policy, clock.now())
    times = {t.name: t for t in report.times}
    assert times["detect"].overall.count == 1  # only the incident with an impact start
    assert times["detect"].overall.mean == 20 * MIN
    assert times["acknowledge"].overall.mean == 10 * MIN
    assert dict(times["resolve"].by_severity)[plan.split].median == 50 * MIN
    assert [sev for sev, _ in times["acknowledge"].by_severity] == [plan.split, plan.single]
    drills = build_report(incidents, histories, room.policy, clock.now(), drills=True)
    assert (drills.incidents, drills.real_excluded, drills.drills_excluded) == (1, 2, 0)
    assert {t.name: t.overall.mean for t in drills.times}["detect"] == 5 * MIN
