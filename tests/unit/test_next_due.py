"""The next deadline kept per incident (store.next_due) and the list read from it
(store.list_rows, cli.list_output): what the list shows is what working every
incident's clocks out gives, after every kind of write, whoever wrote it, at any
moment; and the text printed is byte for byte what the records and dicts print."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from tests.unit.test_list_next_deadline import _varied
from warroom import store
from warroom.cli.json_shapes import incident_json, timer_json
from warroom.cli.list_output import indented, plain_lines
from warroom.clock import FrozenClock
from warroom.domain import next_due as rules
from warroom.domain import sla
from warroom.domain.lifecycle import age_until
from warroom.domain.models import Actor
from warroom.domain.policy import Policy, parse_policy
from warroom.domain.policy_record import UNKNOWN_SEVERITY, unknown_severity
from warroom.domain.timefmt import format_age
from warroom.domain.visible import json_text, pad, visible
from warroom.domain.visible import visible_line as one_line
from warroom.loaders.policy import default_policy_text
from warroom.service import WarRoom
from warroom.store import next_due, read_model
from warroom.store.db import SCHEMA_VERSION


def _worked_out(
    db: sqlite_utils.Database, policy: Policy, now: dt.datetime
) -> dict[int, sla.Timer | None]:
    """Each incident's next deadline from its clock inputs read whole (the old way)."""
    listed = read_model.incident_list(db, policy, show_ended=True, breaches=False)
    return {i.id: listed.next_deadline(i.id, policy, now) for i in listed.incidents}


def _timer(timer: sla.Timer | None) -> sla.Timer | None:
    """A timer without who the next rung calls (a kept deadline does not say)."""
    return None if timer is None else dataclasses.replace(timer, detail="")


def _shown(timer: sla.Timer | None) -> rules.Reading | None:
    """A timer as the list shows it."""
    return None if timer is None else rules.reading_of(timer)


def _assert_kept(db: sqlite_utils.Database, policy: Policy, clock: FrozenClock) -> int:
    """Every incident whose clocks run has a kept deadline that holds, equal to the one
    worked out, now and later; the list shows the same. Returns how many were kept."""
    kept = next_due.kept(db, policy)
    incidents = read_model.incident_list(db, policy, show_ended=True, breaches=False).incidents
    running = [i for i in incidents if rules.clocks_run(i)]
    assert running and {i.id for i in running} <= set(kept)
    for minutes in (0, 7, 95, 60 * 24 * 9):
        now = clock.now() + dt.timedelta(minutes=minutes)
        expected = _worked_out(db, policy, now)
        for incident in running:
            assert rules.holds_at(kept[incident.id], now), incident.id
            shown = rules.timer_at(kept[incident.id], policy, now)
            assert shown == _timer(expected[incident.id]), (incident.id, minutes)
        rows = read_model.list_rows(db, policy, now, show_ended=True)
        assert [(r.id, r.timer) for r in rows] == [
            (i.id, _shown(expected[i.id])) for i in incidents
        ]
    return len(running)


