"""Policy: the roles an incident can have, rungs by kind and on a plain timer, and
the domain rules they drive (frozen, stepped times; two policies written from seeds)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

from warroom.domain.escalation import (
    DUE,
    ENGAGED,
    STOPPED,
    VACANT,
    WAITING,
    fall_through,
    ladder_status,
    resolve_who,
)
from warroom.domain.models import Engagement, Incident
from warroom.domain.policy import parse_policy
from warroom.domain.policy_reader import PolicyError
from warroom.domain.roles import BUILT_IN
from warroom.errors import InvalidInput
from warroom.loaders.policy import load_policy

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Monday
MIN = dt.timedelta(minutes=1)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"
P0_P3 = load_policy(FIXTURES / "ladder_p0_p3.yaml")
CRITICAL_LOW = load_policy(FIXTURES / "ladder_critical_low.yaml")

BASE = """\
severities:
  P1:
    ack: 15m
    update_every: 30m
    resolve_within: 4h
    ladder:
      - {who: On-call, after: 0m}
"""


def incident(**changes: Any) -> Incident:
    base = Incident(
        id=3, title="Tokens leaked", severity="P0", status="investigating", kind="security",
        summary="", impact_users="", impact_services="", impact_business="", commander="Ana",
        drill=False, declared_at=T0, detected_at=None, acknowledged_at=None, mitigated_at=None,
        resolved_at=None, closed_at=None, last_update_at=None, escalation_level=0, channel="#c",
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def call(who: str, person: str, at: dt.datetime, severity: str = "P0") -> Engagement:
    return Engagement(1, who, person, "", at, "auto", "warroom", severity)


def test_without_a_list_the_built_in_roles_apply() -> None:
    policy = parse_policy(BASE, "p.yaml")
    assert policy.incident_roles == BUILT_IN
    assert policy.incident_roles.parse("Tech Lead") == "tech-lead"
    assert policy.incident_roles.parse("IC") == "commander"


def test_the_policy_lists_its_roles_and_unknown_ones_are_refused_by_name() -> None:
    roles = CRITICAL_LOW.incident_roles
    assert roles.parse("database administrator") == "database-administrator"
    assert roles.parse("Operations_Manager") == "operations-manager"
    assert roles.label("customer-success-manager") == "Customer Success Manager"
    with pytest.raises(InvalidInput) as refused:
        roles.parse("SME")  # built in, but this policy does not list it
    assert str(refused.value) == (
        "unknown role 'SME' (known roles: Incident Commander, Scribe, Team Lead, Database"
        " Administrator, Network Engineer, Legal Counsel, Customer Success Manager,"
        " Operations Manager)"
    )


def test_the_commander_is_always_a_role_and_holds_one_person() -> None:
    policy = parse_policy(BASE + "incident_roles: [Scribe, DBA]\n", "p.yaml")
    assert list(policy.incident_roles.labels) == ["commander", "scribe", "dba"]
    assert policy.incident_roles.single_holder("commander")
    assert not policy.incident_roles.single_holder("dba")


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ("incident_roles: [DBA, dba]\n", 'p.yaml:10: incident_roles[1]: "dba" is listed twice'),
        ("incident_roles: []\n", "p.yaml:8: incident_roles: needs at least one role"),
        ("incident_roles: DBA\n", "p.yaml:8: incident_roles: expected a list"),
    ],
)
def test_bad_role_lists_name_the_file_line_and_field(extra: str, said: str) -> None:
    text = BASE + extra.replace("[DBA, dba]", "\n  - DBA\n  - dba")
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, "p.yaml")
    assert str(refused.value) == said


def test_rung_kinds_and_the_always_condition_are_read_and_checked() -> None:
    legal = P0_P3.severity("P0").ladder[-1]
    assert (legal.who, legal.when, legal.kinds, legal.notify) == (
        "Legal", "always", ("security",), "Email"
    )  # fmt: skip
    bad = BASE.replace("{who: On-call, after: 0m}", "{who: On-call, after: 0m, kinds: [outage]}")
    with pytest.raises(PolicyError) as refused:
        parse_policy(bad, "p.yaml")
    assert str(refused.value) == (
        'p.yaml:7: severities.P1.ladder[0].kinds[0]: "outage" is not an incident kind'
        " (availability, performance, security, data)"
    )
    never = BASE.replace("after: 0m}", "after: 0m, when: sometimes}")
    with pytest.raises(PolicyError, match="unacknowledged, unresolved or always"):
        parse_policy(never, "p.yaml")
    policy_text = textwrap.dedent(BASE)
    assert parse_policy(policy_text, "p.yaml").severity("P1").ladder[0].kinds == ()


def test_kinds_pick_the_rungs_and_levels_count_the_rungs_that_apply() -> None:
    outage = ladder_status(incident(kind="availability"), P0_P3, T0, engaged=())
    breach = ladder_status(incident(), P0_P3, T0, engaged=())
    assert [r.rung.who for r in outage.rungs] == ["On-call", "Engineering lead", "CTO"]
    assert [(r.level, r.rung.who) for r in breach.rungs][3:] == [(4, "Security Team"), (5, "Legal")]


def test_a_plain_timer_rung_fires_whether_acknowledged_or_resolved() -> None:
    done = incident(acknowledged_at=T0 + MIN, resolved_at=T0 + 20 * MIN, status="resolved")
    before = ladder_status(done, P0_P3, T0 + 59 * MIN, engaged=())
    assert [r.state for r in before.rungs] == [STOPPED, STOPPED, STOPPED, STOPPED, WAITING]
    at = ladder_status(done, P0_P3, T0 + 60 * MIN, engaged=())
    assert [r.rung.who for r in at.due] == ["Legal"]
    cancelled = ladder_status(dataclasses.replace(done, status="cancelled"), P0_P3, T0, engaged=())
    assert cancelled.rungs[-1].state == STOPPED


def test_the_record_says_who_was_called_not_todays_holder() -> None:
    # a call recorded for "Engineering lead" names who was called then, even if the
    # policy (or the rota) names someone else now
    calls = [call("On-call", "Chen Wei", T0), call("engineering LEAD", "Ben Okafor", T0)]
    status = ladder_status(incident(), P0_P3, T0 + 5 * MIN, engaged=calls)
    assert [(r.state, r.responder.name) for r in status.rungs[:2]] == [
        (ENGAGED, "Chen Wei"), (ENGAGED, "Ben Okafor")
    ]  # fmt: skip
    assert status.rungs[1].responder.contacts[0].email == "ben@example.com"
    assert status.level == 2 and status.manual_next is not None
    assert status.manual_next.rung.who == "CTO"


def test_a_vacant_rung_falls_through_to_the_next_that_would_still_fire() -> None:
    p1 = incident(severity="P1", kind="availability")
    who = resolve_who(P0_P3, "Tech Lead", T0)
    assert who.vacant and who.via == "incident role"
    assert resolve_who(P0_P3, "Tech Lead", T0, {"tech-lead": ("Ana Lima", "Dana Kim")}).name == (
        "Ana Lima, Dana Kim"
    )
    assert not resolve_who(P0_P3, "Support team", T0).vacant  # a team as written
    status = ladder_status(p1, P0_P3, T0 + 15 * MIN, engaged=[call("On-call", "Chen Wei", T0)])
    assert [r.state for r in status.rungs] == [ENGAGED, DUE, WAITING]
    chain = fall_through(status, status.rungs[1])
    assert [r.rung.who for r in chain] == ["Tech Lead", "CTO"]
    recorded = [call("On-call", "Chen Wei", T0), call("Tech Lead", "", T0 + 15 * MIN)]
    after = ladder_status(p1, P0_P3, T0 + 16 * MIN, engaged=recorded)
    assert after.rungs[1].state == VACANT


def test_on_call_secondary_is_vacant_in_a_week_without_one() -> None:
    tom_alone = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
    assert resolve_who(CRITICAL_LOW, "Developer on duty secondary", tom_alone).vacant
    assert resolve_who(CRITICAL_LOW, "Developer on duty secondary", T0).name == "Tom Berg"
    # 08:59 London is still the week before the Monday 09:00 hand-over
    before = resolve_who(
        CRITICAL_LOW, "Developer on duty", tom_alone - 61 * MIN - 7 * 24 * 60 * MIN
    )
    assert before.name == "Tom Berg"
