"""Export (post-mortem Markdown, JSON) and import: golden files, round trip, bad input.

The golden files are regenerated only with WARROOM_UPDATE_GOLDEN=1; otherwise
they are compared exactly, so any change to the output shows in review.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt

from warroom import store
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.domain.markdown_text import heading_text, markdown_text
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.runbooks import parse_runbook
from warroom.domain.timeline_state import fold
from warroom.errors import InvalidInput, WriteFailed
from warroom.service import WarRoom
from warroom.store import queries, scribe_queries
from warroom.transfer import FIELDS, export_json, export_markdown, parse_document

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UTC = dt.UTC
START = dt.datetime(2026, 11, 23, 23, 40, tzinfo=UTC)
EXPORTED = dt.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

POOL_RUNBOOK = """
id: pool-triage
title: DB pool triage
applies_to: {kinds: [availability]}
sections:
  - title: Check
    items:
      - text: Compare pool settings with the last deploy
        role: tech-lead
      - text: Find the services that share the pool
        ask: Which services share the pool?
"""


def _at(clock: FrozenClock, hhmm: str, day: int = 23) -> None:
    hour, minute = (int(p) for p in hhmm.split(":"))
    clock.set(dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC))


def scripted_incident(db: sqlite_utils.Database, clock: FrozenClock, policy: Policy) -> int:
    """A P2 declared just before midnight UTC, raised to P1, worked, resolved and closed."""
    runbooks = [parse_runbook(POOL_RUNBOOK, "pool-triage.yaml")]

    def person(name: str) -> WarRoom:
        return WarRoom(db, clock, Actor(name, name.split()[0].lower()), policy, runbooks)

    ana, ben, chen, dana = (person(n) for n in ("Ana Lima", "Ben Okafor", "Chen Wei", "Dana Kim"))
    _at(clock, "23:45")
    summary = "Card payments at checkout failed for EU customers after a config deploy."
    number = ana.declare("Checkout API returns 502s | EU", "P2", "availability", summary)
    backdated = dt.datetime(2026, 11, 23, 23, 31, tzinfo=UTC)
    ana.log(
        number,
        "Error-rate alarm on checkout-api fired; nobody picked it up",
        "finding",
        at=backdated,
    )
    _at(clock, "23:48")
    ben.acknowledge(number)
    _at(clock, "23:49")
    ana.assign_role(number, "scribe", "Ben Okafor")
    ana.assign_role(number, "tech-lead", "Chen Wei")
    _at(clock, "23:50")
    ben.set_impact(
        number,
        users="~30% of EU checkouts failed | web and mobile",
        services="checkout-api, payments-gateway",
        business="Lost orders; about €40k of sales at risk",
    )
    _at(clock, "23:52")
    chen.log(number, "Deploy [#33] at 23:25 changed the DB pool config", "finding")
    _at(clock, "23:53")
    ben.log(number, "502 page shows [bold]x[/] instead of the error text")
    _at(clock, "23:55")
    ana.set_status(number, "identified")
    _at(clock, "23:56")
    ben.log(number, "*stars* in logs: retries=5 | timeouts=30s")
    _at(clock, "00:05", day=24)
    ana.set_severity(number, "P1")
    _at(clock, "00:06", day=24)
    decision = ben.log(number, "Roll back deploy [#33]", "decision")
    _at(clock, "00:07", day=24)
    ana.pin(decision)
    _at(clock, "00:08", day=24)
    restarted = chen.log(number, "Restarted pods in eu-west-2", "action")
    _at(clock, "00:10", day=24)
    chen.correct(restarted, "Restarted pods in eu-west-1")
    _at(clock, "00:11", day=24)
    cdn = ben.log(number, "CDN is dropping requests", "finding")
    _at(clock, "00:12", day=24)
    chen.tick(number, "1")
    chen.answer(number, "2", "checkout-api and orders-api")
    _at(clock, "00:14", day=24)
    ben.strike(cdn, "the CDN was fine; the 502s came from the API")
    _at(clock, "00:15", day=24)
    todo = ben.log(number, "Add an alert on connection-pool saturation", "todo")
    ana.promote(todo, owner="Chen Wei", due=dt.date(2026, 12, 4), priority="high")
    _at(clock, "00:16", day=24)
    ben.log(number, "Check other services for the same pool setting", "todo")
    _at(clock, "00:18", day=24)
    ana.escalate(number)
    _at(clock, "00:25", day=24)
    assert [b.timer for _, b in ana.sweep().breaches] == ["first_update"]
    _at(clock, "00:26", day=24)
    body = (
        "Checkout is failing for some EU customers.\nWe are rolling back; next update by 00:56 UTC."
    )
    ana.post_update(number, body, audience="external", template="external-update")
    _at(clock, "00:30", day=24)
    ana.set_status(number, "fixing")
    _at(clock, "00:40", day=24)
    ana.set_status(number, "monitoring")
    _at(clock, "00:45", day=24)
    ana.hand_off(number, "Dana Kim", "Rolled back; error rate at baseline. Watch it for an hour.")
    _at(clock, "00:50", day=24)
    ben.log(number, "Rollback took 4 minutes from decision to healthy pods", "went-well")
    ben.log(number, "The alarm fired 14 minutes before anyone declared", "went-wrong")
    chen.log(
        number, "Deploy [#33] halved max_conns (40 → 20) on the checkout DB pool", "root-cause"
    )
    ana.log(number, "Pool-size changes need a canary stage", "lesson")
    _at(clock, "01:10", day=24)
    dana.set_status(number, "resolved")
    _at(clock, "01:12", day=24)
    ana.add_follow_up(number, "Write a runbook for DB pool exhaustion", owner="Ben Okafor")
    dana.save_draft(number, "internal-resolution", "Resolved at 01:10 UTC.\nPost-mortem to follow.")
    _at(clock, "09:30", day=24)
    dana.set_status(number, "closed", postmortem_owner="Ben Okafor")
    clock.set(EXPORTED)
    return number


# -- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def incident(db: sqlite_utils.Database, clock: FrozenClock, policy: Policy) -> int:
    return scripted_incident(db, clock, policy)


@pytest.fixture
def frozen(cli_clock: FrozenClock) -> FrozenClock:
    """The CLI's clock, standing at the export time."""
    cli_clock.set(EXPORTED)
    return cli_clock


