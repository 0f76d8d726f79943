"""The headless CLI: same actions, clear errors, stable JSON."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from warroom.cli import cli


@pytest.fixture
def run(db_path: Path):
    runner = CliRunner()

    def invoke(*args: str, db: Path | None = db_path, env: dict[str, str] | None = None) -> Result:
        options = ["--db", str(db)] if db else []
        return runner.invoke(cli, [*options, "--as", "Ana", *args], env=env)

    return invoke


def test_declare_prints_the_id_alone(run) -> None:
    result = run("declare", "--severity", "P1", "--title", "API down")
    assert result.exit_code == 0, result.output
    assert result.stdout == "1\n"
    again = run("declare", "-s", "p2", "-t", "Second", "--kind", "data", "--drill")
    assert again.stdout == "2\n"


def test_full_incident_flow_shows_in_show_json(run) -> None:
    run("declare", "--severity", "P1", "--title", "[#33] My new incident", "--summary", "s")
    assert run("log", "1", "[bold]x[/] done", "--kind", "decision").exit_code == 0
    assert run("status", "1", "identified").exit_code == 0
    assert run("severity", "#1", "P0").exit_code == 0
    assert run("ack", "1").exit_code == 0
    assert run("assign", "1", "scribe", "Tom").exit_code == 0
    body = json.loads(run("show", "1", "--json").stdout)
    assert body["title"] == "[#33] My new incident"
    assert body["severity"] == "P0" and body["status"] == "identified"
    assert body["acknowledged_at"] is not None
    assert {r["role"]: r["person"] for r in body["roles"]} == {"commander": "Ana", "scribe": "Tom"}
    machine = ("escalation", "sla_breach", "checklist")  # written by ladder and runbooks
    people = [e for e in body["timeline"] if e["kind"] not in machine]
    kinds = [e["kind"] for e in people]
    assert kinds == ["declared", "decision", "status", "severity", "ack", "role"]
    assert people[1]["text"] == "[bold]x[/] done"
    assert people[1]["author"] == "Ana"
    expected = {
        "id",
        "title",
        "severity",
        "status",
        "kind",
        "summary",
        "impact",
        "commander",
        "drill",
        "channel",
        "declared_at",
        "detected_at",
        "acknowledged_at",
        "mitigated_at",
        "resolved_at",
        "closed_at",
        "last_update_at",
        "postmortem_owner",
        "age_seconds",
        "postmortem_done_at",
        "impact_started_at",
        "impact_ended_at",
        "roles",
        "follow_ups",
        "timers",
        "escalation",
        "timeline",
        "severity_known",  # issue 13: a severity the policy lacks is said, not hidden
        "pages",  # issue 15: who was paged, through what, and how it went
    }
    assert set(body) == expected
    assert body["pages"] == []  # the packaged policy names no channels: nobody is paged


def test_markup_is_printed_exactly_as_typed(run) -> None:
    run("declare", "--severity", "P1", "--title", "[#33] My new incident")
    run("log", "1", "[bold]x[/] done")
    shown = run("show", "1").stdout
    assert "[#33] My new incident" in shown
    assert "[bold]x[/] done" in shown
    assert "[#33] My new incident" in run("list").stdout


def test_list_sorts_by_severity_and_hides_ended(run) -> None:
    run("declare", "-s", "P3", "-t", "minor")
    run("declare", "-s", "P0", "-t", "major")
    run("declare", "-s", "P2", "-t", "done")
    run("declare", "-s", "P0", "-t", "fixed")
    run("status", "3", "resolved")
    run("status", "3", "closed", "--postmortem-owner", "Ana")
    run("status", "4", "resolved")
    rows = json.loads(run("list", "--json").stdout)
    # issue 14: resolved stays listed (after the live ones) until closed, as on the console
    assert [r["title"] for r in rows] == ["major", "minor", "fixed"]
    every = json.loads(run("list", "--all", "--json").stdout)
    assert [r["title"] for r in every] == ["major", "minor", "fixed", "done"]
    assert "major" in run("list").stdout.splitlines()[0]


def test_declared_at_records_after_the_fact(run) -> None:
    run("declare", "-s", "P2", "-t", "late", "--declared-at", "2026-01-02T03:04:05Z")
    body = json.loads(run("show", "1", "--json").stdout)
    assert body["declared_at"] == "2026-01-02T03:04:05Z"
    assert body["channel"] == "#incident-2026-01-02-1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "7", "fixing"), "no incident #7"),
        (("status", "abc", "fixing"), "unknown incident id 'abc'"),
        (("severity", "1", "P9"), "unknown severity 'P9'"),
        (("status", "1", "done"), "unknown status 'done'"),
        (("assign", "1", "janitor", "Bo"), "unknown role 'janitor'"),
        (("log", "1", "x", "--kind", "gossip"), "unknown entry kind 'gossip'"),
        (("declare", "-s", "P1", "-t", "x", "--kind", "weather"), "unknown kind 'weather'"),
        (("log", "1", "x", "--at", "noonish"), "not a time"),
        (("ack", "1"), "already acknowledged"),
    ],
)
def test_errors_are_one_line_and_exit_1(run, args: tuple[str, ...], message: str) -> None:
    run("declare", "-s", "P1", "-t", "x")
    run("ack", "1")
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_usage_errors_exit_2(run) -> None:
    assert run("declare", "--title", "no severity").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_not_a_warroom_file_is_refused_unchanged(run, tmp_path: Path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    result = run("list", db=text_file)
    assert result.exit_code == 1 and "not a SQLite database" in result.stderr
    assert text_file.read_text() == "hello"
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    result = run("declare", "-s", "P1", "-t", "x", db=other)
    assert result.exit_code == 1 and "not a warroom" in result.stderr
    assert other.read_bytes() == before


def test_reading_commands_do_not_create_a_database(run, db_path: Path) -> None:
    result = run("list")
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not db_path.exists()


def test_identity_from_environment(db_path: Path) -> None:
    runner = CliRunner()
    env = {"WARROOM_DB": str(db_path), "WARROOM_USER": "Scribe Sue"}
    assert runner.invoke(cli, ["declare", "-s", "P2", "-t", "x"], env=env).exit_code == 0
    body = json.loads(runner.invoke(cli, ["show", "1", "--json"], env=env).stdout)
    assert body["commander"] == "Scribe Sue"
    assert body["timeline"][0]["author"] == "Scribe Sue"
    assert body["timeline"][0]["os_user"]


def test_demo_seeds_live_incidents_and_refuses_real_databases(run, tmp_path: Path) -> None:
    demo_db = tmp_path / "demo.db"
    result = run("demo", "--no-open", "--db", str(demo_db), db=None)
    assert result.exit_code == 0, result.output
    rows = json.loads(run("list", "--all", "--json", db=demo_db).stdout)
    assert 4 <= len([r for r in rows if r["status"] not in ("resolved", "closed")]) <= 6
    assert {r["severity"] for r in rows} >= {"P0", "P1", "P2", "P3"}
    assert len({r["kind"] for r in rows}) >= 3
    entries = sum(
        len(json.loads(run("show", str(r["id"]), "--json", db=demo_db).stdout)["timeline"])
        for r in rows
    )
    assert entries >= 30
    # running it again replaces the demo, a real database is never replaced
    assert run("demo", "--no-open", "--db", str(demo_db), db=None).exit_code == 0
    run("declare", "-s", "P1", "-t", "real")
    refused = run("demo", "--no-open", "--db", str(tmp_path / "warroom.db"), db=None)
    assert refused.exit_code == 1 and "not a demo" in refused.stderr


def test_demo_seeds_the_file_named_before_the_command_but_not_warroom_db(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    named = tmp_path / "named.db"
    seeded = run("demo", "--no-open", db=named)  # `warroom --db named.db demo`
    assert seeded.exit_code == 0, seeded.output
    assert str(named) in seeded.output
    assert json.loads(run("list", "--json", db=named).stdout)
    # a real database named so is refused, not seeded over
    run("declare", "-s", "P1", "-t", "real")
    refused = run("demo", "--no-open")
    assert refused.exit_code == 1 and "not a demo" in refused.stderr
    # WARROOM_DB (a team's file, set for every command) does not take the demo
    team = tmp_path / "team.db"
    env = {"WARROOM_DB": str(team)}
    elsewhere = run("demo", "--no-open", db=None, env=env)
    assert elsewhere.exit_code == 0, elsewhere.output
    assert not team.exists() and str(team) not in elsewhere.output


def test_version_and_real_process_errors_have_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "--version"], capture_output=True, text=True, check=True
    )
    assert "0.1.0" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(tmp_path / "x.db"), "show", "3"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr and "x.db does not exist" in bad.stderr


def test_show_json_has_timers_and_escalation(run) -> None:
    run("declare", "-s", "P1", "-t", "late", "--declared-at", "2026-01-02T03:04:05Z")
    unswept = json.loads(run("show", "1", "--json").stdout)
    assert unswept["escalation"]["level"] == 0  # reading records nothing that fell due
    assert run("sweep").exit_code == 0  # a sweep (cron, a console, any write) records it
    body = json.loads(run("show", "1", "--json").stdout)
    timers = {t["name"]: t for t in body["timers"]}
    assert timers["ack"]["deadline"] == "2026-01-02T03:19:05Z"
    assert timers["ack"]["state"] == "overdue" and timers["ack"]["remaining_seconds"] < 0
    assert set(timers["ack"]) == {
        "name",
        "label",
        "deadline",
        "remaining_seconds",
        "state",
        "severity",
        "shown",
        "done_at",
        "missed_by_seconds",
        "audience",
    }
    ladder = body["escalation"]
    assert ladder["level"] == 3  # every P1 rung is long past: auto-advanced
    assert [e["who"] for e in ladder["engaged"]] == ["On-call", "Tech lead", "CTO"]
    assert ladder["next"] is None and ladder["next_at"] is None
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds.count("sla_breach") >= 3 and kinds.count("escalation") == 3
    listed = json.loads(run("list", "--json").stdout)[0]
    assert listed["next_deadline"]["state"] == "overdue"


def test_escalate_command(run) -> None:
    run("declare", "-s", "P2", "-t", "x")
    run("ack", "1")
    run("assign", "1", "tech-lead", "Chen Wei")  # a rung nobody holds falls through (issue 13)
    result = run("escalate", "1")
    assert result.exit_code == 0 and "level 2: Tech lead (Chen Wei)" in result.stdout
    again = run("escalate", "1")
    assert again.exit_code == 1 and "nobody left to escalate to" in again.stderr


def test_policy_check_names_file_line_and_field(run, tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text(
        "severities:\n  P1:\n    ack: 5m\n    update_every: 3x\n    resolve_within: 1h\n"
    )
    result = run("policy", "check", str(bad))
    assert result.exit_code == 1
    assert f'{bad}:4: severities.P1.update_every: "3x" is not a duration' in result.stderr
    good = run("policy", "check", "src/warroom/defaults/policy.yaml")
    assert good.exit_code == 0 and "ok (P0, P1, P2, P3)" in good.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("severities:\n  P1: [unclosed\n")
    result = run("policy", "check", str(broken))
    assert result.exit_code == 1 and f"{broken}:" in result.stderr and "YAML" in result.stderr


def test_console_refuses_to_start_on_a_bad_policy(run, tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text(
        "severities:\n  P1:\n    ack: soon\n    update_every: 5m\n    resolve_within: 1h\n"
    )
    result = run("--policy", str(bad))
    assert result.exit_code == 1
    assert 'policy.yaml:3: severities.P1.ack: "soon" is not a duration' in result.stderr
    assert "Traceback" not in result.output


def test_a_sev1_to_sev5_policy_works_in_the_cli(run) -> None:
    policy = str(Path(__file__).parents[1] / "fixtures" / "policies" / "sev5.yaml")
    assert run("--policy", policy, "declare", "-s", "sev4", "-t", "x").exit_code == 0
    bad = run("--policy", policy, "declare", "-s", "P1", "-t", "x")
    assert bad.exit_code == 1 and "expected one of: SEV1, SEV2, SEV3, SEV4, SEV5" in bad.stderr
    body = json.loads(run("--policy", policy, "show", "1", "--json").stdout)
    assert body["severity"] == "SEV4" and body["timers"]


def test_checklist_tick_and_runbook_commands(run, tmp_path: Path) -> None:
    run("declare", "-s", "P1", "-t", "x")
    assert run("tick", "1", "1").exit_code == 0
    again = run("tick", "1", "1")
    assert again.exit_code == 1 and "already ticked by Ana" in again.stderr
    assert run("answer", "1", "rapid-assessment/triage-questions/2", "[#33] 40%").exit_code == 0
    shown = run("checklist", "1").stdout
    # item 2 was ticked by warroom at declaration
    assert "Initial response [2/9]" in shown and "= [#33] 40%" in shown
    body = json.loads(run("checklist", "1", "--json").stdout)
    first = body[0]["items"][0]
    assert (first["number"], first["done"], first["done_by"]) == (1, True, "Ana")
    assert run("tick", "1", "1", "--undo").exit_code == 0
    missing = run("tick", "1", "9999")
    assert missing.exit_code == 1 and "no checklist item '9999'" in missing.stderr
    listed = run("runbook", "list").stdout
    # issue 13: by rank, so it names the policy's own first severity
    assert "p0-critical" in listed and "(rank highest = P0)" in listed
    assert "(on request)" in listed and "(at resolved)" in listed
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nsections:\n  - title: s\n    within: soon\n")
    result = run("runbook", "check", str(bad))
    assert result.exit_code == 1 and f"{bad}:4:" in result.stderr
    markdown = tmp_path / "rb.md"
    markdown.write_text("# Restore\n\n## Steps\n\n- [ ] Stop writes [db]\n1. Verify backups\n")
    out = tmp_path / "rb.yaml"
    assert run("runbook", "import", str(markdown), "-o", str(out)).exit_code == 0
    assert "Stop writes [db]" in out.read_text()
    refused = run("runbook", "import", str(markdown), "-o", str(out))
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert run("runbook", "check", str(out)).exit_code == 0


def test_templates_compose_post_and_updates(run, tmp_path: Path) -> None:
    run("declare", "-s", "P1", "-t", "[#33] {__class__} checkout")
    listed = run("templates").stdout
    assert "external-initial" in listed and "incident-update" in listed
    filled = run("compose", "1", "-t", "incident-update", "--set", "ETA=30 min")
    assert filled.exit_code == 0
    assert "[#33] {__class__} checkout" in filled.stdout and "ETA: 30 min" in filled.stdout
    assert "⟨next steps?⟩" in filled.stdout
    unknown = run("compose", "1", "-t", "nope")
    assert unknown.exit_code == 1 and "unknown template 'nope'" in unknown.stderr
    bad = run("compose", "1", "-t", "incident-update", "--set", "ETA")
    assert bad.exit_code == 1 and "NAME=VALUE" in bad.stderr
    text = tmp_path / "update.txt"
    text.write_text("We fixed it. [bold]really[/]")
    assert run("post", "1", "-t", "external-resolution", "--file", str(text)).exit_code == 0
    assert run("post", "1", "-t", "internal-update", "--set", "eta=5m", "--force").exit_code == 0
    body = json.loads(run("updates", "1", "--json").stdout)
    assert [u["template"] for u in body] == ["internal-update", "external-resolution"]
    assert body[1]["body"] == "We fixed it. [bold]really[/]" and body[1]["audience"] == "external"
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["last_update_at"] is not None
    assert [t["state"] for t in shown["timers"] if t["name"] == "first_update"] == ["met"]


def test_handoff_command(run) -> None:
    run("declare", "-s", "P2", "-t", "x")
    assert run("handoff", "1", "Bo", "--note", "State: stable").exit_code == 0
    body = json.loads(run("show", "1", "--json").stdout)
    assert body["commander"] == "Bo"
    missing = run("handoff", "1", "Cy")
    assert missing.exit_code == 2


def test_nobody_can_sign_as_the_war_room_itself(db_path: Path) -> None:
    runner = CliRunner()
    for args, env in (
        (["--as", "WarRoom"], {}),
        ([], {"WARROOM_USER": " warroom "}),
    ):
        result = runner.invoke(cli, ["--db", str(db_path), *args, "list"], env=env)
        assert result.exit_code == 1
        assert "signs what the war room does by itself" in result.output
        assert "Traceback" not in result.output
    assert not db_path.exists()  # refused before anything was opened
