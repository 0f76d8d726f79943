"""The ladder says what the record says: every rung shown as called was called.

Under the default policy and two written from seeds (tests/fixtures/policies:
ladder_p0_p3 from seed 003, ladder_critical_low from seed 004, with business
hours), on a frozen clock stepped through the incident.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from warroom.clock import FrozenClock
from warroom.domain.escalation import DUE, ENGAGED, STOPPED, VACANT, WAITING, LadderStatus
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.errors import InvalidInput
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model

T0 = dt.datetime(2026, 11, 23, 9, 0, 0, tzinfo=dt.UTC)  # a Monday 09:00 in London
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"


def seeded(name: str) -> Policy:
    return load_policy(FIXTURES / name)


def room_for(db: sqlite_utils.Database, clock: FrozenClock, policy: Policy) -> WarRoom:
    return WarRoom(db, clock, Actor("Ana", "ana"), policy)


def ladder(room: WarRoom, incident_id: int) -> LadderStatus:
    view = read_model.incident_view(room.db, incident_id)
    return view.ladder(room.policy, room.clock.now())


def shown(status: LadderStatus) -> list[tuple[str, str, str]]:
    return [(r.rung.who, r.state, r.responder.name) for r in status.rungs]


def assert_called_means_recorded(room: WarRoom, incident_id: int) -> None:
    """Every rung the ladder shows as engaged has its call on record, naming that person."""
    view = read_model.incident_view(room.db, incident_id)
    status = view.ladder(room.policy, room.clock.now())
    recorded = {(e.who, e.person) for e in view.engagements}
    for rung in status.rungs:
        if rung.state == ENGAGED:
            assert rung.engagement is not None
            assert (rung.rung.who, rung.responder.name) in recorded


def test_upgrade_after_a_manual_escalation_does_not_tick_the_eng_lead(
    db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    # the report: P1, the on-call paged, the tech lead called by hand, then P0
    room = room_for(db, clock, policy)
    incident_id = room.declare("Checkout down", "P1")
    room.assign_role(incident_id, "tech-lead", "Chen Wei")
    room.sweep()  # On-call (Ben Okafor this week)
    clock.step(minutes=5)
    [by_hand] = room.escalate(incident_id)
    assert (by_hand.who, by_hand.person) == ("Tech lead", "Chen Wei")
    clock.step(minutes=5)
    room.set_severity(incident_id, "P0")

    status = ladder(room, incident_id)
    assert shown(status) == [
        ("On-call", ENGAGED, "Ben Okafor"),
        ("Eng lead", DUE, "Dana Kim"),  # never called: not ticked
        ("CTO", WAITING, "Eve Adams"),
        ("CEO", WAITING, "Femi Bello"),
    ]
    assert [(e.who, e.person) for e in status.earlier] == [("Tech lead", "Chen Wei")]
    assert_called_means_recorded(room, incident_id)

    swept = room.sweep()  # the Eng lead is due at once on a P0: called now, and recorded
    assert [(e.who, e.person) for e in swept.engaged] == [("Eng lead", "Dana Kim")]
    status = ladder(room, incident_id)
    eng_lead = status.rungs[1]
    assert eng_lead.state == ENGAGED and eng_lead.engagement is not None
    assert eng_lead.engagement.engaged_at == T0 + dt.timedelta(minutes=10)  # when it was called
    assert eng_lead.engagement.severity == "P0"
    assert room.sweep().engaged == []  # once
    assert_called_means_recorded(room, incident_id)


def test_a_downgrade_keeps_what_was_called_and_calls_nobody_twice(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, seeded("ladder_p0_p3.yaml"))
    incident_id = room.declare("Payments failing", "P0")
    room.sweep()  # On-call and the Engineering lead at once
    clock.step(minutes=31)
    room.sweep()  # the CTO after 30 minutes unresolved
    room.set_severity(incident_id, "P1")
    room.set_severity(incident_id, "P0")
    assert room.sweep().engaged == []
    calls = read_model.incident_view(room.db, incident_id).engagements
    assert [e.who for e in calls] == ["On-call", "Engineering lead", "CTO"]
    assert [r.state for r in ladder(room, incident_id).rungs] == [ENGAGED, ENGAGED, ENGAGED]


def test_a_security_incident_also_calls_the_security_team_and_legal(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, seeded("ladder_p0_p3.yaml"))
    outage = room.declare("API down", "P0", "availability")
    breach = room.declare("Tokens leaked", "P0", "security")
    assert [r.rung.who for r in ladder(room, outage).rungs] == [
        "On-call", "Engineering lead", "CTO"
    ]  # fmt: skip
    assert [r.rung.who for r in ladder(room, breach).rungs][-2:] == ["Security Team", "Legal"]
    room.acknowledge(breach)
    clock.step(minutes=40)
    room.set_status(breach, "resolved")  # resolved: the unresolved rungs stop...
    clock.step(minutes=25)
    swept = room.sweep()
    # ...but Legal is a plain timer (`when: always`): told at 1h, acknowledged and resolved
    assert [(e.incident_id, e.who) for e in swept.engaged if e.incident_id == breach] == [
        (breach, "Legal")
    ]
    legal = ladder(room, breach).rungs[-1]
    assert legal.state == ENGAGED and legal.notify == "Email"
    assert legal.engagement is not None
    assert legal.engagement.engaged_at == T0 + dt.timedelta(hours=1)
    # the kind changing to security brings its rungs in: due at once when their time has come
    room.set_kind(outage, "security")
    assert [r.state for r in ladder(room, outage).rungs][-2:] == [DUE, DUE]


def test_a_rung_nobody_holds_falls_through_with_a_warning(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, seeded("ladder_p0_p3.yaml"))
    incident_id = room.declare("Login slow", "P1")  # On-call, Tech Lead 15m unacked, CTO 2h
    room.sweep()
    status = ladder(room, incident_id)
    assert status.rungs[1].responder.vacant  # nobody is Tech Lead: shown before it fires
    clock.step(minutes=15)
    swept = room.sweep()
    assert [(e.who, e.person) for e in swept.engaged] == [("Tech Lead", ""), ("CTO", "Eve Adams")]
    status = ladder(room, incident_id)
    assert [r.state for r in status.rungs] == [ENGAGED, VACANT, ENGAGED]
    timeline = read_model.timeline(room.db, incident_id)
    warning = next(e for e in timeline if e.kind == "escalation" and e.data.get("vacant"))
    assert "nobody holds it; falls through to level 3 CTO" in warning.text
    assert all("Escalated to level 2" not in e.text for e in timeline)  # never "to nobody"


def test_the_last_rung_vacant_says_nobody_is_left_under_business_hours(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, seeded("ladder_critical_low.yaml"))
    clock.set(dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC))  # a Friday, 15:00 in London
    incident_id = room.declare("Reports slow", "medium")  # Team Lead after 4 working hours
    room.sweep()
    team_lead = ladder(room, incident_id).rungs[1]
    assert team_lead.due_at == dt.datetime(2026, 11, 30, 11, 0, tzinfo=dt.UTC)  # Monday 11:00
    clock.set(team_lead.due_at - dt.timedelta(seconds=1))
    assert room.sweep().engaged == []
    clock.step(seconds=1)
    assert [(e.who, e.person) for e in room.sweep().engaged] == [("Team Lead", "")]
    warning = read_model.timeline(room.db, incident_id)[-1]
    assert warning.text.startswith("⚠ Level 2 Team Lead: nobody holds it; nobody is left")


def test_a_vacant_rota_slot_falls_through_to_the_plain_timer_rung(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, seeded("ladder_critical_low.yaml"))
    clock.set(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))  # Tom Berg's week: no second
    incident_id = room.declare("Site down", "critical")
    assert [e.person for e in room.sweep().engaged] == ["Tom Berg", "Omar Haddad"]
    clock.step(minutes=15)
    swept = room.sweep()
    assert [(e.who, e.person) for e in swept.engaged] == [
        ("Developer on duty secondary", ""),
        ("Operations Manager", ""),  # an incident role nobody holds either
    ]
    status = ladder(room, incident_id)
    assert [r.state for r in status.rungs] == [ENGAGED, ENGAGED, VACANT, VACANT]
    assert status.manual_next is None
    # someone takes the vacant role: the rung the ladder reached is due again, for them,
    # and called once (the rota slot nobody holds stays vacant)
    room.assign_role(incident_id, "operations manager", "Lea Roth")
    status = ladder(room, incident_id)
    assert [r.state for r in status.rungs] == [ENGAGED, ENGAGED, VACANT, DUE]
    assert status.rungs[3].responder.name == "Lea Roth"
    assert [(e.who, e.person) for e in room.sweep().engaged] == [("Operations Manager", "Lea Roth")]
    clock.step(hours=2)
    assert room.sweep().engaged == []
    status = ladder(room, incident_id)
    assert [r.state for r in status.rungs] == [ENGAGED, ENGAGED, VACANT, ENGAGED]


def test_escalating_by_hand_calls_the_rung_confirmed_and_nothing_else(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    room = room_for(db, clock, seeded("ladder_critical_low.yaml"))
    incident_id = room.declare("Search degraded", "high")  # Engineering Manager 30m unacked
    room.sweep()
    room.acknowledge(incident_id)
    status = ladder(room, incident_id)
    nxt = status.manual_next
    assert nxt is not None and (nxt.rung.who, nxt.state) == ("Engineering Manager", STOPPED)
    with pytest.raises(InvalidInput, match="ladder moved on"):
        room.escalate(incident_id, expected="CTO")
    assert [e.who for e in read_model.incident_view(room.db, incident_id).engagements] == [
        "Developer on duty"
    ]
    [called] = room.escalate(incident_id, expected="Engineering Manager")
    assert (called.person, called.how) == ("Kim Sato", "manual")
    with pytest.raises(InvalidInput, match="top of its high ladder"):
        room.escalate(incident_id)


def test_a_database_from_before_008_keeps_its_calls_and_shows_them_truthfully(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    import sqlite3

    from warroom import store

    conn = sqlite3.connect(db_path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    conn.execute("CREATE TABLE warroom_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute(
        "INSERT INTO warroom_meta VALUES ('app', 'warroom'), ('schema_version', ?)",
        (str(store.SCHEMA_VERSION - 1),),
    )
    store.migrations.apply(old, stop_before="008_roles_and_pages")
    # the report, as an older warroom stored it: level 2 on P1, then an upgrade to P0
    conn.execute(
        "INSERT INTO incidents (title, severity, status, kind, declared_at, escalation_level)"
        " VALUES ('old', 'P0', 'investigating', 'availability', '2026-11-23T09:00:00Z', 2)"
    )
    conn.executemany(
        "INSERT INTO escalations (incident_id, level, who, person, notify, engaged_at, how, by)"
        " VALUES (1, ?, ?, ?, 'Slack + Phone', ?, ?, ?)",
        [
            (1, "On-call", "Ben Okafor", "2026-11-23T09:00:00Z", "auto", "warroom"),
            (2, "Tech lead", "Chen Wei", "2026-11-23T09:03:00Z", "manual", "Ana"),
        ],
    )
    conn.execute(
        "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text, data)"
        " VALUES (1, '2026-11-23T09:05:00Z', '2026-11-23T09:05:00Z', 'Ana', 'ana', 'severity',"
        ' \'Severity P1 → P0\', \'{"from": "P1", "to": "P0"}\')'
    )
    conn.close()
    clock.set(T0 + dt.timedelta(minutes=6))
    room = room_for(store.connect(db_path), clock, policy)
    status = ladder(room, 1)
    assert [(r.rung.who, r.state) for r in status.rungs][:2] == [
        ("On-call", ENGAGED),
        ("Eng lead", DUE),  # the old level said 2: it was never called
    ]
    assert [e.who for e in status.earlier] == ["Tech lead"]
    assert [(e.who, e.level) for e in room.sweep().engaged] == [("Eng lead", 2)]  # level 2 again
    calls = read_model.incident_view(room.db, 1).engagements
    assert [(e.who, e.severity) for e in calls] == [
        ("On-call", ""), ("Tech lead", ""), ("Eng lead", "P0")
    ]  # fmt: skip
    assert calls[-1].engaged_at == T0 + dt.timedelta(minutes=5)  # when the upgrade made it due
