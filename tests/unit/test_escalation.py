"""Escalation ladders: due rungs, acknowledgement, resolution, people behind the names."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.escalation import (
    DUE,
    ENGAGED,
    PASSED,
    STOPPED,
    WAITING,
    LadderStatus,
    condition_holds,
    ladder_status,
    resolve_who,
    upcoming,
)
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.loaders.policy import check_policy_file, load_policy

T0 = dt.datetime(2026, 11, 23, 9, 0, 0, tzinfo=dt.UTC)  # a Monday; London is on UTC
SEC = dt.timedelta(seconds=1)
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
NEW_YORK = ZoneInfo("America/New_York")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"


def incident(**changes: Any) -> Incident:
    base = Incident(
        id=7, title="Checkout down", severity="P0", status="investigating", kind="availability",
        summary="", impact_users="", impact_services="", impact_business="", commander="Ana",
        drill=False, declared_at=T0, detected_at=None, acknowledged_at=None, mitigated_at=None,
        resolved_at=None, closed_at=None, last_update_at=None, escalation_level=0, channel="#c",
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def states(status: LadderStatus) -> list[str]:
    return [r.state for r in status.rungs]


@pytest.fixture
def policy() -> Policy:
    return load_policy()


def test_p0_at_declaration_pages_on_call_and_eng_lead_at_once(policy: Policy) -> None:
    status = ladder_status(incident(), policy, T0)
    assert states(status) == [DUE, DUE, WAITING, WAITING]
    assert [r.responder.name for r in status.due] == ["Ben Okafor", "Dana Kim"]
    assert status.level_after == 2
    assert status.rungs[0].notify == "Phone + SMS + Email"
    assert status.current is None


def test_the_next_rung_comes_due_exactly_on_time(policy: Policy) -> None:
    p0 = incident(escalation_level=2)
    cto_at = T0 + 30 * MIN
    before = ladder_status(p0, policy, cto_at - SEC)
    assert before.next is not None and before.next.rung.who == "CTO"
    assert (before.next_at, before.due) == (cto_at, ())
    at = ladder_status(p0, policy, cto_at)
    assert [r.rung.who for r in at.due] == ["CTO"] and at.level_after == 3
    assert [r.rung.who for r in ladder_status(p0, policy, cto_at + SEC).due] == ["CTO"]
    assert at.current is not None and at.current.rung.who == "Eng lead"


def test_acknowledging_stops_unacknowledged_rungs(policy: Policy) -> None:
    # P1: On-call (0, unack), Tech lead (15m, unack), CTO (2h, unresolved)
    acked = incident(severity="P1", escalation_level=1, acknowledged_at=T0 + 5 * MIN)
    at_20m = ladder_status(acked, policy, T0 + 20 * MIN)
    assert states(at_20m) == [ENGAGED, STOPPED, WAITING]
    assert at_20m.next_at == T0 + 2 * HOUR
    at_2h = ladder_status(acked, policy, T0 + 2 * HOUR)
    assert [r.rung.who for r in at_2h.due] == ["CTO"] and at_2h.level_after == 3
    # after auto-advance the skipped rung reads as passed over, not engaged
    advanced = ladder_status(acked, policy, T0 + 2 * HOUR, level=3)
    assert states(advanced) == [ENGAGED, PASSED, ENGAGED]
    assert advanced.current is not None and advanced.current.rung.who == "CTO"


def test_acknowledging_at_the_rungs_second_stops_it(policy: Policy) -> None:
    tech_lead = policy.severity("P1").ladder[1]
    on_time = incident(severity="P1", acknowledged_at=T0 + 15 * MIN)
    assert not condition_holds(on_time, tech_lead, T0 + 15 * MIN)
    one_late = incident(severity="P1", acknowledged_at=T0 + 15 * MIN + SEC)
    assert condition_holds(one_late, tech_lead, T0 + 15 * MIN)
    fired = ladder_status(one_late, policy, T0 + 20 * MIN, level=2)
    assert states(fired)[:2] == [ENGAGED, ENGAGED]


def test_an_unacknowledged_rung_fires_if_nobody_acknowledged(policy: Policy) -> None:
    p1 = incident(severity="P1", escalation_level=1)
    assert states(ladder_status(p1, policy, T0 + 15 * MIN - SEC)) == [ENGAGED, WAITING, WAITING]
    assert states(ladder_status(p1, policy, T0 + 15 * MIN)) == [ENGAGED, DUE, WAITING]


def test_resolving_stops_the_whole_ladder(policy: Policy) -> None:
    resolved = incident(status="resolved", resolved_at=T0 + 20 * MIN, escalation_level=2)
    status = ladder_status(resolved, policy, T0 + 2 * HOUR)
    assert states(status) == [ENGAGED, ENGAGED, STOPPED, STOPPED]
    assert status.next is None and status.next_at is None and status.due == ()
    cancelled = incident(status="cancelled", escalation_level=1)
    assert states(ladder_status(cancelled, policy, T0 + 2 * HOUR))[1:] == [STOPPED] * 3


def test_reopen_makes_unresolved_rungs_live_again_after_the_pause(policy: Policy) -> None:
    # resolved at 20m, reopened at 2h: the CTO rung (30m) has 10 open minutes to go
    reopened = incident(acknowledged_at=T0 + 2 * MIN, escalation_level=2)
    pauses = ((T0 + 20 * MIN, T0 + 2 * HOUR),)
    status = ladder_status(reopened, policy, T0 + 2 * HOUR, pauses=pauses)
    assert status.next is not None and status.next.rung.who == "CTO"
    assert status.next_at == T0 + 2 * HOUR + 10 * MIN


def test_severity_change_swaps_in_the_new_ladder(policy: Policy) -> None:
    # Declared P2 (On-call engaged: level 1), upgraded to P0; at 45 minutes the
    # P0 ladder's Eng lead (0m) and CTO (30m) are due at once.
    upgraded = incident(severity="P0", escalation_level=1, acknowledged_at=T0 + 5 * MIN)
    status = ladder_status(upgraded, policy, T0 + 45 * MIN)
    assert [r.rung.who for r in status.due] == ["Eng lead", "CTO"]
    assert status.level_after == 3
    assert status.next_at == T0  # Eng lead's time passed long ago: due now
    # a downgrade caps the level at the shorter ladder
    downgraded = incident(severity="P3", escalation_level=4)
    assert ladder_status(downgraded, policy, T0).level == 1


def test_people_behind_the_names(policy: Policy) -> None:
    on_call = resolve_who(policy, "On-call", T0)
    assert (on_call.name, on_call.via) == ("Ben Okafor", "rota")
    assert on_call.contact is not None and on_call.contact.phone == "+44 20 7946 0102"
    assert resolve_who(policy, "on-call secondary", T0).name == "Chen Wei"
    assert (resolve_who(policy, "CTO", T0).name, resolve_who(policy, "cto", T0).via) == (
        "Eve Adams",
        "role",
    )
    team = resolve_who(policy, "Support team", T0)
    assert (team.name, team.via, team.contact) == ("Support team", "as written", None)
    assert resolve_who(policy, "ana lima", T0).name == "Ana Lima"


def test_the_incidents_own_role_holder_comes_first(policy: Policy) -> None:
    assigned = {"tech-lead": "Chen Wei"}
    lead = resolve_who(policy, "Tech lead", T0, assigned)
    assert (lead.name, lead.via) == ("Chen Wei", "incident role")
    assert lead.contact is not None and lead.contact.chat == "@chen"
    status = ladder_status(
        incident(severity="P1", escalation_level=1), policy, T0, assigned=assigned
    )
    assert status.next is not None and status.next.responder.name == "Chen Wei"


def test_waiting_rungs_resolve_the_rota_when_they_will_fire() -> None:
    # SEV1 declared five minutes before Wednesday's 10:00 New York hand-over
    # (Tom primary, Lea secondary until then; Priya and Tom after).
    sev5 = check_policy_file(FIXTURES / "sev5.yaml")
    handover = dt.datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK).astimezone(dt.UTC)
    declared = handover - 5 * MIN
    sev1 = incident(severity="SEV1", declared_at=declared, escalation_level=1)
    status = ladder_status(sev1, sev5, declared + MIN)
    primary, secondary, manager = status.rungs
    assert (primary.state, primary.responder.name) == (ENGAGED, "Tom Berg")
    # the secondary rung fires at +10m, after the hand-over: next week's secondary,
    # not Lea who holds it now
    assert (secondary.state, secondary.responder.name) == (WAITING, "Tom Berg")
    assert secondary.notify == "Phone + SMS"
    assert (manager.responder.name, manager.notify) == ("Sam Ortiz", "Phone")


def test_business_hours_rungs_wait_for_the_office() -> None:
    sev5 = check_policy_file(FIXTURES / "sev5.yaml")
    saturday = dt.datetime(2026, 11, 21, 12, 0, tzinfo=NEW_YORK).astimezone(dt.UTC)
    sev4 = incident(severity="SEV4", declared_at=saturday)
    status = ladder_status(sev4, sev5, saturday + HOUR)
    assert states(status) == [WAITING]
    assert status.next_at == dt.datetime(2026, 11, 23, 8, 0, tzinfo=NEW_YORK)
    assert status.rungs[0].responder.name == "Service desk"


def test_an_unknown_severity_has_an_empty_ladder(policy: Policy) -> None:
    status = ladder_status(incident(severity="SEV9"), policy, T0)
    assert status.rungs == () and status.next is None and status.level_after == 0


@pytest.mark.parametrize(
    "declared",
    [
        T0,
        dt.datetime(9999, 12, 30, tzinfo=dt.UTC),  # the rota's week cannot be worked out
        dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC),  # nor can the CEO rung's time
    ],
)
def test_the_rungs_to_come_are_the_ladders_rungs_left_out_alike(
    policy: Policy, declared: dt.datetime
) -> None:
    """`upcoming` (what the console keeps for every live incident) drops the rungs
    `ladder_status` leaves out, naming only what takes a time to name (the rota)."""
    one = incident(declared_at=declared)
    status = ladder_status(one, policy, declared)
    assert [due for due, _ in upcoming(one, policy)] == [r.due_at for r in status.rungs]