@pytest.fixture
def run(frozen: FrozenClock):
    runner = CliRunner()

    def invoke(db: Path, *args: str) -> Result:
        return runner.invoke(cli, ["--db", str(db), "--as", "Eve", "--tz", "UTC", *args])

    return invoke


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME exactly; WARROOM_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("WARROOM_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with WARROOM_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed (see the diff above)"


def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _cells(markdown: str) -> list[list[Any]]:
    """The inline tokens' children of every paragraph, list item and table cell."""
    return [t.children or [] for t in _renderer().parse(markdown) if t.type == "inline"]


def _plain(children: list[Any]) -> str:
    """What a reader sees of an inline run; fails on any markup but `<br>`."""
    seen = []
    for token in children:
        if token.type == "html_inline" and token.content == "<br>":
            seen.append("\n")
        else:
            assert token.type == "text", f"{token.type} in {children}"
            seen.append(token.content)
    return "".join(seen)


# -- golden files -----------------------------------------------------------------------


def test_postmortem_markdown_matches_the_golden_file(
    db: sqlite_utils.Database, incident: int, policy: Policy
) -> None:
    check_golden("postmortem.md", export_markdown(db, incident, policy, EXPORTED))


def test_export_json_matches_the_golden_file(db: sqlite_utils.Database, incident: int) -> None:
    text = export_json(db, incident, EXPORTED)
    check_golden("export.json", text)
    document = json.loads(text)
    assert (document["format"], document["version"]) == ("warroom-export", 2)  # 2: alerts
    assert list(document) == sorted(document)  # stable key order
    kinds = [row["kind"] for row in document["timeline"]]
    assert "pin" in kinds and len(kinds) == queries.timeline_count(db, incident)
    assert any(row["supersedes"] for row in document["timeline"])  # corrections kept


def test_cli_export_prints_the_same_postmortem(
    db_path: Path, incident: int, run, policy: Policy, db: sqlite_utils.Database
) -> None:
    result = run(db_path, "export", str(incident))
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / "postmortem.md").read_text(encoding="utf-8")
    as_json = run(db_path, "export", f"#{incident}", "--format", "json")
    assert as_json.stdout == (GOLDEN / "export.json").read_text(encoding="utf-8")


