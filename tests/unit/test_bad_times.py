"""Times that would brick the file: refused at every door, and survived when already stored.

A year 0999 or 9999 (or text that is no time at all) in the database used to
make every later read raise; now each entry point refuses it in one line, and
the readers leave the bad row out, name it, and show everything else.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from tests.conftest import T0
from tests.ui.helpers import make_app, ready, wait_for
from warroom import composer
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.domain import escalation, sla
from warroom.domain.follow_ups import parse_due
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.domain.timefmt import (
    OutOfRange,
    in_stored_form,
    parse_user_time,
    read_user_time,
    to_iso,
)
from warroom.errors import InvalidInput, WarroomError
from warroom.service import WarRoom
from warroom.store import queries, scribe_queries
from warroom.store.export_queries import incident_rows, record_from_rows
from warroom.transfer import export_json, parse_document
from warroom.tui.widgets.incident_table import IncidentTable

BAD_TIMES = ["0999-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"]
UNREADABLE = [*BAD_TIMES, "garbage", ""]
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def run(db_path: Path, cli_clock: FrozenClock):
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--db", str(db_path), "--as", "Ana", *args])

    return invoke


def one_clear_line(result: Result) -> str:
    """The refusal: exit 1, one line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def count(db_path: Path, table: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def write_raw(db_path: Path, sql: str, *params: Any) -> None:
    """Write behind warroom's back, the way a hand edit or an old version would."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(sql, params)
    conn.close()


# -- every door refuses -----------------------------------------------------------------


@pytest.mark.parametrize("typed", BAD_TIMES)
def test_cli_declare_refuses_a_declaration_time_outside_the_years_kept(
    run, db_path: Path, typed: str
) -> None:
    line = one_clear_line(run("declare", "-s", "P1", "-t", "Old", "--declared-at", typed))
    assert "--declared-at" in line and "outside 1970-2200; check the year" in line
    assert not db_path.exists() or count(db_path, "incidents") == 0


@pytest.mark.parametrize("typed", BAD_TIMES)
def test_cli_log_refuses_an_entry_time_outside_the_years_kept(
    run, db_path: Path, typed: str
) -> None:
    assert run("declare", "-s", "P1", "-t", "API down").exit_code == 0
    before = count(db_path, "timeline")
    line = one_clear_line(run("log", "1", "saw it", "--at", typed))
    assert line.startswith("Error: --at") and "check the year" in line
    assert count(db_path, "timeline") == before
    assert run("list").exit_code == 0


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(999, 1, 1, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
        dt.datetime(1969, 12, 31, 23, 59, tzinfo=dt.UTC),
    ],
)
def test_the_service_refuses_times_outside_the_years_kept(room: WarRoom, when: dt.datetime) -> None:
    with pytest.raises(InvalidInput, match=r"declared at .* is outside 1970-2200"):
        room.declare("Old", "P1", declared_at=when)
    incident = room.declare("Now", "P1")
    with pytest.raises(InvalidInput, match=r"entry time .* is outside 1970-2200"):
        room.log(incident, "saw it", at=when)
    assert [i.title for i in queries.incidents(room.db)] == ["Now"]


def test_the_service_refuses_a_time_without_a_zone(room: WarRoom) -> None:
    with pytest.raises(InvalidInput, match="has no time zone"):
        room.declare("Naive", "P1", declared_at=dt.datetime(2026, 11, 23, 8, 0))


def _export(room: WarRoom) -> dict[str, Any]:
    incident = room.declare("API down", "P1")
    room.log(incident, "saw it")
    room.add_follow_up(incident, "Add an alert", owner="Ana", due=dt.date(2026, 12, 1))
    return json.loads(export_json(room.db, incident, T0))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("incident.declared_at", "0001-01-01T00:00:00Z"),
        ("incident.acknowledged_at", "9999-12-31T23:59:59Z"),
        ("timeline[1].at", "0001-01-01T00:00:00Z"),
        ("timeline[0].logged_at", "9999-12-31T23:59:59-05:00"),  # overflows when made UTC
        ("follow_ups[0].due", "9999-12-31"),
        ("follow_ups[0].created_at", "0999-06-01T12:00:00+01:00"),
    ],
)
def test_cli_import_refuses_an_export_with_a_year_outside_the_range_naming_the_field(
    run, db_path: Path, room: WarRoom, tmp_path: Path, field: str, value: str
) -> None:
    document = _export(room)
    record, name = field.split(".")
    target: Any = document
    for part in record.replace("]", "").split("["):
        target = target[int(part)] if part.isdigit() else target[part]
    target[name] = value
    source = tmp_path / "old.json"
    source.write_text(json.dumps(document))
    before = count(db_path, "incidents")
    line = one_clear_line(run("import", str(source)))
    assert f"{source}: {field} {value} is outside 1970-2200; check the year" in line
    assert count(db_path, "incidents") == before


def test_the_import_service_refuses_a_document_that_skipped_the_checks(room: WarRoom) -> None:
    document = parse_document(json.dumps(_export(room)), "export.json")
    document["timeline"][0]["at"] = "9999-12-31T23:59:59Z"
    with pytest.raises(
        InvalidInput, match=r"timeline\[0\]\.at '9999-12-31T23:59:59Z' is not a time"
    ):
        room.import_incident(document)
    document["timeline"][0]["at"] = "2026-11-23T08:00:00Z"
    document["follow_ups"][0]["due"] = "0999-01-01"
    with pytest.raises(InvalidInput, match=r"follow_ups\[0\]\.due '0999-01-01' is not a date"):
        room.import_incident(document)
    assert len(queries.incidents(room.db)) == 1  # only the one exported


@pytest.mark.parametrize(
    ("since", "said"),
    [
        ("0999-01-01", "'0999-01-01' is outside 1970-2200; check the year"),
        ("99999999999w", "reaches back further than dates go"),
        ("yesterday-ish", "is not a date or a span"),
    ],
)
def test_report_since_refuses_in_one_line(run, since: str, said: str) -> None:
    assert run("declare", "-s", "P1", "-t", "API down").exit_code == 0
    assert said in one_clear_line(run("report", "--since", since))


# -- a database that already holds a bad time --------------------------------------------


@pytest.fixture
def spoiled(db_path: Path, room: WarRoom, clock: FrozenClock) -> dict[str, int]:
    """#1 good (with one bad entry and one bad follow-up), #2 unreadable, #3 a bad ack time."""
    good = room.declare("Checkout API down", "P1")
    clock.step(minutes=1)
    first = room.log(good, "first finding", "finding")
    bad_entry = room.log(good, "entry with a broken time")
    room.log(good, "last finding", "finding")
    kept = room.add_follow_up(good, "Add an alert", owner="Ana")
    broken = room.add_follow_up(good, "Fix the runbook", owner="Ana")
    lost = room.declare("Search slow", "P2")
    odd = room.declare("Login emails late", "P3")
    room.acknowledge(odd)
    write_raw(db_path, "UPDATE incidents SET declared_at = ? WHERE id = ?", BAD_TIMES[0], lost)
    write_raw(db_path, "UPDATE timeline SET at = ? WHERE id = ?", "garbage", bad_entry)
    write_raw(db_path, "UPDATE follow_ups SET due = ?, created_at = ? WHERE id = ?",
              "9999-12-31", BAD_TIMES[1], broken)  # fmt: skip
    write_raw(db_path, "UPDATE incidents SET acknowledged_at = ? WHERE id = ?", BAD_TIMES[1], odd)
    ids = {"good": good, "lost": lost, "odd": odd, "first": first, "bad_entry": bad_entry}
    return ids | {"kept": kept, "broken": broken}


@pytest.mark.parametrize("value", UNREADABLE)
def test_one_unreadable_incident_never_hides_the_others(
    db: sqlite_utils.Database, room: WarRoom, db_path: Path, value: str
) -> None:
    room.declare("Before", "P1")
    bad = room.declare("Broken", "P1")
    room.declare("After", "P2")
    write_raw(db_path, "UPDATE incidents SET declared_at = ? WHERE id = ?", value, bad)
    queries.forget_unreadable()
    assert [i.title for i in queries.incidents(db, include_ended=True)] == ["Before", "After"]
    assert queries.unreadable_times() == [
        f"incident #{bad} declared_at {value!r} (incident left out)"
    ]
    with pytest.raises(queries.UnreadableRow, match=f"cannot read incident #{bad} declared_at"):
        queries.incident(db, bad)


@pytest.mark.parametrize("value", UNREADABLE)
def test_one_unreadable_entry_never_hides_the_timeline(
    db: sqlite_utils.Database, room: WarRoom, db_path: Path, value: str
) -> None:
    incident = room.declare("API down", "P1")
    bad = room.log(incident, "broken")
    room.log(incident, "still here")
    write_raw(db_path, "UPDATE timeline SET logged_at = ? WHERE id = ?", value, bad)
    texts = [e.text for e in queries.timeline(db, incident)]
    assert "still here" in texts and "broken" not in texts
    assert [e.text for e in queries.timeline_since(db, incident, bad - 1)] == ["still here"]
    assert record_from_rows(incident_rows(db, incident)).timeline[-1].text == "still here"


def test_cli_list_shows_the_good_incidents_and_names_the_bad_rows(
    run, spoiled: dict[str, int]
) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    assert "Checkout API down" in result.stdout and "Login emails late" in result.stdout
    assert "Search slow" not in result.stdout
    warning = result.stderr.strip()
    assert warning.startswith("warning: 2 rows have stored times that cannot be used")
    assert (
        f"incident #{spoiled['lost']} declared_at '0999-01-01T00:00:00Z' (incident left out)"
        in warning
    )
    assert (
        f"incident #{spoiled['odd']} acknowledged_at '9999-12-31T23:59:59Z' (read as not set)"
        in warning
    )
    as_json = run("list", "--json")
    assert [i["title"] for i in json.loads(as_json.stdout)] == [
        "Checkout API down",
        "Login emails late",
    ]


def test_cli_show_leaves_out_the_bad_entry_and_follow_up_and_says_so(
    run, spoiled: dict[str, int]
) -> None:
    result = run("show", str(spoiled["good"]))
    assert result.exit_code == 0, result.output
    assert "first finding" in result.stdout and "last finding" in result.stdout
    assert "entry with a broken time" not in result.stdout
    follow_ups = result.stdout.split("follow-ups:")[1]
    assert "Add an alert" in follow_ups and "Fix the runbook" not in follow_ups
    assert (
        f"timeline entry #{spoiled['bad_entry']} of incident #1 at 'garbage' (entry left out)"
        in (result.stderr)
    )
    assert f"follow-up #{spoiled['broken']} of incident #1 created_at" in result.stderr
    body = json.loads(run("show", str(spoiled["good"]), "--json").stdout)
    assert "last finding" in [e["text"] for e in body["timeline"]]


def test_cli_show_of_the_unreadable_incident_is_one_line(run, spoiled: dict[str, int]) -> None:
    result = run("show", str(spoiled["lost"]))
    assert result.exit_code == 1
    line = result.stderr.strip().splitlines()[0]
    assert line == (
        f"Error: cannot read incident #{spoiled['lost']} declared_at '0999-01-01T00:00:00Z'"
        " (incident left out)"
    )


def test_cli_report_and_export_work_around_the_bad_rows(run, spoiled: dict[str, int]) -> None:
    report = run("report", "--json")
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["incidents"] == 2
    assert "cannot be used" in report.stderr
    markdown = run("export", str(spoiled["good"]))
    assert markdown.exit_code == 0, markdown.output
    assert "last finding" in markdown.stdout and "entry with a broken time" not in markdown.stdout
    raw = run("export", str(spoiled["good"]), "--format", "json")
    assert raw.exit_code == 0, raw.output
    assert "garbage" in raw.stdout  # the JSON export carries rows as stored
    assert "cannot read incident" in one_clear_line(run("export", str(spoiled["lost"])))


def test_a_bad_due_date_reads_as_none(
    db: sqlite_utils.Database, room: WarRoom, db_path: Path
) -> None:
    incident = room.declare("API down", "P1")
    item = room.add_follow_up(incident, "Add an alert", owner="Ana", due=dt.date(2026, 12, 1))
    write_raw(db_path, "UPDATE follow_ups SET due = '9999-12-31' WHERE id = ?", item)
    queries.forget_unreadable()
    assert scribe_queries.follow_up(db, item).due is None
    assert queries.unreadable_times() == [
        f"follow-up #{item} of incident #{incident} due '9999-12-31' (read as no due date)"
    ]


def test_bad_history_rows_and_updates_leave_the_clocks_running(
    db: sqlite_utils.Database, room: WarRoom, db_path: Path, policy: Policy, clock: FrozenClock
) -> None:
    incident = room.declare("API down", "P1")
    room.set_severity(incident, "P0")
    write_raw(db_path, "UPDATE timeline SET at = '9999-12-31T23:59:59Z' WHERE kind = 'severity'")
    write_raw(
        db_path,
        "INSERT INTO updates (incident_id, audience, template, body, author, posted_at)"
        " VALUES (?, 'external', 'x', 'b', 'Ana', '0999-01-01T00:00:00Z')",
        incident,
    )
    history = queries.history(db, incident)
    assert history.severity_changes == () and history.first_update_at is None
    found = queries.incident(db, incident)
    names = [t.name for t in sla.timers(found, policy, clock.now(), history)]
    assert names[:4] == ["ack", "first_update", "update", "resolve"]


def test_clock_arithmetic_never_overflows(policy: Policy) -> None:
    """The domain alone, fed a year 9999 declaration: no timer past the end of time."""
    late = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)
    incident = Incident(
        id=1, title="t", severity="P1", status="investigating", kind="availability",
        summary="", impact_users="", impact_services="", impact_business="", commander="Ana",
        drill=False, declared_at=late, detected_at=None, acknowledged_at=None,
        mitigated_at=None, resolved_at=None, closed_at=None, last_update_at=None,
        escalation_level=0, channel="",
    )  # fmt: skip
    assert [t.name for t in sla.timers(incident, policy, late)] == []
    ladder = escalation.ladder_status(incident, policy, late)
    assert all(r.due_at == late for r in ladder.rungs)  # only rungs due at once
    assert sla.breaches(incident, policy, late) == ()


