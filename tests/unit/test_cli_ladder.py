"""`warroom show --json` states of the ladder, the on-call and the roles, on a frozen
clock stepped between commands, under two policies written from seeds (P0-P3 from
seed 003; critical...low with business hours from seed 004) and the default."""

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
P0_P3 = str(FIXTURES / "ladder_p0_p3.yaml")
CRITICAL_LOW = str(FIXTURES / "ladder_critical_low.yaml")


@pytest.fixture
def run(db_path: Path, cli_clock: FrozenClock):
    runner = CliRunner()

    def invoke(*args: str, policy: str | None = None) -> Result:
        chosen = ["--policy", policy] if policy else []
        return runner.invoke(cli, ["--db", str(db_path), "--as", "Ana", *chosen, *args])

    return invoke


def show(run: Any, policy: str | None = None) -> dict[str, Any]:
    result = run("show", "1", "--json", policy=policy)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def states(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(r["who"], r["state"], r["person"]) for r in body["escalation"]["rungs"]]


def test_the_reported_upgrade_shows_only_who_was_called(run: Any, cli_clock: FrozenClock) -> None:
    # default policy: P1, On-call paged, Tech lead called by hand, then an upgrade to P0
    run("declare", "-s", "P1", "-t", "Checkout down")
    run("assign", "1", "tech-lead", "Chen Wei")
    cli_clock.step(minutes=3)
    assert run("escalate", "1").stdout == "#1 escalated to level 2: Tech lead (Chen Wei)\n"
    cli_clock.step(minutes=2)
    run("severity", "1", "P0")
    body = show(run)
    assert states(body) == [
        ("On-call", "engaged", "Ben Okafor"),
        ("Eng lead", "due", "Dana Kim"),  # was "✓ Eng lead Dana Kim": never called
        ("CTO", "waiting", "Eve Adams"),
        ("CEO", "waiting", "Femi Bello"),
    ]
    assert body["escalation"]["rungs"][0]["call"]["engaged_at"] == "2026-11-23T09:00:00Z"
    assert body["escalation"]["rungs"][1]["call"] is None
    earlier = body["escalation"]["earlier"]
    assert [(e["who"], e["person"], e["how"], e["severity"]) for e in earlier] == [
        ("Tech lead", "Chen Wei", "manual", "P1")
    ]
    assert earlier[0]["engaged_at"] == "2026-11-23T09:03:00Z"
    run("sweep")
    body = show(run)
    eng_lead = body["escalation"]["rungs"][1]
    assert eng_lead["state"] == "engaged"
    assert eng_lead["call"]["engaged_at"] == "2026-11-23T09:05:00Z"  # when the upgrade made it due
    assert eng_lead["contacts"][0]["phone"] == "+44 20 7946 0104"


def test_vacant_rungs_warn_and_fall_through_under_the_p0_p3_policy(
    run: Any, cli_clock: FrozenClock
) -> None:
    run("declare", "-s", "P1", "-t", "Login slow", policy=P0_P3)  # 04:00 in New York
    run("sweep", policy=P0_P3)
    body = show(run, P0_P3)
    assert states(body) == [
        ("On-call", "engaged", "Chen Wei"),  # the week before the 09:00 New York hand-over
        ("Tech Lead", "waiting", ""),
        ("CTO", "waiting", "Eve Adams"),
    ]
    assert body["escalation"]["rungs"][1]["vacant"] is True
    assert body["escalation"]["warnings"] == [
        "nobody holds Tech Lead (level 2): the call falls through to level 3 CTO"
    ]
    assert (
        body["escalation"]["on_call"]["primary"] == "Chen Wei"
        and body["escalation"]["on_call"]["secondary"] == ""
    )
    assert body["escalation"]["on_call"]["primary_contact"]["chat"] == "@chen"
    assert body["escalation"]["on_call"]["until"] == "2026-11-23T14:00:00Z"  # 09:00 in New York
    cli_clock.step(minutes=15)
    swept = run("sweep", policy=P0_P3).stdout
    assert "#1 ⚠ level 2 Tech Lead: nobody holds it" in swept
    assert "#1 escalated to level 3: CTO (Eve Adams)" in swept
    body = show(run, P0_P3)
    assert [s for _, s, _ in states(body)] == ["engaged", "vacant", "engaged"]
    assert body["escalation"]["rungs"][2]["call"]["engaged_at"] == "2026-11-23T09:15:00Z"
    assert body["escalation"]["warnings"] == []
    text = run("show", "1", policy=P0_P3).stdout
    assert "2 Tech Lead          nobody holds it · ⚠ fell through 09:15:00 UTC" in text
    assert "on call now (On-call): Chen Wei · +1 555 0103 · @chen · chen@example.com" in text