def test_every_kind_of_write_keeps_the_deadline_the_list_shows(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    _varied(room, clock)
    assert _assert_kept(db, policy, clock) > 20
    first = room.declare("checkout down", "P2")
    second = room.declare("logins slow", "P1", "performance")
    steps = [
        lambda: room.acknowledge(first),
        lambda: room.set_severity(first, "P0"),  # upgraded: shorter targets from now
        lambda: room.set_severity(second, "P3"),  # downgraded
        lambda: room.set_kind(second, "security"),  # another ladder
        lambda: room.assign_role(first, "Tech lead", "Bea"),
        lambda: room.unassign_role(first, "Tech lead", "Bea"),
        lambda: room.post_update(first, "mitigating", audience="internal"),
        lambda: room.post_update(first, "we are on it", audience="external"),
        lambda: room.sweep(),  # rungs reached, breaches recorded
        lambda: room.set_status(first, "monitoring"),
        lambda: room.set_status(first, "resolved"),
        lambda: room.set_status(first, "investigating"),  # reopened
        lambda: room.set_status(first, "resolved"),
        lambda: room.set_status(first, "closed", postmortem_owner="Ana"),
        lambda: room.postmortem(first, done=True),
        lambda: room.set_status(second, "cancelled"),
    ]
    for step in steps:
        clock.step(minutes=13)
        step()
        _assert_kept(db, policy, clock)
    assert second not in next_due.kept(db, policy)  # cancelled: no clock, no row
    assert second not in {r.id for r in read_model.list_rows(db, policy, clock.now()) if r.timer}


def test_a_policy_adopted_works_every_deadline_out_under_it(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    _varied(room, clock)
    room.check_policy()  # the first writer records its policy
    assert next_due.filled_under(db) == next_due.rules(policy)
    faster = parse_policy(
        default_policy_text().replace("ack: 5m", "ack: 2m"), "faster.yaml"
    )  # P0 acknowledged within 2 minutes
    assert faster.severity("P0").ack == dt.timedelta(minutes=2)
    assert next_due.kept(db, faster) == {}  # rows of another policy are never read
    other = WarRoom(db, clock, Actor("Bea", "bea"), faster)
    other.adopt_policy()
    assert next_due.filled_under(db) == next_due.rules(faster)
    assert _assert_kept(db, faster, clock) > 20


def test_an_upgrade_works_every_deadline_out_again(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    _varied(room, clock)
    room.check_policy()
    with db.conn:  # as rows written under an older warroom's rules
        db.conn.execute("UPDATE next_due SET rules = 'older'")
        db.conn.execute("UPDATE warroom_meta SET value = 'older' WHERE key = ?", (next_due.META,))
    assert next_due.kept(db, policy) == {}
    clock.step(minutes=5)
    now = clock.now()
    expected = _worked_out(db, policy, now)  # worked out afresh meanwhile, as before
    shown = {r.id: r.timer for r in read_model.list_rows(db, policy, now, show_ended=True)}
    assert shown == {i: _shown(t) for i, t in expected.items()}
    room.check_policy()  # what every command that writes runs first
    assert _assert_kept(db, policy, clock) > 20


def test_a_write_outside_the_service_is_never_shown_stale(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    incident = room.declare("API down", "P1")
    other = room.declare("DB slow", "P2")
    clock.step(minutes=3)
    before = next_due.kept(db, policy)
    assert incident in before and other in before
    with db.conn:  # an import, a hand edit: the file's triggers see it, nothing else does
        db.conn.execute("UPDATE incidents SET severity = 'P0' WHERE id = ?", (incident,))
        db.conn.execute(
            "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text,"
            " data) VALUES (?, ?, ?, 'x', 'x', 'severity', 'P1 -> P0', ?)",
            (incident, "2026-11-23T09:01:00Z", "2026-11-23T09:01:00Z",
             json.dumps({"from": "P1", "to": "P0"})),
        )  # fmt: skip
    after = next_due.kept(db, policy)
    assert incident not in after and after[other] == before[other]
    now = clock.now()
    rows = {r.id: r.timer for r in read_model.list_rows(db, policy, now)}
    expected = _worked_out(db, policy, now)
    assert rows[incident] == _shown(expected[incident])
    assert rows[incident] != _shown(rules.timer_at(before[incident], policy, now))  # it moved
    assert rows[incident] is not None and rows[incident].severity == "P0"


def test_a_later_acknowledgement_is_not_read_before_it_happens(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    """An acknowledgement recorded as happening later (a typed time) stops the
    `unacknowledged` rungs only from then: before it, the list works the ladder out."""
    incident = room.declare("API down", "P1")
    later = clock.now() + dt.timedelta(minutes=40)
    with db.conn:
        db.conn.execute(
            "UPDATE incidents SET acknowledged_at = ? WHERE id = ?",
            (later.strftime("%Y-%m-%dT%H:%M:%SZ"), incident),
        )
    with store.transaction(db):
        next_due.refresh(db, policy, [incident])
    kept = next_due.kept(db, policy)[incident]
    assert kept.holds_from == later
    seen = set()
    for minutes in (1, 20, 39, 40, 41, 300):
        now = clock.now() + dt.timedelta(minutes=minutes)
        assert rules.holds_at(kept, now) == (minutes >= 40)
        (row,) = read_model.list_rows(db, policy, now)
        assert row.timer == _shown(_worked_out(db, policy, now)[incident])
        seen.add(row.timer.name if row.timer else None)
    assert "escalation" in seen and len(seen) > 1  # the rung, then another timer
    # --json compares the moment with the kept one as text: to the microsecond, any zone
    tokyo = dt.timezone(dt.timedelta(hours=9))
    for step in (-1, 0, 1, 999_999):
        for now in (later + dt.timedelta(microseconds=step), later.astimezone(tokyo)):
            assert read_model.list_json(db, policy, now) == _old_json(db, policy, now, False)


def test_the_migration_fills_the_rows_under_the_recorded_policy(
    room: WarRoom, db: sqlite_utils.Database, db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    _varied(room, clock)
    room.check_policy()
    with db.conn:  # the file as the warroom before migration 019 left it
        db.conn.execute("DROP TABLE next_due")
        db.conn.execute("DELETE FROM warroom_meta WHERE key = ?", (next_due.META,))
        db.conn.execute("DELETE FROM _sqlite_migrations WHERE name = '019_next_due'")
        db.conn.execute(
            "UPDATE warroom_meta SET value = ? WHERE key = 'schema_version'",
            (str(SCHEMA_VERSION - 1),),
        )
    upgraded = store.connect(db_path)
    try:
        assert next_due.filled_under(upgraded) == next_due.rules(policy)
        assert _assert_kept(upgraded, policy, clock) > 20
    finally:
        upgraded.conn.close()


# -- the text printed ---------------------------------------------------------------------

HOSTILE = 'say "hi" \\ \x1b]52;c;x\x07 tab\there\nnew \x7f \x85 \u2028 \u202e ok 火事 🔥'


def _odd_file(room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock) -> None:
    """Incidents in every state with hostile text, an unknown severity, a drill, and
    stored times in other forms (read, read as unset, or the incident left out)."""
    _varied(room, clock)
    hostile = room.declare(HOSTILE, "P1")
    room.set_impact(hostile, users=HOSTILE, services="", business="\x00")
    room.assign_role(hostile, "Commander", "Zoë \u202eevil")
    stray = room.declare("declared under another policy", "P2")
    drill = room.declare("a drill", "P3")
    other_form = room.declare("stored by another tool", "P2")
    bad_optional = room.declare("a detection time that is not one", "P1")
    bad_required = room.declare("a declaration that is not one", "P1")
    with db.conn:
        db.conn.execute("UPDATE incidents SET severity = 'P9' WHERE id = ?", (stray,))
        db.conn.execute("UPDATE incidents SET drill = 1 WHERE id = ?", (drill,))
        db.conn.execute(
            "UPDATE incidents SET declared_at = '2026-11-23 09:00:00Z',"
            " detected_at = '2026-11-23T08:55:00+00:00' WHERE id = ?",
            (other_form,),
        )
        db.conn.execute(
            "UPDATE incidents SET detected_at = '2026-02-30T08:00:00Z' WHERE id = ?",
            (bad_optional,),
        )
        db.conn.execute("UPDATE incidents SET declared_at = 'soon' WHERE id = ?", (bad_required,))
    clock.step(minutes=17)


def _old_json(db: sqlite_utils.Database, policy: Policy, now: dt.datetime, everything: bool) -> str:
    listed = read_model.incident_list(db, policy, show_ended=everything, breaches=False)
    rows = []
    for i in listed.incidents:
        timer = listed.next_deadline(i.id, policy, now)
        rows.append(
            incident_json(i, now)
            | {"next_deadline": timer_json(timer) if timer else None}
            | {"severity_known": unknown_severity(policy, i.severity) is None}
        )
    return json_text(rows, indent=None)


def _old_lines(
    db: sqlite_utils.Database, policy: Policy, now: dt.datetime, everything: bool
) -> list[str]:
    listed = read_model.incident_list(db, policy, show_ended=everything, breaches=False)
    lines = []
    for i in listed.incidents:
        age = format_age(i.declared_at, age_until(i, now))
        timer = listed.next_deadline(i.id, policy, now)
        due = f"{timer.name} {sla.countdown(timer)}" if timer else ""
        severity = one_line(i.severity)
        if unknown_severity(policy, i.severity):
            severity, due = f"{severity}?", UNKNOWN_SEVERITY
        lines.append(
            visible(
                f"#{i.id:<5} {pad(severity, 5)} {i.status:<13} {age:>7}  {due:<24} "
                f"{pad(one_line(i.commander), 14)} {one_line(i.title)}"
            )
        )
    return lines


# the incidents whose kept list text is this change's
_KEPT_TEXTS = (
    "SELECT n.incident_id FROM next_due n LEFT JOIN incident_changes c USING (incident_id)"
    " WHERE n.listed_head IS NOT NULL AND n.seq = coalesce(c.seq, 0)"
)


def test_the_list_prints_byte_for_byte_what_the_records_print(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    _odd_file(room, db, clock)
    known = lambda severity: unknown_severity(policy, severity) is None  # noqa: E731
    for minutes in (0, 31, 60 * 50):
        now = clock.now() + dt.timedelta(minutes=minutes)
        for everything in (False, True):
            read_model.forget_unreadable()
            old = _old_json(db, policy, now, everything)
            old_lines = _old_lines(db, policy, now, everything)
            warned = read_model.unreadable_times()
            read_model.forget_unreadable()
            rows = read_model.list_rows(db, policy, now, show_ended=everything)
            assert read_model.unreadable_times() == warned
            assert plain_lines(rows, now, known) == old_lines
            # --json: the kept texts where they are this change's, the columns elsewhere
            read_model.forget_unreadable()
            text = read_model.list_json(db, policy, now, show_ended=everything)
            assert read_model.unreadable_times() == warned
            assert text == old
            assert indented(text) == json_text(json.loads(old), indent=2)
            kept = {r[0] for r in db.conn.execute(_KEPT_TEXTS)} & {r.id for r in rows}
            assert len(kept) > 20 and len(kept) < len(rows)  # both ways are compared
    assert "\\u0085" in text and "\\u202e" in text and "火事 🔥" in text
    assert '"severity_known": false' in text and '"drill": true' in text
    assert '"declared_at": "2026-11-23T09:00:00Z", "detected_at": "2026-11-23T08:55:00Z"' in text
    assert len(warned) == 2  # the detection read as unset, the declaration left out


def test_a_row_no_reader_can_fold_keeps_no_row_for_its_incident_and_stops_no_write(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    """A severity row without its `to` (an import by an older version took one): working
    every incident's row out again (a policy recorded, an upgrade) leaves that incident
    to be worked out by its reader, keeps the others', and writes go on; its readers
    leave the row out of its clocks and say so."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    broken, fine = room.declare("Broken row", "P1"), room.declare("Fine", "P2")
    room.db.conn.execute(
        "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text, data)"
        " VALUES (?, '2026-11-23T09:00:00Z', '2026-11-23T09:00:00Z', 'x', 'x', 'severity',"
        " 'Severity P0 -> ?', '{\"from\": \"P0\"}')",
        (broken,),
    )
    room.db.conn.commit()
    with room.unit_of_work():
        next_due.refresh(room.db, policy, None)  # every incident's row
    assert set(next_due.kept(room.db, policy)) == {fine}
    clock.step(minutes=1)
    room.log(fine, "still writing")  # the hook works the changed incident out again
    room.acknowledge(fine)
    assert set(next_due.kept(room.db, policy)) == {fine}
    # and the row is left out of its incident's clocks, said, not a traceback
    from click.testing import CliRunner

    from warroom.cli import cli

    shown = CliRunner().invoke(cli, ["--db", str(db_path), "list"])
    assert shown.exit_code == 0, shown.output
    assert "Broken row" in shown.stdout and "Fine" in shown.stdout
    assert "timeline row's data is not what warroom writes: timeline entry #" in shown.stderr
    assert f'of incident #{broken} data \'{{"from": "P0"}}\' (left out of its clocks)' in (
        shown.stderr
    )


def test_a_console_s_policy_check_leaves_the_kept_deadlines_to_the_next_command(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with no policy recorded: the console records it and works nothing else
    out (its people's first entries would wait for every incident's row); the next
    command works them all out, a batch per transaction."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    ids = [room.declare(f"outage {n}", "P2") for n in range(3)]
    room.db.conn.execute("DELETE FROM policy_record")
    room.db.conn.execute("DELETE FROM next_due")
    room.db.conn.execute("DELETE FROM warroom_meta WHERE key = ?", (next_due.META,))
    room.db.conn.commit()
    assert room.check_policy(fill=False) is None  # the console's
    assert next_due.filled_under(room.db) is None and next_due.kept(room.db, policy) == {}
    monkeypatch.setattr(next_due, "BATCH", 2)  # three incidents: two batches
    assert room.check_policy() is None  # a command's
    assert next_due.filled_under(room.db) == next_due.rules(policy)
    assert set(next_due.kept(room.db, policy)) == set(ids)


def test_a_kept_text_is_never_shown_once_its_incident_changed(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    """The text `--json` prints is kept per change: a write by another tool (a hand
    edit, an import) to any printed column is shown at once, as the columns read it."""
    incident = room.declare("API down", "P1")
    other = room.declare("DB slow", "P2")
    clock.step(minutes=3)
    edits = [
        ("title", "API down \u202e (renamed)"),
        ("summary", "a summary"),
        ("impact_users", "all of them"),
        ("commander", "Zoë"),
        ("drill", 1),
        ("channel", "#elsewhere"),
        ("postmortem_owner", "Bea"),
        ("detected_at", "2026-11-23T08:00:00Z"),
        ("mitigated_at", "2026-11-23T09:01:00Z"),
        ("last_update_at", "2026-11-23T09:02:00Z"),
        ("impact_started_at", "2026-11-23T07:00:00Z"),
        ("impact_ended_at", "2026-11-23T09:02:30Z"),
        ("kind", "security"),
    ]
    for column, value in edits:
        with db.conn:
            db.conn.execute(f"UPDATE incidents SET {column} = ? WHERE id = ?", (value, incident))
        now = clock.now()
        assert {r[0] for r in db.conn.execute(_KEPT_TEXTS)} == {other}, column  # it is old
        printed = json.loads(read_model.list_json(db, policy, now))
        assert printed == json.loads(_old_json(db, policy, now, False)), column
        shown = {row["id"]: row for row in printed}[incident]
        key = {"impact_users": "impact"}.get(column, column)
        expected = {"users": value} if column == "impact_users" else value
        if column == "drill":
            expected = True
        assert shown[key] == expected or shown[key].get("users") == value, column
        room.post_update(incident, f"{column} edited", audience="internal")  # kept again
        assert {r[0] for r in db.conn.execute(_KEPT_TEXTS)} == {incident, other}


def test_a_column_another_tool_filled_with_no_text_stops_no_write_and_lists(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    """A blob or a number where warroom keeps text (another tool's write): the writes to
    that incident go on (its kept text is left out, not a traceback inside every write),
    and `list --json` prints it as the plain list shows it."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    blob, number, fine = (room.declare(t, "P2") for t in ("Blob", "Number", "Fine"))
    with room.db.conn:
        room.db.conn.execute("UPDATE incidents SET title = X'4142' WHERE id = ?", (blob,))
        room.db.conn.execute("UPDATE incidents SET channel = 42 WHERE id = ?", (number,))
    clock.step(minutes=1)
    for incident in (blob, number, fine):
        room.acknowledge(incident)  # each write works its kept row out again
        room.log(incident, "still writing")
    assert set(next_due.kept(room.db, policy)) == {blob, number, fine}  # deadlines kept
    with room.unit_of_work():
        next_due.refresh(room.db, policy, None)  # every incident's, as an upgrade does
    from click.testing import CliRunner

    from warroom.cli import cli

    shown = CliRunner().invoke(cli, ["--db", str(db_path), "list", "--json"])
    assert shown.exit_code == 0, shown.output
    printed = {row["id"]: row for row in json.loads(shown.stdout)}
    assert printed[blob]["title"] == "b'AB'" and printed[number]["channel"] == "42"
    assert printed[fine]["title"] == "Fine"
    plain = CliRunner().invoke(cli, ["--db", str(db_path), "list"])
    assert plain.exit_code == 0 and "b'AB'" in plain.stdout


def test_the_list_reads_the_file_as_it_was_when_it_began(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--json` reads the kept texts, then the incidents without one by id: another
    console's commit between the two is not mixed in (one read transaction), so an
    incident cancelled meanwhile is not listed as cancelled among the live ones."""
    from warroom.store import list_rows as list_rows_module

    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    kept_one, edited = room.declare("Kept", "P1"), room.declare("Edited", "P2")
    with room.db.conn:  # another tool's edit: its kept text is old, it is read by id
        room.db.conn.execute("UPDATE incidents SET summary = 'by hand' WHERE id = ?", (edited,))
    other = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    read_whole = list_rows_module._read  # noqa: SLF001

    def then_another_console_writes(*args: Any) -> object:
        other.set_status(edited, "cancelled")  # commits between the two statements
        return read_whole(*args)

    monkeypatch.setattr(list_rows_module, "_read", then_another_console_writes)
    now = clock.now()
    before = _old_json(room.db, policy, now, False)
    listed = read_model.list_json(room.db, policy, now)
    assert listed == before
    assert [(r["id"], r["status"]) for r in json.loads(listed)] == [
        (kept_one, "investigating"),
        (edited, "investigating"),
    ]
    monkeypatch.undo()
    after = json.loads(read_model.list_json(room.db, policy, now))
    assert [r["id"] for r in after] == [kept_one]  # the next list sees the cancellation


def test_a_row_kept_under_another_policy_is_never_read(
    room: WarRoom, db: sqlite_utils.Database, clock: FrozenClock, policy: Policy
) -> None:
    """Rows kept under one policy; a process with another (P2's on-call paged after 5m,
    not at once) lists the deadlines its own policy gives, not the kept ones."""
    from warroom.domain.policy import parse_policy

    ids = [room.declare(f"outage {n}", "P2") for n in range(3)]
    room.acknowledge(ids[0])
    clock.step(minutes=20)
    assert set(next_due.kept(db, policy)) == set(ids)
    first = "{who: On-call, after: 0m, when: unacknowledged}\n      - {who: Tech lead, after: 24h"
    text = policy.text.replace(first, first.replace("after: 0m", "after: 5m"), 1)
    assert text != policy.text
    other = parse_policy(text, "other.yaml")
    assert next_due.kept(db, other) == {}
    now = clock.now()
    printed = read_model.list_json(db, other, now)
    assert printed == _old_json(db, other, now, False)
    assert printed.count("OVERDUE 15m00s") == 2  # the unacknowledged two: paged 5m in
    assert printed != read_model.list_json(db, policy, now)