# -- daylight-saving changes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone", "utc", "said"),
    [
        # spring forward: 02:30 never happened; read with the offset before the gap
        ("2026-03-29T02:30", BERLIN, "2026-03-29T01:30", "does not exist in Europe/Berlin"),
        ("2026-03-08T02:30", NEW_YORK, "2026-03-08T07:30", "does not exist in America/New_York"),
        # fall back: the hour happened twice; the first occurrence
        ("2026-10-25T02:30", BERLIN, "2026-10-25T00:30", "happened twice in Europe/Berlin"),
        ("2026-11-01T01:30", NEW_YORK, "2026-11-01T05:30", "happened twice in America/New_York"),
        # an ordinary time says nothing
        ("2026-07-01T02:30", BERLIN, "2026-07-01T00:30", ""),
    ],
)
def test_local_times_at_daylight_saving_changes_follow_one_rule_and_say_so(
    typed: str, zone: ZoneInfo, utc: str, said: str
) -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    read = read_user_time(typed, now, zone)
    assert read.at == dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)
    assert (said in read.note) if said else read.note == ""
    assert parse_user_time(typed, now, zone) == read.at


def test_gap_and_overlap_notes_say_how_the_time_was_read() -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    gap = read_user_time("2026-03-29T02:30", now, BERLIN).note
    assert gap.endswith("(the clocks went forward); read as 03:30 CEST (2026-03-29T01:30:00Z)")
    overlap = read_user_time("2026-10-25T02:30", now, BERLIN).note
    assert overlap.endswith("read as the first, 02:30 CEST (2026-10-25T00:30:00Z)")


