"""Issue 14: what the console does, the CLI does too: impact, the marker check
before posting, an unknown time zone refused by every command."""

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


def _shown(run) -> dict:
    result = run("show", "1", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _updates(run) -> list:
    result = run("updates", "1", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_declare_takes_the_impact_in_one_step(run) -> None:
    result = run(
        "declare", "-s", "P1", "-t", "Checkout down", "--users", "EU shoppers",
        "--services", "checkout-api",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = _shown(run)
    assert shown["impact"] == {"users": "EU shoppers", "services": "checkout-api", "business": ""}
    rows = [(e["kind"], e["text"]) for e in shown["timeline"]]
    assert ("impact", "Impact — users: EU shoppers; services: checkout-api") in rows


def test_impact_sets_and_clears_fields_and_says_what_it_needs(run) -> None:
    run("declare", "-s", "P1", "-t", "Checkout down", "--users", "EU shoppers")
    assert run("impact", "1", "--business", "lost orders", "--users", "").exit_code == 0
    assert _shown(run)["impact"] == {"users": "", "services": "", "business": "lost orders"}
    nothing = run("impact", "1")
    assert nothing.exit_code == 1
    assert nothing.stderr.strip() == 'Error: give --users, --services or --business ("" clears one)'
    unknown = run("impact", "7", "--users", "x")
    assert unknown.exit_code == 1 and "no incident #7" in unknown.stderr
    same = run("impact", "#1", "--business", "lost orders")
    assert same.exit_code == 1 and "impact unchanged" in same.stderr


def test_post_refuses_unfilled_markers_without_force(run, tmp_path: Path) -> None:
    run("declare", "-s", "P1", "-t", "Checkout down")
    refused = run("post", "1", "-t", "internal-update", "--set", "eta=30 min")
    assert refused.exit_code == 1
    assert "not posted: still unfilled: " in refused.stderr and "--force" in refused.stderr
    assert "ETA" not in refused.stderr.split("--set")[0]  # the value given is filled
    assert _updates(run) == []
    text = tmp_path / "update.txt"
    text.write_text("Checkout is back. Next update ⟨ETA?⟩.\n")
    from_file = run("post", "1", "-t", "internal-update", "--file", str(text))
    assert from_file.exit_code == 1 and "still unfilled: ETA (" in from_file.stderr
    forced = run("post", "1", "-t", "internal-update", "--file", str(text), "--force")
    assert forced.exit_code == 0, forced.output
    text.write_text("Checkout is back; ⟨U+009B⟩ is a control character shown, not a marker.\n")
    assert run("post", "1", "-t", "internal-update", "--file", str(text)).exit_code == 0
    assert [u["body"][:16] for u in _updates(run)] == ["Checkout is back"] * 2


@pytest.mark.parametrize("command", [["list"], ["list", "--all"], ["show", "1"], ["ack", "1"]])
def test_an_unknown_time_zone_is_refused_by_every_command(run, command: list[str]) -> None:
    """`list --tz Mars/Base` used to exit 0 (it shows no times) while `show` refused it."""
    run("declare", "-s", "P1", "-t", "Checkout down")
    result = run("--tz", "Mars/Base", *command)
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: unknown time zone 'Mars/Base'"
    assert result.stdout == ""
    assert _shown(run)["acknowledged_at"] is None  # refused before doing anything
