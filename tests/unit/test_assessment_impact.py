"""Rapid-assessment answers fill the incident's impact when it is empty (one unit of
work with its timeline row), and never overwrite an impact someone typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.runbooks import RunbookError, dump_runbook, parse_runbook
from warroom.loaders.policy import load_policy
from warroom.loaders.runbooks import load_runbooks
from warroom.service import WarRoom
from warroom.store import queries

USERS = "rapid-assessment/triage-questions/2"
SERVICES = "rapid-assessment/triage-questions/1"


@pytest.fixture
def room(db_path: Path, clock: FrozenClock) -> WarRoom:
    return WarRoom(
        store.connect(db_path), clock, Actor("Ana", "ana"), load_policy(), load_runbooks()
    )


def test_answers_fill_an_empty_impact_with_their_own_timeline_row(room: WarRoom) -> None:
    incident_id = room.declare("Checkout errors", "P1", "availability")
    room.answer(incident_id, USERS, "about 40% of EU users")
    room.answer(incident_id, SERVICES, "checkout-api")
    incident = queries.incident(room.db, incident_id)
    assert (incident.impact_users, incident.impact_services) == (
        "about 40% of EU users",
        "checkout-api",
    )
    impact_rows = [e for e in queries.timeline(room.db, incident_id) if e.kind == "impact"]
    assert [e.text for e in impact_rows] == [
        "Impact — users: about 40% of EU users (from the rapid assessment)",
        "Impact — services: checkout-api (from the rapid assessment)",
    ]
    assert impact_rows[0].data["from_answer"] == USERS


def test_an_answer_never_overwrites_a_typed_impact(room: WarRoom) -> None:
    incident_id = room.declare("Checkout errors", "P1", "availability")
    room.set_impact(incident_id, users="EU checkout sessions")
    room.answer(incident_id, USERS, "unknown")
    room.answer(incident_id, USERS, "40%")  # a revised answer: the impact stays as typed
    assert queries.incident(room.db, incident_id).impact_users == "EU checkout sessions"
    answers = [e for e in queries.timeline(room.db, incident_id) if e.kind == "impact"]
    assert len(answers) == 1  # only the typed one


def test_an_item_names_an_impact_field_only_with_a_question() -> None:
    text = (
        "id: rb\ntitle: RB\nsections:\n  - title: S\n    items:\n"
        "      - text: Users?\n        impact: users\n"
    )
    with pytest.raises(RunbookError, match="needs an ask"):
        parse_runbook(text, "rb.yaml")
    asked = text.replace("impact: users", "ask: Who?\n        impact: {}")
    with pytest.raises(RunbookError, match="not an impact field"):
        parse_runbook(asked.format("cats"), "rb.yaml")
    runbook = parse_runbook(asked.format("users"), "rb.yaml")
    assert parse_runbook(dump_runbook(runbook), "again.yaml") == runbook