def test_hh_mm_on_the_day_the_clocks_go_back_takes_the_first_occurrence() -> None:
    after_second = dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC)  # 02:00 EST, after the overlap
    read = read_user_time("01:30", after_second, NEW_YORK)
    assert read.at == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)  # 01:30 EDT
    assert "happened twice" in read.note
    # HH:MM compares in UTC: 01:50 EDT is before 01:10 EST, so it is today, not yesterday
    in_second = dt.datetime(2026, 11, 1, 6, 10, tzinfo=dt.UTC)  # 01:10 EST
    assert read_user_time("01:50", in_second, NEW_YORK).at == dt.datetime(
        2026, 11, 1, 5, 50, tzinfo=dt.UTC
    )


def test_out_of_range_typed_times_are_out_of_range_errors() -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    for typed in ("0001-01-01T00:00", "9999-12-31T23:59", "9999-12-31T23:59:59-05:00"):
        with pytest.raises(OutOfRange, match="outside 1970-2200; check the year"):
            parse_user_time(typed, now, BERLIN)


def test_cli_warns_when_a_typed_time_fell_in_a_gap(run, db_path: Path, clock: FrozenClock) -> None:
    clock.set(dt.datetime(2026, 3, 29, 12, tzinfo=dt.UTC))
    assert (
        run("declare", "-s", "P1", "-t", "Night", "--declared-at", "2026-03-29T01:00Z").exit_code
        == 0
    )
    result = run("--tz", "Europe/Berlin", "log", "1", "restarted", "--at", "2026-03-29T02:30")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "warning: --at: 2026-03-29 02:30 does not exist in Europe/Berlin (the clocks went"
        " forward); read as 03:30 CEST (2026-03-29T01:30:00Z)"
    )
    entry = json.loads(run("show", "1", "--json").stdout)["timeline"]
    assert any(e["text"] == "restarted" and e["at"] == "2026-03-29T01:30:00Z" for e in entry)


