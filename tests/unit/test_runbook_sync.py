"""Runbooks follow the incident (issue 13's runbook flood), on a frozen, stepped clock,
under two policies written from different seeds: P0-P3 (seed 003) and critical...low
with business hours (seed 004)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from warroom.clock import FrozenClock
from warroom.domain import checklists as rules
from warroom.domain.checklists import ChecklistItem
from warroom.domain.models import Actor
from warroom.domain.vocabulary import SYSTEM_AUTHOR
from warroom.loaders.policy import load_policy
from warroom.loaders.runbooks import load_runbooks
from warroom.service import WarRoom
from warroom.store import checklist_queries, queries

POLICIES = Path(__file__).parents[1] / "fixtures" / "runbook_policies"
P0P3 = POLICIES / "castiel-p0-p3.yaml"
CRITICAL_LOW = POLICIES / "dokkerr-critical-low.yaml"
RUNBOOKS = load_runbooks()
# (policy file, its most severe, its second, its third severity)
POLICY_CASES = [(P0P3, "P0", "P1", "P2"), (CRITICAL_LOW, "critical", "high", "medium")]


def room_for(db: sqlite_utils.Database, clock: FrozenClock, path: Path) -> WarRoom:
    return WarRoom(db, clock, Actor("Ana", "ana"), load_policy(path), RUNBOOKS)


def attached(room: WarRoom, incident_id: int) -> list[str]:
    return [c.runbook_id for c in checklist_queries.checklists(room.db, incident_id)]


def item(room: WarRoom, incident_id: int, key: str) -> ChecklistItem:
    lists = checklist_queries.checklists(room.db, incident_id)
    return next(i for c in lists for i in c.items if i.key == key)


def checklist_rows(room: WarRoom, incident_id: int) -> list[str]:
    return [e.text for e in queries.timeline(room.db, incident_id) if e.kind == "checklist"]


@pytest.mark.parametrize(("path", "top", "second", "_third"), POLICY_CASES)
def test_declaring_attaches_what_applies_in_one_row(
    db: sqlite_utils.Database, clock: FrozenClock, path: Path, top: str, second: str, _third: str
) -> None:
    room = room_for(db, clock, path)
    incident_id = room.declare("Checkout errors", second, "availability")
    assert attached(room, incident_id) == [
        "initial-response",
        "rapid-assessment",
        "p1-high",
        "availability",
    ]  # 32 items, not 7 runbooks and 65 items
    rows = [e for e in queries.timeline(db, incident_id) if e.kind == "checklist"]
    assert len(rows) == 1 and rows[0].author == SYSTEM_AUTHOR
    assert rows[0].data["noticed_by"] == "Ana"
    assert f"for {second} availability: Initial response (9 items)" in rows[0].text
    assert "ticked, already done: Create the incident record" in rows[0].text
    created = item(room, incident_id, "initial-response/take-the-incident/2")
    assert (created.done_by, created.done_at) == (SYSTEM_AUTHOR, clock.now())

    # the most severe: the rank-0 runbook attaches whatever the severity is called
    worst = room.declare("Everything down", top, "availability")
    assert "p0-critical" in attached(room, worst)


@pytest.mark.parametrize(("path", "top", "second", "_third"), POLICY_CASES)
def test_upgrade_replaces_the_untouched_lower_list_and_kind_change_drops_the_old_kind(
    db: sqlite_utils.Database, clock: FrozenClock, path: Path, top: str, second: str, _third: str
) -> None:
    room = room_for(db, clock, path)
    incident_id = room.declare("Checkout errors", second, "availability")
    clock.step(minutes=4)
    room.set_severity(incident_id, top)
    assert attached(room, incident_id) == [
        "initial-response",
        "rapid-assessment",
        "availability",
        "p0-critical",
    ]
    row = checklist_rows(room, incident_id)[-1]
    assert row == (
        f"Runbooks attached for {top} availability: Critical incident (highest severity)"
        " (23 items); taken off (untouched, no longer applies):"
        " High-priority incident (second severity)"
    )
    clock.step(minutes=1)
    room.set_kind(incident_id, "security")
    assert "availability" not in attached(room, incident_id)
    assert "security-incident" in attached(room, incident_id)
    # back down: the lower list the system took off comes back; a person's choice stays
    room.set_severity(incident_id, second)
    assert "p1-high" in attached(room, incident_id)
    assert "p0-critical" not in attached(room, incident_id)


def test_a_touched_list_stays_and_a_list_taken_off_by_hand_stays_off(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, P0P3)
    incident_id = room.declare("Checkout errors", "P1", "availability")
    room.tick(incident_id, "p1-high/assessment-0-15-min/1")
    room.detach_runbook(incident_id, "availability")
    room.set_severity(incident_id, "P0")
    room.set_kind(incident_id, "performance")
    room.set_kind(incident_id, "availability")
    ids = attached(room, incident_id)
    assert "p1-high" in ids and "p0-critical" in ids  # work on it is never thrown away
    assert "availability" not in ids  # Ana took it off; re-classifying does not undo that


def test_acknowledging_ticks_the_acknowledge_item_so_it_never_goes_overdue(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, P0P3)
    incident_id = room.declare("Checkout errors", "P1", "availability")
    declared = clock.now()
    key = "initial-response/take-the-incident/1"  # within 5m
    clock.step(minutes=3)
    room.acknowledge(incident_id)
    ack = item(room, incident_id, key)
    assert (ack.done_by, ack.done_at) == (SYSTEM_AUTHOR, declared + dt.timedelta(minutes=3))
    clock.step(minutes=10)
    assert not rules.is_overdue(ack, declared, clock.now())
    rows = [e for e in queries.timeline(db, incident_id) if e.kind == "checklist"]
    assert rows[-1].text == "Ticked, done in the war room: Acknowledge the alert or report"
    assert rows[-1].author == SYSTEM_AUTHOR

    # without the acknowledgement, the same item is OVERDUE once its 5 minutes pass
    other = room.declare("Another", "P1", "availability")
    clock.step(minutes=5)
    assert not rules.is_overdue(
        item(room, other, key), clock.now() - dt.timedelta(minutes=5), clock.now()
    )
    clock.step(seconds=1)
    late = item(room, other, key)
    assert rules.is_overdue(late, clock.now() - dt.timedelta(minutes=5, seconds=1), clock.now())


def test_naming_the_roles_ticks_the_roles_item(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, CRITICAL_LOW)
    incident_id = room.declare("Checkout errors", "high", "availability")
    key = "initial-response/open-the-channel/3"  # commander, deputy and scribe
    room.assign_role(incident_id, "deputy", "Bo")
    assert not item(room, incident_id, key).done  # the scribe is still missing
    clock.step(minutes=2)
    room.assign_role(incident_id, "scribe", "Cy")
    named = item(room, incident_id, key)
    assert (named.done_by, named.done_at) == (SYSTEM_AUTHOR, clock.now())


@pytest.mark.parametrize(("path", "_top", "_second", "third"), POLICY_CASES)
def test_post_incident_items_count_from_the_resolution(
    db: sqlite_utils.Database,
    clock: FrozenClock,
    path: Path,
    _top: str,
    _second: str,
    third: str,
) -> None:
    room = room_for(db, clock, path)
    incident_id = room.declare("Slow search", third, "performance")
    assert "post-incident" not in attached(room, incident_id)
    room.set_status(incident_id, "fixing")
    assert "service-restoration" in attached(room, incident_id)
    assert "rollback" not in attached(room, incident_id)  # on request only
    # attached early by hand: a `from: resolved` item has no deadline before resolution
    room.attach_runbook(incident_id, "post-incident")
    clock.step(days=3)
    incident = queries.incident(db, incident_id)
    hot_wash = item(room, incident_id, "post-incident/hot-wash/1")
    when = rules.moments(incident)
    assert rules.due_at(hot_wash, incident.declared_at, when) is None
    assert not rules.is_overdue(hot_wash, incident.declared_at, clock.now(), when)

    room.set_status(incident_id, "resolved")
    resolved = clock.now()
    incident = queries.incident(db, incident_id)
    when = rules.moments(incident)
    assert rules.due_at(hot_wash, incident.declared_at, when) == resolved + dt.timedelta(hours=24)
    clock.step(hours=24)
    assert not rules.is_overdue(hot_wash, incident.declared_at, clock.now(), when)
    clock.step(seconds=1)
    assert rules.is_overdue(hot_wash, incident.declared_at, clock.now(), when)
    # "Write the post-mortem" follows the policy's post-mortem clock, not a fixed 48h
    write = item(room, incident_id, "post-incident/post-mortem/1")
    clock.step(days=5)
    assert not rules.is_overdue(write, incident.declared_at, clock.now(), when)


def test_resolving_attaches_the_post_incident_list(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, CRITICAL_LOW)
    incident_id = room.declare("Slow search", "low", "performance")
    clock.step(hours=2)
    room.set_status(incident_id, "resolved")
    assert attached(room, incident_id)[-1] == "post-incident"
    assert checklist_rows(room, incident_id)[-1].startswith(
        "Runbooks attached for low performance: Post-incident (14 items)"
    )


def test_a_persons_untick_stands_and_a_list_attached_later_is_ticked(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, P0P3)
    incident_id = room.declare("Checkout errors", "P2", "availability")
    record = "initial-response/take-the-incident/2"  # done_when: declared
    room.tick(incident_id, record, done=False)  # Ana: the record is not complete yet
    clock.step(minutes=1)
    room.acknowledge(incident_id)
    assert not item(room, incident_id, record).done  # acknowledging is not declaring
    assert item(room, incident_id, "initial-response/take-the-incident/1").done

    room.detach_runbook(incident_id, "initial-response")
    clock.step(minutes=1)
    room.attach_runbook(incident_id, "initial-response")  # a fresh copy, by hand
    ack = item(room, incident_id, "initial-response/take-the-incident/1")
    assert (ack.done_by, ack.done_at) == (SYSTEM_AUTHOR, clock.now() - dt.timedelta(minutes=1))
    assert item(room, incident_id, record).done_by == SYSTEM_AUTHOR


def test_checklist_command_shows_when_an_item_counts_from(
    db_path: Path, cli_clock: FrozenClock
) -> None:
    import json

    from click.testing import CliRunner

    from warroom.cli import cli

    def run(*args: str) -> str:
        argv = ["--db", str(db_path), "--as", "Ana", "--policy", str(P0P3), *args]
        result = CliRunner().invoke(cli, argv, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("declare", "-t", "Slow search", "-s", "P2", "-k", "performance")
    run("attach", "1", "post-incident")
    cli_clock.step(days=3)
    shown = run("checklist", "1")
    assert "[ ] Hold a short hot wash with the responders (1d after resolved)\n" in shown
    hot_wash = next(
        i
        for b in json.loads(run("checklist", "1", "--json"))
        for i in b["items"]
        if i["key"] == "post-incident/hot-wash/1"
    )
    assert (hot_wash["within_from"], hot_wash["due_at"], hot_wash["overdue"]) == (
        "resolved",
        None,
        False,
    )
    run("status", "1", "resolved")
    resolved = cli_clock.now()
    cli_clock.step(hours=24, seconds=1)
    hot_wash = next(
        i
        for b in json.loads(run("checklist", "1", "--json"))
        for i in b["items"]
        if i["key"] == "post-incident/hot-wash/1"
    )
    due = (resolved + dt.timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (hot_wash["due_at"], hot_wash["overdue"]) == (due, True)
