"""`warroom list` works out only the timer it shows: the same as every timer worked out.

The list's next-deadline column (and `list --json`'s `next_deadline`) takes
`sla.next_running` and `escalation.next_rung`, which stop at what is shown;
these tests hold them to the full computation (`most_urgent(timers(...))`,
`ladder_status(...).next`) on a file of varied incidents at several moments,
and `list --json` to the JSON built from each incident's own full read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from warroom.cli import cli
from warroom.cli.json_shapes import incident_json, timer_json
from warroom.clock import FrozenClock
from warroom.domain import escalation, sla
from warroom.domain.policy import Policy
from warroom.domain.policy_record import unknown_severity
from warroom.service import WarRoom
from warroom.store import read_model

SEVERITIES = ("P0", "P1", "P2", "P3")
KINDS = ("availability", "security", "performance")


def _varied(room: WarRoom, clock: FrozenClock) -> None:
    """Incidents of every severity in most states: acknowledged or not, a tech lead
    or not, updates posted, severity changed, monitoring, resolved, reopened, closed
    with the post-mortem open or done, cancelled; ladders swept as time passes."""
    for n in range(32):
        incident = room.declare(f"incident {n}", SEVERITIES[n % 4], KINDS[n % 3])
        clock.step(minutes=7 + n % 5)
        if n % 3 == 0:
            room.acknowledge(incident)
        if n % 4 == 1:
            room.assign_role(incident, "Tech lead", f"Lead {n}")
        if n % 5 == 2:
            room.post_update(incident, f"update {n}", audience="external")
        if n % 6 == 3:
            room.set_severity(incident, SEVERITIES[(n + 1) % 4])
        if n % 7 == 4:
            room.set_status(incident, "monitoring")
        if n % 8 in (5, 6):
            room.set_status(incident, "resolved")
            if n % 16 == 6:
                clock.step(minutes=20)
                room.set_status(incident, "investigating")  # reopened
        if n % 9 == 7:
            room.set_status(incident, "resolved")
            room.set_status(incident, "closed", postmortem_owner="Ana")
            if n % 18 == 7:
                room.postmortem(incident, done=True)
        if n == 10:
            room.set_status(incident, "cancelled")
        if n % 4 == 0:
            room.sweep()  # the ladder's calls on record
    clock.step(minutes=30)
    room.sweep()
    # acknowledged and updated: the CTO's rung (30m) comes before the next update (35m)
    urgent = room.declare("ladder first", "P0")
    room.acknowledge(urgent)
    room.sweep()
    clock.step(minutes=20)
    room.post_update(urgent, "working on it", audience="external")


def _moments(clock: FrozenClock) -> list[int]:
    return [0, 9, 50, 600, 60 * 24 * 3]  # minutes on from the built file's clock


def _checked(listed: read_model.IncidentList, policy: Policy, clock: FrozenClock) -> int:
    compared = 0
    now = clock.now()
    for incident in listed.incidents:
        full = sla.most_urgent(listed.timers(incident.id, policy, now))
        assert listed.next_deadline(incident.id, policy, now) == full, incident.id
        clocks = listed.clocks.get(incident.id)
        if clocks is None:
            continue
        history = clocks.history
        running = sla.deadlines(incident, policy, history, running_only=True)
        every = sla.deadlines(incident, policy, history)
        assert running == tuple(d for d in every if d.done_at is None), incident.id
        for engaged in (clocks.engaged, None):  # the record, or the stored level alone
            whole = escalation.ladder_status(
                incident,
                policy,
                now,
                pauses=history.reopened,
                assigned=clocks.assigned,
                engaged=engaged,
            )
            shown = escalation.next_rung(
                incident,
                policy,
                now,
                pauses=history.reopened,
                assigned=clocks.assigned,
                engaged=engaged,
            )
            assert shown == whole.next, incident.id
        compared += full is not None
    return compared


def test_the_next_deadline_is_the_most_urgent_of_all_timers(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    _varied(room, clock)
    names: set[str] = set()
    shown = 0
    for minutes in _moments(clock):
        clock.step(minutes=minutes)
        listed = read_model.incident_list(db, policy, show_ended=True)
        shown += _checked(listed, policy, clock)
        for incident in listed.incidents:
            timer = listed.next_deadline(incident.id, policy, clock.now())
            names |= {timer.name} if timer else set()
    assert shown > 50
    # the comparison covered the ladder winning and losing, and several other timers
    assert "escalation" in names and len(names) >= 3


def _slow_rows(db: sqlite_utils.Database, policy: Policy, clock: FrozenClock) -> list[object]:
    """`list --json`'s rows from each incident's own full read (`incident_view`)."""
    now = clock.now()
    rows: list[object] = []
    for listed in read_model.incident_list(db, policy).incidents:
        view = read_model.incident_view(db, listed.id, timeline_after=None)
        runs = read_model.clocks_run(view.incident)
        timer = sla.most_urgent(view.timers(policy, now)) if runs else None
        rows.append(
            incident_json(view.incident, now)
            | {"next_deadline": timer_json(timer) if timer else None}
            | {"severity_known": unknown_severity(policy, view.incident.severity) is None}
        )
    return rows


@pytest.mark.parametrize("minutes", [0, 45, 60 * 30])
def test_list_json_is_what_every_timer_worked_out_gives(
    room: WarRoom,
    db: sqlite_utils.Database,
    db_path: Path,
    clock: FrozenClock,
    cli_clock: FrozenClock,
    policy: Policy,
    minutes: int,
) -> None:
    _varied(room, clock)
    clock.step(minutes=minutes)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--as", "Ana", "list", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert listed == _slow_rows(db, policy, clock)
    assert any(row["next_deadline"] for row in listed)


def test_the_ladders_calls_read_for_a_list_keep_the_bad_time_rule(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    """A call whose time cannot be used is left out and named (as one incident's read
    does); one written in another ISO form is read; the rest keep their order."""
    incident = room.declare("API down", "P0")
    room.sweep()  # On-call and Eng lead at once
    clock.step(minutes=31)
    room.sweep()  # the CTO
    ids = [r[0] for r in db.conn.execute("SELECT id FROM escalations ORDER BY id")]
    assert len(ids) == 3
    with db.conn:
        db.conn.execute("UPDATE escalations SET engaged_at = 'soon' WHERE id = ?", (ids[0],))
        db.conn.execute(
            "UPDATE escalations SET engaged_at = '2026-11-23T09:00:00+00:00' WHERE id = ?",
            (ids[1],),
        )
    read_model.forget_unreadable()
    listed = read_model.incident_list(db, policy, breaches=False)
    engaged = listed.clocks[incident].engaged
    assert [e.who for e in engaged] == ["Eng lead", "CTO"]
    assert engaged[0].engaged_at.isoformat() == "2026-11-23T09:00:00+00:00"
    assert engaged == tuple(read_model.incident_view(db, incident).engagements)
    (line,) = read_model.unreadable_times()
    assert "escalation to level 1 of incident #1" in line and "'soon'" in line
    assert listed.breaches == frozenset()  # not read when not asked for
    assert read_model.incident_list(db, policy).breaches  # read by default