# -- the console -----------------------------------------------------------------------------


async def test_the_console_shows_the_good_incident_and_names_the_bad_one(
    db_path: Path, room: WarRoom, clock: FrozenClock
) -> None:
    good = room.declare("Checkout API down", "P1")
    bad = room.declare("Search slow", "P0")
    write_raw(db_path, "UPDATE incidents SET declared_at = ? WHERE id = ?", BAD_TIMES[1], bad)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert app.query_one(IncidentTable).order == [good]
        assert app.war_room.selected_id == good
        said = f"incident #{bad} declared_at '9999-12-31T23:59:59Z' (incident left out)"
        notes = app._notifications  # noqa: SLF001
        await wait_for(pilot, lambda: any(said in str(n.message) for n in notes))
        [note] = [n for n in notes if said in str(n.message)]
        assert (note.severity, note.title) == ("warning", "Left out")  # not a failure


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("9999-12-31", "due date 9999-12-31 is outside 1970-2200; check the year"),
        ("0999-01-01", "due date 0999-01-01 is outside 1970-2200; check the year"),
        ("+999999999d", "'+999999999d' is too far ahead for a due date"),
        ("+99999w", "is outside 1970-2200; check the year"),
    ],
)
def test_a_typed_due_date_outside_the_years_kept_is_refused(
    run, typed: str, said: str, db_path: Path
) -> None:
    assert run("declare", "-s", "P1", "-t", "API down").exit_code == 0
    line = one_clear_line(run("followups", "add", "1", "Add an alert", "--due", typed))
    assert said in line
    assert count(db_path, "follow_ups") == 0
    assert parse_due("+3d", dt.date(2026, 11, 23)) == dt.date(2026, 11, 26)


