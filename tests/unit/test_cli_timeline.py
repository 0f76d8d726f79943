"""The scribe's tools from the shell: correct, strike, pin, search, follow-ups, close."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from warroom.cli import cli


@pytest.fixture
def run(db_path: Path):
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--db", str(db_path), "--as", "Ana", *args])

    return invoke


def entries(run) -> list[dict]:
    return json.loads(run("show", "1", "--json").stdout)["timeline"]


def test_correct_and_strike_keep_history_in_show(run) -> None:
    run("declare", "-s", "P1", "-t", "API down")
    run("log", "1", "db at 95% cpu", "--kind", "finding")
    first = entries(run)[-1]["id"]
    fixed = run("correct", f"#{first}", "db at 59% cpu")
    assert fixed.exit_code == 0, fixed.output
    shown = run("show", "1").stdout
    assert "db at 59% cpu (edited)" in shown
    assert "db at 95% cpu" in shown  # the old version is listed under it
    rows = entries(run)
    assert [(r["text"], r["current"]) for r in rows[-2:]] == [
        ("db at 95% cpu", False),
        ("db at 59% cpu", True),
    ]
    stale = run("correct", str(first), "again")
    assert stale.exit_code == 1
    assert "already corrected by Ana" in stale.stderr
    struck = run("strike", fixed.stdout.strip(), "--reason", "wrong host")
    assert struck.exit_code == 0, struck.output
    assert "[struck by Ana: wrong host] db at 59% cpu" in run("show", "1").stdout


def test_pin_shows_a_star_and_json_says_pinned(run) -> None:
    run("declare", "-s", "P1", "-t", "API down")
    run("log", "1", "rolled back", "--kind", "action")
    entry = entries(run)[-1]["id"]
    assert run("pin", str(entry)).exit_code == 0
    assert any(r["pinned"] for r in entries(run) if r["id"] == entry)
    assert f"★ #{entry}" in run("show", "1").stdout
    again = run("pin", str(entry))
    assert again.exit_code == 1 and "already pinned" in again.stderr
    assert run("pin", str(entry), "--off").exit_code == 0
    assert not any(r["pinned"] for r in entries(run))


def test_search_prints_matching_entries_literally(run) -> None:
    run("declare", "-s", "P1", "-t", "API down")
    run("log", "1", "[bold]5xx[/] spike on checkout")
    run("log", "1", "quiet")
    found = run("search", "1", "5xx")
    assert found.exit_code == 0
    assert "[bold]5xx[/] spike on checkout" in found.stdout
    assert "quiet" not in found.stdout
    missing = run("search", "1", "nothing-like-this")
    assert missing.stdout == "" and "nothing in #1 matches" in missing.stderr
    assert "unknown incident id" in run("search", "x1", "a").stderr


def test_follow_ups_add_promote_set_and_list(run) -> None:
    run("declare", "-s", "P1", "-t", "API down")
    run("log", "1", "add pool alert", "--kind", "todo")
    todo = entries(run)[-1]["id"]
    promoted = run("followups", "promote", str(todo), "--owner", "Bo", "--due", "2026-12-01")
    assert promoted.exit_code == 0, promoted.output
    added = run("followups", "add", "1", "write runbook", "--priority", "high")
    assert added.exit_code == 0, added.output
    listed = json.loads(run("followups", "--json").stdout)
    assert [(f["text"], f["priority"], f["owner"], f["due"]) for f in listed] == [
        ("write runbook", "high", "", None),
        ("add pool alert", "medium", "Bo", "2026-12-01"),
    ]
    assert listed[1]["from_entry"] == todo
    done = run("followups", "set", added.stdout.strip(), "--status", "done")
    assert done.exit_code == 0, done.output
    still_open = json.loads(run("followups", "--open", "--json").stdout)
    assert [f["text"] for f in still_open] == ["add pool alert"]
    assert "write runbook" in run("followups").stdout
    bad = run("followups", "add", "1", "x", "--due", "someday")
    assert bad.exit_code == 1 and "'someday' is not a due date" in bad.stderr
    assert "unknown follow-up status" in run("followups", "set", "1", "--status", "maybe").stderr


def test_closing_names_the_postmortem_owner_and_lists_open_follow_ups(run) -> None:
    run("declare", "-s", "P1", "-t", "API down")
    run("followups", "add", "1", "write runbook", "--owner", "Cy")
    run("status", "1", "resolved")
    refused = run("status", "1", "closed")
    assert refused.exit_code == 1
    assert "needs a post-mortem owner" in refused.stderr
    closed = run("status", "1", "closed", "--postmortem-owner", "Di")
    assert closed.exit_code == 0, closed.output
    assert "open follow-up #1: write runbook (Cy)" in closed.stdout
    assert json.loads(run("show", "1", "--json").stdout)["postmortem_owner"] == "Di"


def test_search_finds_an_entry_by_its_earlier_text(run) -> None:
    run("declare", "-s", "P1", "-t", "API down")
    run("log", "1", "queue depth 14k", "--kind", "finding")
    first = entries(run)[-1]["id"]
    run("correct", str(first), "queue depth 41k")
    found = run("search", "1", "14k")
    assert "queue depth 41k (edited)" in found.stdout