def test_roles_from_the_policy_hold_several_people(run: Any) -> None:
    run("declare", "-s", "P2", "-t", "Replica lag", policy=P0_P3)
    for role, person in (("sme", "Ana Lima"), ("SME", "Ben Okafor"), ("dba", "Dana Kim")):
        result = run("assign", "1", role, person, policy=P0_P3)
        if role == "dba":
            assert result.exit_code == 1
            assert result.stderr == (
                "Error: unknown role 'dba' (known roles: Incident Commander, Scribe, Tech Lead,"
                " Comms Lead, Security Lead, SME, Database Administrator, Network Engineer,"
                " Legal Counsel, Customer Success)\n"
            )
    assert run("assign", "1", "database administrator", "Dana Kim", policy=P0_P3).exit_code == 0
    again = run("assign", "1", "sme", "ana lima", policy=P0_P3)
    assert again.exit_code == 1 and "Ana Lima is already SME" in again.stderr
    body = show(run, P0_P3)
    roles = [(r["label"], r["person"]) for r in body["roles"]]
    assert roles == [
        ("Incident Commander", "Ana"),
        ("SME", "Ana Lima"),
        ("SME", "Ben Okafor"),  # added beside the first, not replacing her
        ("Database Administrator", "Dana Kim"),
    ]
    assert body["roles"][1]["contact"]["phone"] == "+1 555 0101"
    assert body["roles"][0]["contact"] is None  # "Ana" is not in the policy's contacts
    text = run("show", "1", policy=P0_P3).stdout
    assert "    SME: Ana Lima · +1 555 0101 · @ana · ana@example.com; Ben Okafor" in text
    assert run("unassign", "1", "sme", "Ana Lima", policy=P0_P3).exit_code == 0
    assert [r["person"] for r in show(run, P0_P3)["roles"] if r["role"] == "sme"] == ["Ben Okafor"]
    gone = run("unassign", "1", "sme", "Ana Lima", policy=P0_P3)
    assert gone.exit_code == 1 and "Ana Lima is not SME on #1 (held by Ben Okafor)" in gone.stderr
    keep = run("unassign", "1", "commander", "Ana", policy=P0_P3)
    assert keep.exit_code == 1 and "hand command to someone instead" in keep.stderr


def test_business_hours_and_an_upgrade_under_the_critical_low_policy(
    run: Any, cli_clock: FrozenClock
) -> None:
    cli_clock.set(dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC))  # Friday 15:00 in London
    run("declare", "-s", "medium", "-t", "Reports slow", policy=CRITICAL_LOW)
    run("sweep", policy=CRITICAL_LOW)
    body = show(run, CRITICAL_LOW)
    assert states(body) == [
        ("Developer on duty", "engaged", "Priya Nair"),
        ("Team Lead", "waiting", ""),
    ]
    assert body["escalation"]["rungs"][1]["due_at"] == "2026-11-30T11:00:00Z"  # 4 working hours
    assert body["escalation"]["warnings"] == [
        "nobody holds Team Lead (level 2): the call has nobody left above it to fall through to"
    ]
    cli_clock.step(minutes=10)
    run("severity", "1", "critical", policy=CRITICAL_LOW)
    body = show(run, CRITICAL_LOW)
    assert states(body) == [
        ("Developer on duty", "engaged", "Priya Nair"),
        ("CTO", "due", "Omar Haddad"),  # due since the upgrade, not yet called
        ("Developer on duty secondary", "waiting", "Tom Berg"),
        ("Operations Manager", "waiting", ""),
    ]
    assert body["escalation"]["rungs"][3]["condition"] == "always"
    run("ack", "1", policy=CRITICAL_LOW)  # the writes sweep: the CTO is called now
    body = show(run, CRITICAL_LOW)
    assert [s for _, s, _ in states(body)] == ["engaged", "engaged", "stopped", "waiting"]
    assert body["escalation"]["rungs"][1]["call"]["engaged_at"] == "2026-11-27T15:10:00Z"
