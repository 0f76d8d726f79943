"""Runbooks attach where they apply; ticks are operations that never clobber each other."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain import checklists as rules
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.runbooks import parse_runbook
from warroom.errors import InvalidInput, NotFound
from warroom.loaders.runbooks import load_runbooks
from warroom.service import WarRoom
from warroom.store import checklist_queries, queries


@pytest.fixture
def room(db: sqlite_utils.Database, clock: FrozenClock, policy: Policy) -> WarRoom:
    return WarRoom(db, clock, Actor("Ana", "ana"), policy, load_runbooks())


def attached(room: WarRoom, incident_id: int) -> list[str]:
    return [c.runbook_id for c in checklist_queries.checklists(room.db, incident_id)]


def test_declaring_attaches_the_runbooks_that_apply(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P0", "availability")
    ids = attached(room, incident_id)
    assert {"initial-response", "rapid-assessment", "p0-critical", "availability"} <= set(ids)
    assert "security-incident" not in ids and "p1-high" not in ids
    # one row for all of them, signed by the system (issue 13: seven rows filled the timeline)
    rows = [e for e in queries.timeline(room.db, incident_id) if e.kind == "checklist"]
    assert len(rows) == 1 and rows[0].author == "warroom"
    assert rows[0].text.startswith("Runbooks attached for P0 availability: Initial response")
    assert "Critical incident (highest severity)" in rows[0].text


def test_severity_and_kind_changes_attach_new_runbooks_once(room: WarRoom) -> None:
    incident_id = room.declare("Odd logins", "P2", "availability")
    room.set_severity(incident_id, "P1")
    room.set_kind(incident_id, "security")
    room.set_severity(incident_id, "P2")
    room.set_severity(incident_id, "P1")
    ids = attached(room, incident_id)
    assert ids.count("p1-high") == 1 and ids.count("security-incident") == 1
    room.detach_runbook(incident_id, "p1-high")
    room.set_severity(incident_id, "P2")
    room.set_severity(incident_id, "P1")
    assert "p1-high" not in attached(room, incident_id)  # detached stays detached


def test_attach_and_detach_by_hand(room: WarRoom) -> None:
    incident_id = room.declare("x", "P3", "performance")
    assert "rollback" not in attached(room, incident_id)  # on request only
    room.attach_runbook(incident_id, "rollback")
    room.detach_runbook(incident_id, "rollback")
    room.attach_runbook(incident_id, "rollback")
    with pytest.raises(InvalidInput, match="already attached"):
        room.attach_runbook(incident_id, "rollback")
    with pytest.raises(InvalidInput, match="unknown runbook 'nope'"):
        room.attach_runbook(incident_id, "nope")
    with pytest.raises(NotFound, match="not attached"):
        room.detach_runbook(incident_id, "p0-critical")


def test_tick_by_number_or_key_records_who_and_when(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("x", "P1")
    clock.step(minutes=2)
    room.tick(incident_id, "1")
    room.tick(incident_id, "initial-response/take-the-incident/3")
    [first, *_] = checklist_queries.checklists(room.db, incident_id)
    # item 2, "Create the incident record", was ticked by the system at declaration
    assert [(i.done, i.done_by) for i in first.items[:4]] == [
        (True, "Ana"),
        (True, "warroom"),
        (True, "Ana"),
        (False, None),
    ]
    assert first.items[0].done_at == clock.now()
    assert str(rules.progress(first.items)) == "3/9"
    texts = [e.text for e in queries.timeline(room.db, incident_id) if e.kind == "checklist"]
    assert "Ticked: Acknowledge the alert or report" in texts
    with pytest.raises(NotFound, match="no checklist item '999'"):
        room.tick(incident_id, "999")


def test_a_stale_tick_never_unticks(
    room: WarRoom, db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    incident_id = room.declare("x", "P1")
    other = WarRoom(room.db, clock, Actor("Bo", "bo"), policy)
    other.tick(incident_id, "3")
    with pytest.raises(InvalidInput, match="already ticked by Bo"):
        room.tick(incident_id, "3")  # Ana's screen still showed it open
    item = checklist_queries.checklists(room.db, incident_id)[0].items[2]
    assert item.done and item.done_by == "Bo"
    room.tick(incident_id, "3", done=False)
    with pytest.raises(InvalidInput, match="not ticked"):
        room.tick(incident_id, "3", done=False)


def test_answers_are_kept_and_offered_to_templates(room: WarRoom) -> None:
    incident_id = room.declare("x", "P1")
    room.answer(incident_id, "rapid-assessment/triage-questions/2", "about 40% [bold]")
    answers = checklist_queries.answers(room.db, incident_id)
    question = next(iter(answers))
    assert question.startswith("How many users are affected")
    assert answers[question] == "about 40% [bold]"
    with pytest.raises(InvalidInput, match="asks no question"):
        room.answer(incident_id, "1", "yes")
    rows = [e.text for e in queries.timeline(room.db, incident_id) if e.kind == "checklist"]
    assert rows[-1].endswith("— about 40% [bold]")


def test_overdue_items_follow_their_within_target(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("x", "P1")
    declared = clock.now()
    items = {i.key: i for c in checklist_queries.checklists(room.db, incident_id) for i in c.items}
    question = items["rapid-assessment/triage-questions/1"]
    assert question.within == dt.timedelta(minutes=15)
    assert not rules.is_overdue(question, declared, declared + dt.timedelta(minutes=15))
    assert rules.is_overdue(question, declared, declared + dt.timedelta(minutes=15, seconds=1))


def test_two_processes_ticking_a_hundred_items_each_lose_nothing(
    db_path: Path, clock: FrozenClock, policy: Policy, tmp_path: Path
) -> None:
    team = tmp_path / "runbooks"
    team.mkdir()
    lines = ["id: big", "title: Big", "sections:", "  - title: All", "    items:"]
    lines += [f"      - Step {n}" for n in range(1, 201)]
    (team / "big.yaml").write_text("\n".join(lines) + "\n")
    book = parse_runbook((team / "big.yaml").read_text(), "big.yaml")
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy, [book])
    incident_id = room.declare("x", "P3")
    script = (
        "import sys\n"
        "from warroom.cli import cli\n"
        "db, team, start = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
        "for n in range(start, 201, 2):\n"
        "    try:\n"
        "        cli(['--db', db, '--runbooks', team, '--as', f'p{start}', 'tick',"
        f" '{incident_id}', f'big/all/{{n}}'], standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(db_path), str(team), str(start)])
        for start in (1, 2)
    ]
    assert [p.wait(timeout=240) for p in procs] == [0, 0]
    [big] = [c for c in checklist_queries.checklists(room.db, incident_id) if c.runbook_id == "big"]
    assert str(rules.progress(big.items)) == "200/200"
    assert {i.done_by for i in big.items} == {"p1", "p2"}