def test_the_postmortem_shows_typed_text_as_typed(
    db: sqlite_utils.Database, incident: int, policy: Policy
) -> None:
    rendered = _renderer().render(export_markdown(db, incident, policy, EXPORTED))
    for typed in (
        "502 page shows [bold]x[/] instead of the error text",
        "*stars* in logs: retries=5 | timeouts=30s",
        "Roll back deploy [#33]",
        "~30% of EU checkouts failed | web and mobile",
    ):
        assert typed.replace("&", "&amp;") in rendered.replace("&quot;", '"'), typed
    struck = [
        "".join(c.content for c in cell[cell.index(open_) + 1 :] if c.type == "text")
        for cell in _cells(export_markdown(db, incident, policy, EXPORTED))
        for open_ in cell
        if open_.type == "s_open"
    ]
    assert any(s.startswith("CDN is dropping requests") for s in struck)
    assert any(s.startswith("Restarted pods in eu-west-2") for s in struck)


# -- what the post-mortem says ----------------------------------------------------------


def test_a_live_incident_is_measured_up_to_now_with_prompts_to_fill(
    room: WarRoom, clock: FrozenClock, policy: Policy
) -> None:
    number = room.declare("Search is slow", "P2", "performance")
    clock.step(minutes=10)
    room.set_status(number, "identified")
    clock.step(minutes=15)
    text = export_markdown(room.db, number, policy, clock.now())
    assert "| Detect | 0s | at declaration |" in text
    assert "| investigating | 10m |\n| identified | 15m |" in text
    assert "| P2 | 25m |" in text
    assert "**Duration:** 25m so far (declared to now; still open)" in text
    assert "| Acknowledge | — | not yet acknowledged |" in text
    for missing in (
        "what went well?",
        "what went wrong?",
        "what did we learn?",
        "what was the root cause?",
    ):
        assert f"_Nothing recorded yet: {missing}" in text
    assert "**Post-mortem owner:** _Nothing recorded yet" in text
    assert "**Due:** 1 week after resolution" in text


def test_the_declaration_also_shows_in_a_local_zone(
    db: sqlite_utils.Database, incident: int, policy: Policy
) -> None:
    text = export_markdown(db, incident, policy, EXPORTED, ZoneInfo("Europe/Paris"))
    assert "**Declared:** 2026-11-23 23:45 UTC (2026-11-24 00:45 CET)" in text


@pytest.mark.parametrize(
    "typed",
    [
        "a | b || c",
        "[#33] and [bold]x[/] and [link](http://example.com)",
        "*stars* _under_ snake_case_name **bold** __also__",
        "`code` ~~gone~~ ~tilde~ $5 and $10",
        "<b>html</b> <br> &amp; &#169; AT&T",
        "# not a heading",
        "> not a quote",
        "- not a list",
        "+ not a list",
        "1. not a list",
        "12) not a list",
        "=== not a rule",
        "back\\slash at the end\\",
        "line one\nline two | with pipe\r\nline three",
        "![alt](x.png)",
    ],
)
def test_markdown_text_renders_as_typed_in_cells_and_bullets(typed: str) -> None:
    cell = markdown_text(typed)
    expected = typed.replace("\r\n", "\n")
    table_doc = f"| Entry | Other |\n|---|---|\n| {cell} | x |\n"
    table_cells = _cells(table_doc)
    assert _plain(table_cells[2]) == expected
    assert _plain(table_cells[3]) == "x"  # the pipe did not split the row
    assert _plain(_cells(f"- {cell}\n")[0]) == expected
    assert _plain(_cells(f"{cell}\n")[0]) == expected


