"""Every action changes state and writes its timeline row in one transaction."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.errors import InvalidInput, NotFound, WriteFailed
from warroom.service import WarRoom
from warroom.store import queries
from warroom.store.unit_of_work import UnitOfWork


def kinds(room: WarRoom, incident_id: int) -> list[str]:
    return [e.kind for e in queries.timeline(room.db, incident_id)]


def test_declare_sets_commander_channel_and_writes_declared_row(room: WarRoom) -> None:
    incident_id = room.declare("API down", "p1", "availability", "5xx everywhere")
    incident = queries.incident(room.db, incident_id)
    assert incident.severity == "P1"
    assert incident.status == "investigating"
    assert incident.commander == "Ana"
    assert incident.channel == f"#incident-2026-11-23-{incident_id}"
    assert [(r.role, r.person) for r in queries.roles(room.db, incident_id)] == [
        ("commander", "Ana")
    ]
    [entry] = queries.timeline(room.db, incident_id)
    assert entry.kind == "declared"
    assert entry.author == "Ana" and entry.os_user == "ana"
    assert "API down" in entry.text


def test_declare_with_named_commander_and_drill(room: WarRoom) -> None:
    incident_id = room.declare("Game day", "P3", "data", commander="Bo", drill=True)
    incident = queries.incident(room.db, incident_id)
    assert incident.commander == "Bo" and incident.drill


def test_declare_after_the_fact_records_declared_time(room: WarRoom, clock: FrozenClock) -> None:
    earlier = clock.now() - dt.timedelta(minutes=30)
    incident_id = room.declare("Late", "P2", declared_at=earlier)
    incident = queries.incident(room.db, incident_id)
    assert incident.declared_at == earlier
    assert incident.channel.startswith("#incident-2026-11-23-")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.declare("", "P1"), "needs a title"),
        (lambda r: r.declare("x", "P7"), "unknown severity 'P7'"),
        (lambda r: r.declare("x", "P1", "weather"), "unknown kind 'weather'"),
    ],
)
def test_bad_declarations_are_named_and_write_nothing(room: WarRoom, call, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        call(room)
    assert room.db["incidents"].count == 0
    assert room.db["timeline"].count == 0


def test_log_keeps_text_exactly_and_kind(room: WarRoom) -> None:
    incident_id = room.declare("x", "P2")
    room.log(incident_id, "[bold]x[/] done", "decision")
    entry = queries.timeline(room.db, incident_id)[-1]
    assert (entry.kind, entry.text) == ("decision", "[bold]x[/] done")


def test_backdated_entry_orders_by_when_it_happened(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("x", "P2", declared_at=clock.now() - dt.timedelta(hours=1))
    room.log(incident_id, "now")
    room.log(incident_id, "earlier", at=clock.now() - dt.timedelta(minutes=10))
    texts = [e.text for e in queries.timeline(room.db, incident_id)]
    assert texts[1:] == ["earlier", "now"]
    earlier = queries.timeline(room.db, incident_id)[1]
    assert earlier.logged_at == clock.now() and earlier.at < earlier.logged_at


def test_log_refuses_empty_unknown_kind_future_and_unknown_incident(
    room: WarRoom, clock: FrozenClock
) -> None:
    incident_id = room.declare("x", "P2")
    with pytest.raises(InvalidInput):
        room.log(incident_id, "   ")
    with pytest.raises(InvalidInput, match="unknown entry kind"):
        room.log(incident_id, "x", "gossip")
    with pytest.raises(InvalidInput, match="future"):
        room.log(incident_id, "x", at=clock.now() + dt.timedelta(minutes=5))
    with pytest.raises(NotFound, match="#99"):
        room.log(99, "x")
    assert kinds(room, incident_id) == ["declared"]


def test_status_moves_stamp_times_and_write_rows(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("x", "P1")
    for status in ("identified", "fixing", "monitoring"):
        clock.step(minutes=5)
        room.set_status(incident_id, status)
    clock.step(minutes=5)
    room.set_status(incident_id, "resolved")
    incident = queries.incident(room.db, incident_id)
    assert incident.mitigated_at == dt.datetime(2026, 11, 23, 9, 15, tzinfo=dt.UTC)
    assert incident.resolved_at == dt.datetime(2026, 11, 23, 9, 20, tzinfo=dt.UTC)
    assert kinds(room, incident_id).count("status") == 4
    room.set_status(incident_id, "fixing")  # reopen
    assert queries.incident(room.db, incident_id).resolved_at is None
    room.set_status(incident_id, "resolved")
    with pytest.raises(InvalidInput, match="needs a post-mortem owner"):
        room.set_status(incident_id, "closed")
    room.set_status(incident_id, "closed", postmortem_owner="Bo")
    assert queries.incident(room.db, incident_id).postmortem_owner == "Bo"
    with pytest.raises(InvalidInput, match="closed"):
        room.set_status(incident_id, "fixing")


def test_invalid_status_change_writes_no_row(room: WarRoom) -> None:
    incident_id = room.declare("x", "P1")
    with pytest.raises(InvalidInput, match="already investigating"):
        room.set_status(incident_id, "investigating")
    with pytest.raises(InvalidInput, match="unknown status 'done'"):
        room.set_status(incident_id, "done")
    assert kinds(room, incident_id) == ["declared"]


def test_severity_ack_role_and_impact(room: WarRoom) -> None:
    incident_id = room.declare("x", "P2")
    assert room.set_severity(incident_id, "P0") == "P2"
    room.acknowledge(incident_id)
    with pytest.raises(InvalidInput, match="already acknowledged"):
        room.acknowledge(incident_id)
    assert room.assign_role(incident_id, "commander", "Bo") == "Ana"
    room.assign_role(incident_id, "Tech Lead", "Cy")
    room.set_impact(incident_id, users="40%", business="orders lost")
    incident = queries.incident(room.db, incident_id)
    assert incident.severity == "P0" and incident.acknowledged_at is not None
    assert incident.commander == "Bo"
    assert (incident.impact_users, incident.impact_business) == ("40%", "orders lost")
    holders = {r.role: r.person for r in queries.roles(room.db, incident_id)}
    assert holders == {"commander": "Bo", "tech-lead": "Cy"}
    assert kinds(room, incident_id) == ["declared", "severity", "ack", "role", "role", "impact"]
    history = room.db.conn.execute(
        "SELECT person, ended_at IS NOT NULL FROM roles WHERE role = 'commander' ORDER BY id"
    ).fetchall()
    assert history == [("Ana", 1), ("Bo", 0)]


def test_unknown_role_and_severity_are_named(room: WarRoom) -> None:
    incident_id = room.declare("x", "P2")
    with pytest.raises(InvalidInput, match="unknown role 'janitor'"):
        room.assign_role(incident_id, "janitor", "Bo")
    with pytest.raises(InvalidInput, match="unknown severity 'SEV9'"):
        room.set_severity(incident_id, "SEV9")


def test_a_failure_inside_an_action_leaves_neither_state_nor_row(
    room: WarRoom, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident_id = room.declare("x", "P2")

    def broken_append(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk went away")

    monkeypatch.setattr(UnitOfWork, "append_timeline", broken_append)
    with pytest.raises(RuntimeError):
        room.set_status(incident_id, "fixing")
    with pytest.raises(RuntimeError):
        room.declare("never", "P1")
    assert queries.incident(room.db, incident_id).status == "investigating"
    assert room.db["incidents"].count == 1
    assert not room.db.conn.in_transaction


def test_locked_database_fails_with_reason_and_changes_nothing(
    room: WarRoom,
    db_path,
    clock: FrozenClock,
    policy,
) -> None:
    incident_id = room.declare("x", "P2")
    blocker = store.connect(db_path)
    blocker.conn.execute("PRAGMA busy_timeout = 0")
    blocker.conn.execute("BEGIN IMMEDIATE")
    impatient = store.connect(db_path)
    impatient.conn.execute("PRAGMA busy_timeout = 50")
    other = WarRoom(impatient, clock, Actor("Bo", "bo"), policy)
    with pytest.raises(WriteFailed, match="busy"):
        other.log(incident_id, "hello")
    blocker.conn.execute("ROLLBACK")
    assert kinds(room, incident_id) == ["declared"]


def test_concurrent_writers_lose_nothing(db_path, clock: FrozenClock, policy) -> None:
    first = store.connect(db_path)
    incident_id = WarRoom(first, clock, Actor("Ana", "ana"), policy).declare("x", "P1")

    def scribe(name: str) -> None:
        database = store.connect(db_path)
        writer = WarRoom(database, clock, Actor(name, name), policy)
        for n in range(50):
            writer.log(incident_id, f"{name} {n}")
        database.conn.close()

    threads = [threading.Thread(target=scribe, args=(f"s{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert queries.timeline_count(first, incident_id) == 1 + 200


def test_hand_off_moves_command_and_logs_the_note(room: WarRoom) -> None:
    incident_id = room.declare("x", "P1")
    assert room.hand_off(incident_id, "Bo", "State: fixing. TODO: call vendor.") == "Ana"
    assert queries.incident(room.db, incident_id).commander == "Bo"
    last = queries.timeline(room.db, incident_id)[-1]
    assert last.kind == "role" and last.data["handoff"] == "State: fixing. TODO: call vendor."
    assert "Ana → Bo has command" in last.text
    with pytest.raises(InvalidInput, match="already has command"):
        room.hand_off(incident_id, "Bo", "again")
    with pytest.raises(InvalidInput, match="needs a note"):
        room.hand_off(incident_id, "Cy", "  ")
    assert queries.incident(room.db, incident_id).commander == "Bo"