def test_posted_updates_and_drafts_with_a_bad_time_are_left_out(
    db: sqlite_utils.Database, room: WarRoom, db_path: Path
) -> None:
    incident = room.declare("API down", "P1")
    for posted_at, body in (("2026-11-23T08:10:00Z", "kept"), ("garbage", "lost")):
        write_raw(
            db_path,
            "INSERT INTO updates (incident_id, audience, template, body, author, posted_at)"
            " VALUES (?, 'internal', 'x', ?, 'Ana', ?)",
            incident,
            body,
            posted_at,
        )
    write_raw(
        db_path,
        "INSERT INTO drafts (incident_id, template, body, author, updated_at)"
        " VALUES (?, 'x', 'draft', 'Ana', '9999-12-31T23:59:59Z')",
        incident,
    )
    queries.forget_unreadable()
    assert [u.body for u in composer.posted(db, incident)] == ["kept"]
    assert composer.draft(db, incident) is None
    assert queries.unreadable_times() == [
        f"update #2 of incident #{incident} posted_at 'garbage' (update left out)",
        f"draft of incident #{incident} updated_at '9999-12-31T23:59:59Z' (draft left out)",
    ]


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-27"])
def test_a_policy_with_a_rota_starting_in_year_1_or_9999_is_refused(
    tmp_path: Path, start: str
) -> None:
    from warroom.loaders.policy import default_policy_text, load_policy

    text = default_policy_text().replace("start: 2026-01-05", f"start: {start}")
    assert f"start: {start}" in text
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(WarroomError, match=r"policy.yaml:\d+: rota.start: .*check the year"):
        load_policy(path)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("2026-11-23T09:00:00Z", dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)),
        ("2026-11-23T09:00:00+00:00", None),  # a time, not the stored form
        ("2026-02-30T09:00:00Z", None),  # the stored shape, not a date
        ("2026-11-23T09:00:0\u0661Z", None),  # a digit that is not ASCII
        ("2300-01-01T00:00:00Z", None),  # out of range
        (b"2026-11-23T09:00:00Z", None),  # a blob another tool stored
        (None, None),
    ],
)
def test_in_stored_form_reads_only_the_stored_form(text: object, read: object) -> None:
    assert in_stored_form(text) == read


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2026, 11, 23, 9, 0, 0, 999_999, tzinfo=dt.UTC),
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2199, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-9, minutes=-30))),
    ],
)
def test_to_iso_is_the_stored_form_in_utc_whatever_the_zone(at: dt.datetime) -> None:
    assert to_iso(at) == at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert in_stored_form(to_iso(at)) == at.replace(microsecond=0)
