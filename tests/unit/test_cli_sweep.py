"""Reading commands never write; `warroom sweep` records what fell due, once."""

from __future__ import annotations

import ast
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from warroom.cli import cli
from warroom.clock import FrozenClock

SRC = Path(__file__).resolve().parents[2] / "src" / "warroom"

Run = Callable[..., Result]


@pytest.fixture
def run(db_path: Path, cli_clock: FrozenClock) -> Run:
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, ["--db", str(db_path), "--as", "Ana", "--tz", "UTC", *args])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture
def overdue(run: Run, cli_clock: FrozenClock) -> int:
    """A P1 declared an hour ago, never acknowledged: its ack timer and ladder fell due."""
    run("declare", "-s", "P1", "-t", "API down")
    run("log", "1", "database restarted")
    run("followups", "add", "1", "add an alert")
    run("tick", "1", "1")
    run("post", "1", "-t", "internal-update", "--force")
    cli_clock.step(hours=1)
    return 1


class FileWatch:
    """Whether any other connection committed to the file since the last look."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.version = self._read()
        self.rows = self._rows()

    def _read(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _rows(self) -> list[tuple[object, ...]]:
        return self.conn.execute(
            "SELECT id, kind, author, text FROM timeline ORDER BY id"
        ).fetchall()

    def new_rows(self) -> list[tuple[object, ...]]:
        """Timeline rows written since the last look (and remember the file as it is now)."""
        before, self.rows, self.version = self.rows, self._rows(), self._read()
        return self.rows[len(before) :]

    def wrote(self) -> bool:
        return self._read() != self.version


READS = [
    ("list",),
    ("list", "--all", "--json"),
    ("show", "1"),
    ("show", "#1", "--json"),
    ("search", "1", "database"),
    ("followups",),
    ("followups", "--incident", "1", "--json"),
    ("checklist", "1"),
    ("checklist", "1", "--json"),
    ("updates", "1", "--json"),
    ("compose", "1", "-t", "internal-update"),
    ("report", "--json"),
    ("export", "1"),
    ("export", "1", "--format", "json"),
]


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_reading_command_writes_nothing_to_a_file_with_overdue_clocks(
    run: Run, db_path: Path, overdue: int, args: tuple[str, ...]
) -> None:
    watch = FileWatch(db_path)
    run(*args)
    assert not watch.wrote()
    assert watch.new_rows() == []


def test_show_says_what_is_due_without_recording_it(run: Run, overdue: int) -> None:
    body = json.loads(run("show", "1", "--json").stdout)
    ack = next(t for t in body["timers"] if t["name"] == "ack")
    assert ack["state"] == "overdue"
    ladder = body["escalation"]
    # the writes above engaged the first rung (On-call); the second fell due since, unrecorded
    assert ladder["level"] == 1 and ladder["next"]["who"] == "Tech lead"
    assert ladder["next_at"] < "2026-11-23T10:00:00Z"
    assert [e["kind"] for e in body["timeline"]].count("sla_breach") == 0


def test_sweep_records_each_breach_and_rung_once(run: Run, db_path: Path, overdue: int) -> None:
    watch = FileWatch(db_path)
    first = run("sweep")
    written = watch.new_rows()
    kinds = [kind for _, kind, _, _ in written]
    assert kinds.count("sla_breach") >= 1 and kinds.count("escalation") >= 1
    assert {author for _, _, author, _ in written} == {"warroom"}  # signed by the system
    assert "#1 breached Acknowledge by (due 09:15:00 UTC)" in first.stdout
    # nobody holds Tech lead: the call falls through to the CTO, with a warning (issue 13)
    assert "#1 ⚠ level 2 Tech lead: nobody holds it" in first.stdout
    assert "#1 escalated to level 3: CTO (Eve Adams)" in first.stdout

    again = run("sweep")
    assert again.stdout.strip() == "nothing fell due"
    assert not watch.wrote() and watch.new_rows() == []

    body = json.loads(run("show", "1", "--json").stdout)
    assert body["escalation"]["level"] == 3
    shown = [e["kind"] for e in body["timeline"]]
    assert shown.count("sla_breach") == kinds.count("sla_breach")


def test_sweep_json_lists_what_it_recorded(run: Run, overdue: int) -> None:
    body = json.loads(run("sweep", "--json").stdout)
    assert set(body) == {"breaches", "escalations", "notify_hook"}
    ack = next(b for b in body["breaches"] if b["timer"] == "ack")
    assert ack == {
        "incident_id": 1,
        "timer": "ack",
        "label": ack["label"],
        "deadline": "2026-11-23T09:15:00Z",
        "severity": "P1",
    }
    assert body["escalations"][0] == {
        "incident_id": 1,
        "level": 2,
        "who": "Tech lead",
        "person": body["escalations"][0]["person"],
        "notify": body["escalations"][0]["notify"],
        "severity": "P1",
    }
    assert body["notify_hook"] == []
    empty = json.loads(run("sweep", "--json").stdout)
    assert empty == {"breaches": [], "escalations": [], "notify_hook": []}


def test_sweep_runs_the_notify_hook_for_new_rungs_only(
    db_path: Path, cli_clock: FrozenClock, tmp_path: Path
) -> None:
    paged = tmp_path / "paged.txt"
    hook = tmp_path / "page"
    hook.write_text(f'#!/bin/sh\necho "$1" >> {paged}\n')
    hook.chmod(0o755)
    defaults = (SRC / "defaults" / "policy.yaml").read_text()
    policy = tmp_path / "policy.yaml"
    policy.write_text(defaults + f'\nnotify_hook:\n  program: {hook}\n  args: ["{{who}}"]\n')
    runner = CliRunner()

    def run(*args: str) -> Result:
        options = ["--db", str(db_path), "--policy", str(policy), "--as", "Ana"]
        result = runner.invoke(cli, [*options, *args])
        assert result.exit_code == 0, result.output
        return result

    run("declare", "-s", "P1", "-t", "API down")
    first = run("sweep")
    assert "notify hook ran" in first.stderr
    run("sweep")
    assert paged.read_text().splitlines() == ["On-call"]


def test_a_sweep_on_a_read_only_file_is_refused_in_one_line(
    run: Run, db_path: Path, overdue: int
) -> None:
    watch = FileWatch(db_path)
    refused = run("--read-only", "sweep", ok=False)
    assert refused.exit_code == 1
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.output
    assert not watch.wrote()


def test_an_id_is_typed_12_or_hash_12_and_a_bad_one_is_named(run: Run, overdue: int) -> None:
    assert run("show", "#1").stdout == run("show", "1").stdout
    bad = run("show", "one", ok=False)
    assert bad.exit_code == 1
    assert bad.stderr.strip() == (
        "Error: unknown incident id 'one' (ids are numbers, like 12 or #12)"
    )
    bad_entry = run("pin", "x2", ok=False)
    assert "unknown entry id 'x2'" in bad_entry.stderr
    for command in (["show", "²"], ["log", "#²", "text"], ["ack", "١"]):  # digits int() refuses
        refused = run(*command, ok=False)
        assert refused.exit_code == 1 and "Traceback" not in refused.output
        assert "unknown incident id" in refused.stderr


def _warroom_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {name for name in found if name.startswith("warroom.")}


def test_command_modules_never_import_the_package_that_registers_them() -> None:
    package = SRC / "cli"
    for module in sorted(package.glob("*.py")):
        if module.name in {"__init__.py", "commands.py"}:
            continue
        imported = _warroom_imports(module)
        back = {
            name
            for name in imported
            if name in {"warroom.cli", "warroom.cli.cli", "warroom.cli.main"}
            or name.startswith("warroom.cli.commands")
        }
        assert not back, f"{module.name} imports {back}"