# -- the format covers the schema -------------------------------------------------------


def test_export_fields_cover_every_column(db: sqlite_utils.Database) -> None:
    tables = {
        "incident": "incidents",
        "timeline": "timeline",
        "roles": "roles",
        "checklists": "checklists",
        "checklist_items": "checklist_items",
        "updates": "updates",
        "drafts": "drafts",
        "follow_ups": "follow_ups",
        "sla_breaches": "sla_breaches",
        "escalations": "escalations",
        "alerts": "alerts",
        "alert_signals": "alert_signals",
    }
    implied = {"incident_id", "checklist_id", "alert_id"}  # the nesting says these
    for record, table in tables.items():
        columns = {row[1] for row in db.conn.execute(f"PRAGMA table_info({table})")}
        # nothing refers to a checklist item or an alert signal by id
        nested = table in ("checklist_items", "alert_signals")
        implied_here = implied | {"id"} if nested else implied
        if table == "timeline":  # an entry's first version: `supersedes` says it
            implied_here = implied_here | {"root"}
        assert set(FIELDS[record]) - {"items", "signals"} == columns - implied_here, table


# -- import ------------------------------------------------------------------------------


def _other_database(tmp_path: Path, policy: Policy) -> sqlite_utils.Database:
    """A database that already holds an incident, so imported ids must move."""
    other = store.connect(tmp_path / "other.db")
    room = WarRoom(other, FrozenClock(START), Actor("Zed", "zed"), policy)
    number = room.declare("Older incident", "P3", "data")
    for n in range(5):
        room.log(number, f"note {n}")
    room.add_follow_up(number, "older follow-up")
    return other


