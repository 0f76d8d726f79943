"""`warroom log`, `ack` and `list` without click (cli/quick.py): the same output, exit
status and rows as the click group gives for the same command line; anything but a
plain form is left to the group."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import warroom.cli.quick
from tests.conftest import T0, away_from_the_user, copy_record
from warroom.cli import cli
from warroom.cli.quick import handled
from warroom.clock import FrozenClock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"


@pytest.fixture
def frozen(cli_clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """Both paths on the test's frozen clock."""
    monkeypatch.setattr(warroom.cli.quick, "SystemClock", lambda: cli_clock)
    return cli_clock


SEED = (
    ["declare", "-s", "P1", "-t", "API down"],
    ["declare", "-s", "P2", "-t", "DB slow"],
    ["ack", "1"],
    ["declare", "-s", "P3", "-t", "resolved one"],
    ["status", "3", "resolved"],
    ["declare", "-s", "P3", "-t", "closed one"],
    ["status", "4", "resolved"],
    ["status", "4", "closed", "--postmortem-owner", "Ana"],
    ["declare", "-s", "P2", "-t", "evil \x1b[2J\x07 title", "--commander", "李小龍"],
)


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded file, written once for the module through the click group on a clock
    frozen at T0 (as each test's own clock starts), away from the user's environment as
    conftest's per-test fixture keeps it; each test works on its own copy."""
    import warroom.cli.group

    folder = tmp_path_factory.mktemp("seed")
    path = folder / "seed.db"
    clock = FrozenClock(T0)
    with away_from_the_user(folder) as patch:
        patch.setattr(warroom.cli.group, "SystemClock", lambda: clock)
        for args in SEED:
            result = CliRunner().invoke(cli, ["--db", str(path), "--as", "Ana", *args])
            assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def seeded(seed_file: Path, tmp_path: Path, frozen: FrozenClock) -> Path:
    """A file with incidents in several states (the first acknowledged, one resolved,
    one closed, one with control characters in its title), recorded under the
    default policy at T0; the clock an hour on."""
    path = tmp_path / "seed.db"
    copy_record(seed_file, path)  # with its owner-only mode
    frozen.step(hours=1)
    return path


def _rows(path: Path, *, timed: bool = True) -> list[tuple[object, ...]]:
    """Every timeline row and incident (not `timed`: without the moments, for two
    processes on the real clock)."""
    conn = sqlite3.connect(path)
    try:
        if timed:
            rows = conn.execute("SELECT * FROM timeline ORDER BY id").fetchall()
            return rows + conn.execute("SELECT * FROM incidents ORDER BY id").fetchall()
        rows = conn.execute(
            "SELECT incident_id, author, kind, text, data, supersedes FROM timeline ORDER BY id"
        ).fetchall()
        return (
            rows
            + conn.execute(
                "SELECT id, status, acknowledged_at IS NULL, escalation_level FROM incidents"
            ).fetchall()
        )
    finally:
        conn.close()


CASES = [
    ["log", "1", "restarted the API"],
    ["log", "#2", "failover started", "--kind", "decision"],
    ["log", "-k", "action", "2", "paged the DBA"],
    ["log", "1", "backdated", "--at", "2026-01-02T03:04:05Z"],
    ["log", "1", "from the future", "--at", "2999-01-01T00:00:00Z"],
    ["log", "1", "bad time", "--at", "25:99"],
    ["log", "1", "x", "--kind", "bogus\x1b[31m"],
    ["log", "1", "   "],
    ["log", "99", "nowhere"],
    ["ack", "2"],
    ["ack", "1"],  # already acknowledged
    ["ack", "99"],
    ["--tz", "Mars/Olympus", "ack", "2"],
    ["--tz", "Europe/Berlin", "--as", "Ben", "log", "2", "as Ben"],
    ["--read-only", "log", "1", "observer"],
    ["--policy", str(FIXTURES / "ladder_p0_p3.yaml"), "log", "1", "another policy"],
    ["--policy", "/nonexistent/policy.yaml", "ack", "2"],
    ["--as", "", "--share-group", "log", "2", "nameless"],
    ["list"],
    ["list", "--json"],
    ["list", "--all", "--json"],
    ["--tz", "Asia/Tokyo", "list", "--all"],
    ["--policy", str(FIXTURES / "ladder_critical_low.yaml"), "list", "--json"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a)[:40])
def test_a_plain_command_does_what_the_click_group_does(
    seeded: Path, tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    mine, theirs = tmp_path / "quick.db", tmp_path / "click.db"
    shutil.copy(seeded, mine)
    shutil.copy(seeded, theirs)
    capsys.readouterr()
    status = handled(["--db", str(mine), *args])
    out = capsys.readouterr()
    assert status is not None  # taken by the quick path, not left to the group
    result = CliRunner().invoke(cli, ["--db", str(theirs), *args])
    assert status == result.exit_code
    assert out.out == result.stdout
    assert out.err.replace(str(mine), str(theirs)) == result.stderr
    assert _rows(mine) == _rows(theirs)


def test_a_shell_completion_request_is_left_to_the_click_group(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("_WARROOM_COMPLETE", "bash_complete")
    assert handled(["--db", str(seeded), "ack", "2"]) is None


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["log", "--help"],
        ["ack", "-h"],
        ["log", "1"],
        ["log", "1", "two", "three"],
        ["log", "abc", "text"],
        ["log", "1", "-starts with a dash"],
        ["log", "1", "text", "--kind"],
        ["log", "1", "text", "--kind", "note", "--kind", "action"],
        ["log", "1", "text", "--kind=note"],
        ["--as", "a", "--as", "b", "ack", "1"],
        ["--db=other.db", "ack", "1"],
        ["ack", "1", "2"],
        ["ack", "1", "--kind", "note"],
        ["show", "1"],
        ["--", "ack", "1"],
        ["log", "1", "caf\udce9"],  # not UTF-8: the group names it
        ["list", "--json", "--json"],
        ["list", "1"],
        ["list", "--help"],
        ["list", "-a"],
    ],
)
def test_anything_but_a_plain_form_is_left_to_the_click_group(
    seeded: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = _rows(seeded)
    assert handled(["--db", str(seeded), *args]) is None
    assert capsys.readouterr() == ("", "")
    assert _rows(seeded) == before


def _process(code: str, path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WARROOM_USER": "Ana"}
    return subprocess.run(
        [sys.executable, "-c", code, "--db", str(path), *args],
        capture_output=True,
        text=True,
        env=env,
    )


MAIN = "import sys; sys.argv[0] = 'warroom'; from warroom.cli import main; main()"
GROUP = "import sys; from warroom.cli import cli; cli(prog_name='warroom', args=sys.argv[1:])"
WITHOUT_CLICK = (
    "import sys; sys.argv[0] = 'warroom'\n"
    "from warroom.cli import main\n"
    "try:\n    main()\n"
    "finally:\n    print('click' in sys.modules, file=sys.stderr)"
)


@pytest.mark.parametrize(
    "args",
    [
        ["log", "1", "hello"],
        ["log", "1", "x", "--kind", "bogus\x1b[31m"],
        ["--policy", str(FIXTURES / "ladder_p0_p3.yaml"), "ack", "2"],
    ],
)
def test_the_script_prints_what_the_group_prints_without_importing_click(
    seeded: Path, tmp_path: Path, args: list[str]
) -> None:
    mine, theirs = tmp_path / "quick.db", tmp_path / "click.db"
    shutil.copy(seeded, mine)
    shutil.copy(seeded, theirs)
    quick = _process(WITHOUT_CLICK, mine, *args)
    group = _process(GROUP, theirs, *args)
    *printed, loaded = quick.stderr.splitlines(keepends=True)
    assert loaded == "False\n"
    assert (quick.returncode, quick.stdout) == (group.returncode, group.stdout)
    assert "".join(printed).replace(str(mine), str(theirs)) == group.stderr
    assert _rows(mine, timed=False) == _rows(theirs, timed=False)
    shown = _process(MAIN, mine, "--help")  # the group's own help, from the same entry
    assert shown.returncode == 0 and "Commands:" in shown.stdout


@pytest.mark.parametrize("args", [["list", "--json", "--all"], ["list"]])
def test_the_script_lists_what_the_group_lists_without_importing_click(
    seeded: Path, args: list[str]
) -> None:
    quick = _process(WITHOUT_CLICK, seeded, *args)
    group = _process(GROUP, seeded, *args)
    assert quick.stderr == "False\n" and group.stderr == ""
    assert quick.returncode == group.returncode == 0
    if "--json" in args:  # two processes on the real clock: ages may be a second apart
        mine, theirs = json.loads(quick.stdout), json.loads(group.stdout)
        for row in [*mine, *theirs]:
            row.pop("age_seconds")
            for moving in ("remaining_seconds", "shown", "missed_by_seconds"):
                (row["next_deadline"] or {}).pop(moving, None)
        assert mine == theirs and len(mine) == 5
    else:
        assert [line[:20] for line in quick.stdout.splitlines()] == [
            line[:20] for line in group.stdout.splitlines()
        ]
        assert "\x1b" not in quick.stdout and "李小龍" in quick.stdout


def _click_options(command: object) -> dict[str, bool]:
    """Each option name of a click command, and whether it is a flag."""
    import click

    assert isinstance(command, click.Command)
    return {
        name: bool(param.is_flag)
        for param in command.params
        if isinstance(param, click.Option)
        for name in param.opts
    }


def test_the_options_read_here_are_the_click_group_s_own() -> None:
    """The plain forms accept only options the click group has, of the same kind (a
    flag, or one taking a value), and its commands' arguments: an option renamed or
    made a flag there, or an argument added, fails here."""
    import click

    from warroom.cli import quick

    group = _click_options(cli)
    assert {name: False for name in quick.VALUES} | {name: True for name in quick.FLAGS} == {
        name: flag for name, flag in group.items() if name in {*quick.VALUES, *quick.FLAGS}
    }
    assert set(quick.VALUES) | set(quick.FLAGS) <= set(group)
    commands = {
        name: _click_options(cli.get_command(None, name))  # type: ignore[arg-type]
        for name in ("log", "list")
    }
    for name in quick.LOG_VALUES:
        assert commands["log"].get(name) is False, name
    for name in quick.LIST_FLAGS:
        assert commands["list"].get(name) is True, name

    for name, count in quick.POSITIONAL.items():
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        assert len(arguments) == count, name


@pytest.mark.parametrize(
    "args",
    [[], ["--tz", "Europe/Berlin", "--as", "Ben", "--read-only"], ["--tz", "Mars/Olympus"]],
    ids=["plain", "options", "bad zone"],
)
def test_the_console_opens_on_what_the_click_group_opens_it_on(
    seeded: Path,
    args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`warroom [options]` with no command opens the console without click: on the same
    file, person, zone, policy and access as the group, or with the same one-line error."""
    import warroom.cli.console_start
    import warroom.cli.group

    opened: list[tuple[object, ...]] = []

    def console(context: Any) -> None:
        opened.append((context.settings, context.tz, context.policy.source))

    monkeypatch.setattr(warroom.cli.console_start, "open_console", console)
    monkeypatch.setattr(warroom.cli.group, "open_console", console)
    capsys.readouterr()
    status = handled(["--db", str(seeded), *args])
    out = capsys.readouterr()
    assert status is not None  # taken by the quick path
    result = CliRunner().invoke(cli, ["--db", str(seeded), *args])
    assert (status, out.out, out.err) == (result.exit_code, result.stdout, result.stderr)
    if status == 0:
        assert len(opened) == 2 and opened[0] == opened[1]
    else:
        assert opened == [] and out.err.startswith("Error: ")


def test_opening_the_console_does_not_import_click() -> None:
    script = (
        "import sys, warroom.cli.quick, warroom.cli.console_start; print('click' in sys.modules)"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert found.stdout == "False\n"
