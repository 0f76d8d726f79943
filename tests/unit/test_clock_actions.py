"""Breaches and escalations are written exactly once, dated when they fell due."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import T0
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain import sla
from warroom.domain.models import Actor
from warroom.domain.policy import NotifyHook, Policy
from warroom.errors import InvalidInput
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries


def rows(room: WarRoom, incident_id: int, kind: str) -> list[tuple[str, str]]:
    return [
        (e.text, e.at.strftime("%H:%M:%S"))
        for e in queries.timeline(room.db, incident_id)
        if e.kind == kind
    ]


def test_breach_is_written_once_at_the_deadline(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("API down", "P1")  # ack within 15 minutes
    clock.step(minutes=15)
    assert room.sweep().breaches == []  # exactly at the deadline: still on time
    clock.step(seconds=1)
    result = room.sweep()
    assert [(i, b.timer) for i, b in result.breaches] == [
        (incident_id, "ack"),
        (incident_id, "first_update"),
    ]
    clock.step(minutes=3)
    room.sweep()
    room.sweep()
    breaches = rows(room, incident_id, "sla_breach")
    assert [at for _, at in breaches] == ["09:15:00", "09:15:00"]
    assert "Acknowledge by" in breaches[0][0]


def test_auto_escalation_advances_once_and_is_dated_when_due(
    room: WarRoom, clock: FrozenClock
) -> None:
    incident_id = room.declare("API down", "P1")  # On-call 0m, Tech lead 15m (unacked)
    # a Tech lead rung nobody holds falls through to the CTO (issue 13): name one
    room.assign_role(incident_id, "tech-lead", "Chen Wei")
    room.sweep()
    assert queries.incident(room.db, incident_id).escalation_level == 1
    clock.step(minutes=20)
    room.sweep()
    room.sweep()
    assert queries.incident(room.db, incident_id).escalation_level == 2
    escalations = rows(room, incident_id, "escalation")
    assert [at for _, at in escalations] == ["09:00:00", "09:15:00"]
    assert "Tech lead" in escalations[1][0] and "(automatic)" in escalations[1][0]
    assert [e.level for e in queries.engagements(room.db, incident_id)] == [1, 2]


def test_acknowledging_stops_rungs_that_wait_for_an_ack(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("API down", "P1")
    room.sweep()
    clock.step(minutes=10)
    room.acknowledge(incident_id)
    clock.step(minutes=10)
    room.sweep()
    assert queries.incident(room.db, incident_id).escalation_level == 1
    assert all("Tech lead" not in text for text, _ in rows(room, incident_id, "escalation"))


def test_escalate_by_hand_and_the_top_of_the_ladder(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P2")  # On-call, Tech lead after 24h
    [engaged] = room.escalate(incident_id)
    assert (engaged.level, engaged.how) == (1, "manual")
    room.assign_role(incident_id, "tech-lead", "Chen Wei")
    room.escalate(incident_id)
    with pytest.raises(InvalidInput, match="top of its P2 ladder"):
        room.escalate(incident_id)
    assert "by Ana" in rows(room, incident_id, "escalation")[-1][0]


def test_posting_an_update_restarts_the_update_clock(
    room: WarRoom, clock: FrozenClock, policy: Policy
) -> None:
    incident_id = room.declare("API down", "P1")  # first within 15m, then every 30m
    clock.step(minutes=10)
    room.post_update(incident_id, "We are investigating.", audience="external")
    clock.step(minutes=25)
    incident = queries.incident(room.db, incident_id)
    history = queries.history(room.db, incident_id)
    timers = {t.name: t for t in sla.timers(incident, policy, clock.now(), history)}
    assert timers["update"].deadline == T0 + dt.timedelta(minutes=40)
    assert timers["update"].state == sla.WARNING  # 5 of 30 minutes left
    assert timers["first_update"].state == sla.MET
    clock.step(minutes=10)
    late = WarRoom(room.db, clock, room.actor, policy).sweep()
    assert [b.timer for _, b in late.breaches] == ["ack", "update"]  # never acknowledged
    assert rows(room, incident_id, "update_posted")[0][0].startswith("External update posted")
    with pytest.raises(InvalidInput, match="audience"):
        room.post_update(incident_id, "x", audience="press")


def test_timers_are_rebuilt_from_stored_data_after_a_restart(
    room: WarRoom, db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    incident_id = room.declare("API down", "P1")
    clock.step(minutes=10)
    room.set_severity(incident_id, "P0")
    room.set_status(incident_id, "resolved")
    clock.step(minutes=5)
    room.set_status(incident_id, "fixing")  # reopened
    before = sla.timers(
        queries.incident(room.db, incident_id),
        policy,
        clock.now(),
        queries.history(room.db, incident_id),
    )
    room.db.conn.close()
    fresh = store.connect(db_path)
    after = sla.timers(
        queries.incident(fresh, incident_id),
        policy,
        clock.now(),
        queries.history(fresh, incident_id),
    )
    assert before == after
    history = queries.history(fresh, incident_id)
    assert [(c.old, c.new) for c in history.severity_changes] == [("P1", "P0")]
    assert len(history.reopened) == 1


def _script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_notify_hook_gets_fields_as_arguments_and_environment(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    out = tmp_path / "paged.txt"
    program = _script(tmp_path, "page", f'echo "$1|$2|$WARROOM_TITLE" > {out}')
    policy = load_policy()
    policy = type(policy)(
        **{**policy.__dict__, "notify_hook": NotifyHook(program, ("{who}", "{severity}"))}
    )
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    incident_id = room.declare("$(rm -rf /) `boom`", "P1")
    outcomes = room.run_notify_hook(room.sweep().engaged)
    assert [(o.text, o.failed) for o in outcomes] == [
        (f"notify hook ran ({program}, exit 0)", False)
    ]
    assert out.read_text().strip() == "On-call|P1|$(rm -rf /) `boom`"
    assert "notify hook ran" in rows(room, incident_id, "escalation")[-1][0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [("echo nope >&2; exit 3", "exited 3: nope"), ("sleep 5", "did not finish")],
)
def test_notify_hook_failure_is_logged_not_raised(
    db_path: Path,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    expected: str,
) -> None:
    import warroom.notify

    monkeypatch.setattr(warroom.notify, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(warroom.notify.run_hook, "__defaults__", (0.5,))
    program = _script(tmp_path, "page", body)
    policy = load_policy()
    policy = type(policy)(**{**policy.__dict__, "notify_hook": NotifyHook(program)})
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    incident_id = room.declare("x", "P1")
    [outcome] = room.run_notify_hook(room.sweep().engaged)
    assert outcome.failed and outcome.text.startswith("notify hook failed")
    assert expected in outcome.text
    assert expected in rows(room, incident_id, "escalation")[-1][0]


def test_sweepers_racing_on_one_breach_write_it_once(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    real_now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    clock.set(real_now - dt.timedelta(minutes=20))
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    incident_id = room.declare("API down", "P1")
    room.assign_role(incident_id, "tech-lead", "Chen Wei")  # the second rung has someone
    clock.set(real_now)
    barrier = threading.Barrier(4)

    def console() -> None:
        sweeper = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
        barrier.wait()
        for _ in range(5):
            sweeper.sweep()

    threads = [threading.Thread(target=console) for _ in range(4)]
    cli = subprocess.Popen(
        [sys.executable, "-m", "warroom", "--db", str(db_path), "list"], stdout=subprocess.DEVNULL
    )
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cli.wait(timeout=30) == 0
    breaches = room.db.conn.execute(
        "SELECT json_extract(data, '$.timer'), count(*) FROM timeline"
        " WHERE kind = 'sla_breach' AND incident_id = ? GROUP BY 1",
        (incident_id,),
    ).fetchall()
    assert breaches and all(count == 1 for _, count in breaches)
    assert [e.level for e in queries.engagements(room.db, incident_id)] == [1, 2]


def test_what_falls_due_is_signed_by_warroom_not_the_console_that_noticed(
    room: WarRoom, clock: FrozenClock
) -> None:
    incident_id = room.declare("API down", "P1")  # by Ana (the fixture's actor)
    room.assign_role(incident_id, "tech-lead", "Chen Wei")
    clock.step(minutes=20)  # ack and first update breached; the ladder reaches the tech lead
    room.sweep()
    room.escalate(incident_id)  # and one rung by hand
    timeline = queries.timeline(room.db, incident_id)
    breaches = [e for e in timeline if e.kind == "sla_breach"]
    auto = [e for e in timeline if e.kind == "escalation" and e.data["how"] == "auto"]
    manual = [e for e in timeline if e.kind == "escalation" and e.data["how"] == "manual"]
    assert breaches and auto and manual
    for entry in breaches + auto:
        assert entry.author == "warroom"
        assert entry.data["noticed_by"] == room.actor.name  # kept as detail
    assert [e.author for e in manual] == [room.actor.name]
    assert "noticed_by" not in manual[0].data
    ladder = queries.engagements(room.db, incident_id)
    assert {(e.how, e.by) for e in ladder} == {("auto", "warroom"), ("manual", room.actor.name)}