def _normalised(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every id replaced by its position, and references to match."""
    doc = json.loads(json.dumps(document))
    doc["incident"]["id"] = 0
    position: dict[str, dict[int, int]] = {}
    for name in ("timeline", "roles", "checklists", "updates", "follow_ups"):
        position[name] = {row["id"]: n for n, row in enumerate(doc[name], start=1)}
    for name in ("sla_breaches", "escalations", *position):
        for n, row in enumerate(doc[name], start=1):
            row["id"] = n
    entries, follow_ups = position["timeline"], position["follow_ups"]
    for row in doc["timeline"]:
        if row["supersedes"] is not None:
            row["supersedes"] = entries[row["supersedes"]]
        for key in ("corrects", "entry", "from_entry"):
            if isinstance(row["data"].get(key), int):
                row["data"][key] = entries[row["data"][key]]
        if isinstance(row["data"].get("follow_up"), int):
            row["data"]["follow_up"] = follow_ups[row["data"]["follow_up"]]
    for item in doc["follow_ups"]:
        if item["from_entry"] is not None:
            item["from_entry"] = entries[item["from_entry"]]
    return doc


def test_export_import_export_is_identical_but_for_ids(
    db: sqlite_utils.Database, incident: int, policy: Policy, tmp_path: Path
) -> None:
    first = export_json(db, incident, EXPORTED)
    other = _other_database(tmp_path, policy)
    room = WarRoom(other, FrozenClock(EXPORTED), Actor("Eve", "eve"), policy)
    new_id = room.import_incident(parse_document(first, "export.json"))
    assert new_id == 2
    second = export_json(other, new_id, EXPORTED)
    assert json.loads(second)["timeline"][0]["id"] != json.loads(first)["timeline"][0]["id"]
    assert _normalised(json.loads(second)) == _normalised(json.loads(first))

    def reads(database: sqlite_utils.Database, number: int) -> list[tuple[str, bool, bool, int]]:
        shown = fold(queries.timeline(database, number))
        return [(s.entry.text, s.pinned, s.struck, len(s.history)) for s in shown]

    assert reads(other, new_id) == reads(db, incident)
    assert ("Roll back deploy [#33]", True, False, 0) in reads(other, new_id)
    promoted = scribe_queries.follow_ups(other, new_id)[0]
    assert promoted.from_entry is not None
    source = scribe_queries.entry(other, promoted.from_entry)
    assert (source.incident_id, source.text) == (new_id, promoted.text)
    assert [e.incident_id for e in queries.timeline(other, 1)] == [1] * 7  # untouched


def test_cli_import_prints_the_new_id(
    db_path: Path, incident: int, run, tmp_path: Path, policy: Policy
) -> None:
    exported = tmp_path / "incident.json"
    assert run(db_path, "export", "1", "--format", "json", "-o", str(exported)).exit_code == 0
    target = tmp_path / "elsewhere.db"
    first = run(target, "import", str(exported))
    assert (first.exit_code, first.stdout) == (0, "1\n"), first.output
    again = run(target, "import", str(exported))
    assert again.stdout == "2\n"
    assert f"imported #1 from {exported} as #2" in again.stderr
    again_json = run(target, "export", "2", "--format", "json").stdout
    assert _normalised(json.loads(again_json)) == _normalised(json.loads(exported.read_text()))


def _document(db: sqlite_utils.Database, incident: int) -> dict[str, Any]:
    return json.loads(export_json(db, incident, EXPORTED))


def _broken(change: str) -> Any:
    def apply(document: dict[str, Any]) -> Any:
        if change == "format":
            document["format"] = "grafana-dashboard"
        elif change == "version":
            document["version"] = 3
        elif change == "missing":
            del document["incident"]["title"]
        elif change == "time":
            document["timeline"][0]["at"] = "yesterday"
        elif change == "dangling":
            document["follow_ups"][0]["from_entry"] = 9999
        elif change == "unknown":
            document["incident"]["colour"] = "red"
        elif change == "list":
            return [document]
        elif change == "follow-up status":
            document["follow_ups"][0]["status"] = "bogus"
        elif change == "priority":
            document["follow_ups"][0]["priority"] = "urgent"
        elif change == "kind":
            document["incident"]["kind"] = "weird"
        elif change == "severity":
            document["incident"]["severity"] = "P9"
        return document

    return apply


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("format", " is not a warroom export (format 'grafana-dashboard', expected"),
        ("version", " was written by a newer warroom (export version 3; this warroom reads"),
        ("missing", ": incident.title is missing"),
        ("time", ": timeline[0].at must be a UTC time"),
        ("dangling", ": follow-up 1 comes from timeline entry 9999, which is not in the file"),
        ("unknown", ": incident has an unknown field 'colour'"),
        ("list", ' is not a warroom export (no "format"'),
        ("follow-up status", ": follow_ups[0].status 'bogus' is not one of: open, done, wont-do"),
        ("priority", ": follow_ups[0].priority 'urgent' is not one of: high, medium, low"),
        ("kind", ": incident.kind 'weird' is not one of: availability, performance"),
        ("severity", ": incident.severity: unknown severity 'P9' (expected one of: P0"),
    ],
)
def test_a_bad_export_is_refused_with_one_line_and_nothing_written(
    db: sqlite_utils.Database,
    incident: int,
    run,
    tmp_path: Path,
    policy: Policy,
    change: str,
    problem: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_broken(change)(_document(db, incident))), encoding="utf-8")
    _other_database(tmp_path, policy).conn.close()
    target = tmp_path / "other.db"
    result = run(target, "import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}{problem}"), result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    check = store.connect(target)
    assert check.conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1


def test_a_file_that_is_not_json_is_refused_before_any_database_is_made(
    run,
    tmp_path: Path,
) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text("{ this is not json", encoding="utf-8")
    target = tmp_path / "new.db"
    result = run(target, "import", str(bad))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {bad} is not JSON (line 1: Expecting property name enclosed in double quotes)\n"
    )
    assert not target.exists()
    missing = run(target, "import", str(tmp_path / "nowhere.json"))
    assert (
        missing.stderr
        == f"Error: {tmp_path / 'nowhere.json'}: cannot read export: No such file or directory\n"
    )


def test_an_import_the_database_refuses_leaves_nothing_behind(
    db: sqlite_utils.Database, incident: int, tmp_path: Path, policy: Policy
) -> None:
    document = _document(db, incident)
    document["sla_breaches"].append(dict(document["sla_breaches"][0], id=99))  # same breach twice
    other = _other_database(tmp_path, policy)
    room = WarRoom(other, FrozenClock(EXPORTED), Actor("Eve", "eve"), policy)
    with pytest.raises(WriteFailed):
        room.import_incident(parse_document(json.dumps(document), "twice.json"))
    counts = [
        other.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("incidents", "timeline", "follow_ups")
    ]
    assert counts == [1, 7, 1]


def test_parse_document_names_the_file(db: sqlite_utils.Database, incident: int) -> None:
    document = _document(db, incident)
    document["timeline"][3]["supersedes"] = document["timeline"][-1]["id"]
    with pytest.raises(InvalidInput, match=r"^x\.json: timeline entry 4 supersedes 36, which is"):
        parse_document(json.dumps(document), "x.json")


# -- writing files -----------------------------------------------------------------------


def test_export_refuses_to_overwrite_without_force(
    db_path: Path, incident: int, run, tmp_path: Path
) -> None:
    target = tmp_path / "postmortem.md"
    target.write_text("my edits\n", encoding="utf-8")
    refused = run(db_path, "export", "1", "-o", str(target))
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {target} already exists; use --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "my edits\n"
    forced = run(db_path, "export", "1", "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout == ""
    assert target.read_text(encoding="utf-8") == (GOLDEN / "postmortem.md").read_text("utf-8")


def test_export_of_an_unknown_incident_says_so(db_path: Path, incident: int, run) -> None:
    result = run(db_path, "export", "9")
    assert (result.exit_code, result.stderr) == (1, "Error: no incident #9\n")


def test_a_title_ending_in_a_hash_keeps_it_in_the_heading() -> None:
    heading = _cells(f"# Post-mortem: {heading_text('Build broken for C #')}\n")[0]
    assert _plain(heading) == "Post-mortem: Build broken for C #"


def test_struck_entries_are_no_evidence_and_resolving_counts_as_mitigating(
    room: WarRoom, clock: FrozenClock, policy: Policy
) -> None:
    incident_id = room.declare("API down", "P2")
    wrong = room.log(
        incident_id, "alarm at 08:00", "finding", at=clock.now() - dt.timedelta(hours=1)
    )
    room.pin(wrong)
    room.strike(wrong, "that alarm was another service")
    clock.step(minutes=30)
    room.set_status(incident_id, "resolved")  # straight from investigating
    text = export_markdown(room.db, incident_id, policy, clock.now())
    summary = text.split("### Timeline summary")[1].split("###")[0]
    assert "alarm at 08:00" not in summary  # struck: not a milestone, pinned or not
    assert "| Detect | 0s | at declaration |" in text
    assert "| Mitigate | 30m | declared → 2026-11-23 09:30 UTC |" in text
    assert "~~alarm at 08:00~~ **struck**" in text  # still in the full timeline


def test_export_never_overwrites_the_database(db_path: Path, incident: int, run) -> None:
    before = db_path.stat().st_size
    refused = run(db_path, "export", "1", "-o", str(db_path), "--force")
    assert refused.exit_code == 1
    assert "is the warroom database" in refused.stderr
    assert db_path.stat().st_size == before
    assert run(db_path, "show", "1").exit_code == 0


@pytest.mark.parametrize(
    ("section", "field", "value", "said"),
    [
        ("timeline", "kind", "\x1b[2J", "timeline[0].kind '\\x1b[2J' is not one of: note,"),
        ("roles", "role", "ceo", "roles[0].role 'ceo' is not one of: commander,"),
    ],
)
def test_import_refuses_timeline_kinds_and_roles_the_console_does_not_know(
    run,
    tmp_path: Path,
    section: str,
    field: str,
    value: str,
    said: str,
) -> None:
    document = json.loads((GOLDEN / "export.json").read_text())
    document[section][0][field] = value
    bad = tmp_path / "export.json"
    bad.write_text(json.dumps(document))
    target = tmp_path / "new.db"
    result = run(target, "import", str(bad))
    assert result.exit_code == 1
    assert said in result.stderr and str(bad) in result.stderr
    assert not target.exists()
