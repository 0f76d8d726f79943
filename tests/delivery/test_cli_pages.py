"""`warroom deliver --once` sends what is due and says so; `warroom pages` tells who was
paged, through what, when, after how many attempts, and how it went."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.delivery.sinks import http_sink
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.loaders.policy import default_policy_text

pytest.importorskip("apprise")


def test_deliver_once_then_pages_tell_the_story(
    db_path: Path, tmp_path: Path, cli_clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with http_sink(fail_first=1) as sink:
        monkeypatch.setenv("SINK_PORT", str(sink.port))
        policy = tmp_path / "policy.yaml"
        policy.write_text(
            default_policy_text()
            .replace(
                'chat: "@eve"}', 'chat: "@eve", channels: ["json://127.0.0.1:${SINK_PORT}/e"]}'
            )
            .replace(
                'chat: "@dana"}', 'chat: "@dana", channels: ["json://127.0.0.1:${SINK_PORT}/d"]}'
            )
            + "\npages:\n  subscribers: [Eve Adams, Dana Kim]\n  max_attempts: 2\n"
        )
        runner = CliRunner()

        def run(*args: str, code: int = 0) -> Result:
            base = ["--db", str(db_path), "--policy", str(policy), "--as", "Zed", "--tz", "UTC"]
            result = runner.invoke(cli, [*base, *args])
            assert result.exit_code == code, result.output
            return result

        run("declare", "-t", "Checkout [red]down[/red]", "-s", "P2")
        assert run("pages", "1").output.splitlines() == [
            "1    #1 pending   declared            Eve Adams via json · 09:00:00 UTC · 0 attempts",
            "2    #1 pending   declared            Dana Kim via json · 09:00:00 UTC · 0 attempts",
        ]
        assert run("deliver", "--once").output.splitlines() == [
            "#1 paged Dana Kim via json: delivered",
            "#1 page to Eve Adams via json failed (attempt 1, tried again later):"
            " Failed to send JSON POST notification: Servers are overloaded., error=503.",
        ]
        assert run("pages", "1").output.splitlines()[0] == (
            "1    #1 pending   declared            Eve Adams via json · 09:00:00 UTC · 1 attempt"
            " · next try 09:00:30 UTC · Failed to send JSON POST notification: Servers are"
            " overloaded., error=503."
        )
        assert run("deliver", "--once").output == ""  # Eve's retry is not due yet
        cli_clock.step(seconds=30)
        again = json.loads(run("deliver", "--once", "--json").output)
        assert (again["claimed"], again["delivered"], again["failed"]) == (1, [1], [])
        shown = json.loads(run("pages", "--json").output)
        in_show = run("show", "1").output
        show_json = json.loads(run("show", "1", "--json").output)
    # `show` lists the incident's pages too, as `pages` does
    assert "  pages:\n" in in_show
    assert "09:00:30 UTC  paged Eve Adams via json (declared): delivered" in in_show
    assert "09:00:00 UTC  paged Dana Kim via json (declared): delivered" in in_show
    assert [(p["recipient"], p["state"]) for p in show_json["pages"]] == [
        ("Eve Adams", "delivered"),
        ("Dana Kim", "delivered"),
    ]
    assert [(p["recipient"], p["state"], p["attempts"]) for p in shown] == [
        ("Eve Adams", "delivered", 2),
        ("Dana Kim", "delivered", 1),
    ]
    assert shown[0]["channel"] == "json://127.0.0.1:${SINK_PORT}/e"
    title = "Checkout [red]down[/red]"
    assert shown[0]["subject"] == f"[warroom] #1 P2 declared (availability): {title}"
    assert shown[0]["delivered_at"] == "2026-11-23T09:00:30Z"
    assert sorted(body["title"] for _, body in sink.accepted) == [shown[0]["subject"]] * 2
    assert run("pages", "9", code=1).output == "Error: no incident #9\n"
    assert run("pages", "--failed").output == "no page FAILED\n"
