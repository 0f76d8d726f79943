"""The scribe's tools: corrections keep history, pins, search, follow-ups, closing."""

from __future__ import annotations

import datetime as dt

import pytest

from warroom.clock import FrozenClock
from warroom.domain.follow_ups import is_overdue, ordered, parse_due
from warroom.domain.models import Actor, FollowUp
from warroom.domain.timeline_state import fold
from warroom.errors import InvalidInput, NotFound
from warroom.service import WarRoom
from warroom.store import queries, scribe_queries


def shown(room: WarRoom, incident_id: int) -> list[tuple[str, str, bool, bool]]:
    """(kind, text, pinned, struck) of every entry as it reads now, scribe kinds only."""
    return [
        (s.entry.kind, s.entry.text, s.pinned, s.struck)
        for s in fold(queries.timeline(room.db, incident_id))
        if s.entry.kind not in ("declared", "follow_up", "status")
    ]


def test_a_correction_supersedes_and_keeps_the_old_text(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("API down", "P1")
    first = room.log(incident_id, "db at 95% cpu", "finding")
    clock.step(minutes=3)
    fixed = room.correct(first, "db at 59% cpu")
    assert shown(room, incident_id) == [("finding", "db at 59% cpu", False, False)]
    rows = queries.timeline(room.db, incident_id)
    old, new = rows[-2], rows[-1]
    assert (old.id, old.text) == (first, "db at 95% cpu")  # never changed in place
    assert (new.id, new.supersedes, new.at) == (fixed, first, old.at)  # same place in time
    assert new.logged_at == old.logged_at + dt.timedelta(minutes=3)
    state = fold(rows)
    assert [h.text for h in state[-1].history] == ["db at 95% cpu"]


def test_correcting_a_stale_version_is_refused(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1")
    first = room.log(incident_id, "typo")
    room.correct(first, "fixed by Ana")
    other = WarRoom(room.db, room.clock, Actor("Bo", "bo"), room.policy)
    with pytest.raises(InvalidInput, match="already corrected by Ana"):
        other.correct(first, "fixed by Bo")
    assert [t for _, t, _, _ in shown(room, incident_id)] == ["fixed by Ana"]


def test_strike_keeps_the_entry_marked_with_the_reason(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1")
    entry = room.log(incident_id, "wrong incident", "decision")
    struck = room.strike(entry, "logged on the wrong incident")
    assert shown(room, incident_id) == [("decision", "wrong incident", False, True)]
    assert scribe_queries.entry(room.db, struck).data["reason"] == "logged on the wrong incident"
    with pytest.raises(InvalidInput, match="already struck"):
        room.strike(struck)
    room.correct(struck, "right incident after all")  # un-strikes with new text
    assert shown(room, incident_id) == [("decision", "right incident after all", False, False)]


def test_console_records_cannot_be_corrected(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1")
    declared = queries.timeline(room.db, incident_id)[0].id
    with pytest.raises(InvalidInput, match="declared record"):
        room.correct(declared, "something else")
    with pytest.raises(NotFound, match="#999"):
        room.strike(999)


def test_pin_follows_the_entry_through_corrections(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1")
    entry = room.log(incident_id, "rolled back deploy 42", "action")
    room.pin(entry)
    with pytest.raises(InvalidInput, match="already pinned"):
        room.pin(entry)
    newer = room.correct(entry, "rolled back deploy 43")
    assert shown(room, incident_id) == [("action", "rolled back deploy 43", True, False)]
    with pytest.raises(InvalidInput, match="already pinned"):
        room.pin(newer)
    room.pin(newer, pinned=False)
    assert shown(room, incident_id) == [("action", "rolled back deploy 43", False, False)]


def test_search_matches_words_and_prefixes_in_one_incident(room: WarRoom) -> None:
    one = room.declare("API down", "P1")
    two = room.declare("Other", "P2")
    hit = room.log(one, "saw 5xx-spike on checkout")
    room.log(one, "nothing to see")
    room.log(two, "5xx on the other incident")
    assert scribe_queries.search(room.db, one, "5xx") == [hit]
    assert scribe_queries.search(room.db, one, "check") == [hit]  # last word is a prefix
    assert scribe_queries.search(room.db, one, "spike 5xx") == [hit]  # any order
    for odd in ('"', "AND", "*", "NEAR(", "[bold]", ""):
        assert isinstance(scribe_queries.search(room.db, one, odd), list)  # never a syntax error
    fixed = room.correct(hit, "saw 503s on checkout")
    assert scribe_queries.search(room.db, one, "503s") == [fixed]


def test_follow_up_promoted_from_a_todo(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("API down", "P1")
    todo = room.log(incident_id, "add an alert on pool saturation", "todo")
    follow_up = room.promote(todo, owner="Bo", due=dt.date(2026, 11, 30), priority="h")
    item = scribe_queries.follow_up(room.db, follow_up)
    assert (item.text, item.owner, item.due, item.priority, item.status, item.from_entry) == (
        "add an alert on pool saturation",
        "Bo",
        dt.date(2026, 11, 30),
        "high",
        "open",
        todo,
    )
    with pytest.raises(InvalidInput, match=f"already follow-up #{follow_up}"):
        room.promote(todo)
    last = queries.timeline(room.db, incident_id)[-1]
    assert last.kind == "follow_up"
    assert last.text == (
        f"Follow-up #{follow_up} (high, Bo, due 2026-11-30): add an alert on pool saturation"
    )
    clock.step(hours=1)
    room.update_follow_up(follow_up, status="won't do")
    assert scribe_queries.follow_up(room.db, follow_up).status == "wont-do"
    with pytest.raises(InvalidInput, match="already like that"):
        room.update_follow_up(follow_up, status="wont-do")
    with pytest.raises(InvalidInput, match="unknown priority 'urgent'"):
        room.add_follow_up(incident_id, "x", priority="urgent")


def test_closing_asks_for_a_postmortem_owner_and_counts_open_follow_ups(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1")
    room.add_follow_up(incident_id, "write the runbook")
    room.set_status(incident_id, "resolved")
    with pytest.raises(InvalidInput, match="post-mortem owner"):
        room.set_status(incident_id, "closed")
    assert queries.incident(room.db, incident_id).status == "resolved"
    room.set_status(incident_id, "closed", postmortem_owner="Cy")
    last = queries.timeline(room.db, incident_id)[-1]
    assert last.text == ("Status resolved → closed. Post-mortem owner: Cy; open follow-ups: 1")


def test_policy_may_relax_the_postmortem_owner(room: WarRoom) -> None:
    import dataclasses

    relaxed = WarRoom(
        room.db,
        room.clock,
        room.actor,
        dataclasses.replace(room.policy, require_postmortem_owner=False),
    )
    incident_id = relaxed.declare("API down", "P3")
    relaxed.set_status(incident_id, "resolved")
    relaxed.set_status(incident_id, "closed")
    assert queries.incident(room.db, incident_id).status == "closed"


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("", None),
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("+3d", dt.date(2026, 11, 26)),
        ("2w", dt.date(2026, 12, 7)),
        ("tomorrow", dt.date(2026, 11, 24)),
        ("fri", dt.date(2026, 11, 27)),
        ("Monday", dt.date(2026, 11, 30)),  # the next one, not today
    ],
)
def test_due_dates_are_typed_the_way_people_say_them(typed: str, due: dt.date | None) -> None:
    assert parse_due(typed, dt.date(2026, 11, 23)) == due  # a Monday


def test_a_bad_due_date_is_named() -> None:
    with pytest.raises(ValueError, match="'next month' is not a due date"):
        parse_due("next month", dt.date(2026, 11, 23))


def test_follow_ups_order_open_and_urgent_first(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1")
    low = room.add_follow_up(incident_id, "low", priority="low")
    high_late = room.add_follow_up(
        incident_id, "high late", priority="high", due=dt.date(2027, 1, 1)
    )
    high_soon = room.add_follow_up(
        incident_id, "high soon", priority="high", due=dt.date(2026, 11, 1)
    )
    done = room.add_follow_up(incident_id, "done", priority="high")
    room.update_follow_up(done, status="done")
    items = ordered(scribe_queries.follow_ups(room.db, incident_id))
    assert [i.id for i in items] == [high_soon, high_late, low, done]
    assert is_overdue(items[0], dt.date(2026, 11, 23))
    assert not is_overdue(items[3], dt.date(2026, 11, 23))


def test_upgrading_an_older_database_indexes_its_timeline(db_path, clock, policy) -> None:
    import sqlite3

    import sqlite_utils

    from warroom import store

    conn = sqlite3.connect(db_path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    conn.execute("CREATE TABLE warroom_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO warroom_meta VALUES ('app', 'warroom'), ('schema_version', '4')")
    store.migrations.apply(old, stop_before="005_scribe")
    conn.execute(
        "INSERT INTO incidents (title, severity, status, kind, declared_at)"
        " VALUES ('old', 'P1', 'investigating', 'availability', '2026-11-01T00:00:00Z')"
    )
    conn.execute(
        "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text)"
        " VALUES (1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', 'Ana', 'ana', 'note',"
        " 'written before search existed')"
    )
    conn.close()
    upgraded = store.connect(db_path)
    assert scribe_queries.search(upgraded, 1, "before search") == [1]
    assert queries.incident(upgraded, 1).postmortem_owner == ""
    upgraded.conn.close()


def test_a_corrected_todo_cannot_become_a_second_follow_up(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1")
    todo = room.log(incident_id, "add pool alert", "todo")
    follow_up = room.promote(todo)
    newer = room.correct(todo, "add a pool saturation alert")
    with pytest.raises(InvalidInput, match=f"already follow-up #{follow_up}"):
        room.promote(newer)
    other = room.log(incident_id, "wrong idea", "todo")
    struck = room.strike(other, "not needed")
    with pytest.raises(InvalidInput, match="struck out"):
        room.promote(struck)
    with pytest.raises(InvalidInput, match="use the newer version"):
        room.promote(other)
    assert len(scribe_queries.follow_ups(room.db, incident_id)) == 1


def test_status_updates_read_the_timeline_as_it_stands(room: WarRoom, clock: FrozenClock) -> None:
    from warroom import composer
    from warroom.loaders.templates import load_templates

    incident_id = room.declare("API down", "P1")
    typo = room.log(incident_id, "roll back deploy 24", "decision")
    room.correct(typo, "roll back deploy 42")
    wrong = room.log(incident_id, "fail over to us-east", "decision")
    room.strike(wrong, "decided against")
    template = load_templates()["internal-update"]
    text = composer.fill(room.db, room.policy, incident_id, template, clock.now(), dt.UTC)
    assert "roll back deploy 42" in text
    assert "deploy 24" not in text and "fail over to us-east" not in text


def test_an_edit_sends_only_what_the_person_changed() -> None:
    from warroom.domain.follow_ups import edits

    seen = FollowUp(
        id=1,
        incident_id=1,
        text="add an alert",
        owner="Ana",
        due=dt.date(2026, 12, 3),
        priority="medium",
        status="open",
        from_entry=None,
        created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        created_by="Ana",
        updated_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        updated_by="Ana",
    )
    unchanged = {"owner": "Ana", "due": seen.due, "priority": "medium", "status": "open"}
    assert edits(seen, **unchanged) == {}
    assert edits(seen, **{**unchanged, "owner": "Bo", "due": None}) == {"owner": "Bo", "due": None}
