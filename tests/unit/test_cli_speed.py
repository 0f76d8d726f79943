"""What keeps a `warroom` command quick: it imports only its own module, and the
sweep before a write covers the incident it acts on (consoles and `warroom sweep`
record the rest, dated the same)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from warroom.cli import cli
from warroom.cli.commands import COMMANDS
from warroom.cli.group import CommandEntry
from warroom.clock import FrozenClock

Run = Callable[..., Result]


@pytest.fixture
def run(db_path: Path, cli_clock: FrozenClock) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        result = runner.invoke(cli, ["--db", str(db_path), "--as", "Ana", "--tz", "UTC", *args])
        assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda e: e.name)
def test_help_lists_each_command_with_its_own_first_line(entry: CommandEntry) -> None:
    command = getattr(importlib.import_module(f"warroom.cli.{entry.module}"), entry.attribute)
    assert command.name == entry.name
    assert command.get_short_help_str(limit=10_000) == entry.short_help
    help_text = CliRunner().invoke(cli, ["--help"]).stdout
    assert f"  {entry.name} " in help_text


def test_a_command_imports_only_what_it_needs(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    script = (
        "import sys\n"
        "from warroom.cli import cli\n"
        f"cli.main(['--db', {db!r}, 'declare', '-s', 'P2', '-t', 'x'], standalone_mode=False)\n"
        f"cli.main(['--db', {db!r}, 'log', '1', 'hello'], standalone_mode=False)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert "warroom.cli.timeline" in loaded and "warroom.cli.incidents" in loaded
    for heavy in ("warroom.cli.transfer", "warroom.cli.report", "warroom.cli.updates"):
        assert heavy not in loaded
    assert "warroom.loaders.templates" not in loaded and "textual" not in loaded


def _modules_after_log_and_ack(db: str) -> set[str]:
    """The modules a fresh process has loaded once it logged into and acknowledged
    incident 1 of a new file at `db` (through the click group)."""
    CliRunner().invoke(cli, ["--db", db, "declare", "-s", "P2", "-t", "x"])
    script = (
        "import sys\n"
        "from warroom.cli import cli\n"
        f"cli.main(['--db', {db!r}, 'log', '1', 'hello'], standalone_mode=False)\n"
        f"cli.main(['--db', {db!r}, 'ack', '1'], standalone_mode=False)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_a_command_on_an_existing_file_leaves_sqlite_utils_and_runbooks_unread(
    tmp_path: Path,
) -> None:
    """sqlite-utils is imported to create or upgrade a file, not to log into one; the
    runbooks are read by the actions that attach them, not by every write."""
    db = str(tmp_path / "w.db")
    loaded = _modules_after_log_and_ack(db)
    assert "warroom.store.db" in loaded
    assert "sqlite_utils" not in loaded and "warroom.loaders.runbooks" not in loaded
    shown = CliRunner().invoke(cli, ["--db", db, "show", "1", "--json"]).stdout
    assert "hello" in shown and '"acknowledged_at": null' not in shown


def _breaches(run: Run, incident: str) -> int:
    shown = run("show", incident, "--json").stdout
    return shown.count('"kind": "sla_breach"')


def test_a_write_records_what_fell_due_on_its_incident_and_sweep_the_rest(
    run: Run, cli_clock: FrozenClock
) -> None:
    run("declare", "-s", "P1", "-t", "API down")
    run("declare", "-s", "P1", "-t", "DB slow")
    cli_clock.step(hours=1)
    run("log", "1", "still down")
    assert _breaches(run, "1") >= 1  # its ack fell due: recorded before the entry
    assert _breaches(run, "2") == 0  # another incident's: left to consoles and sweep
    run("sweep")
    assert _breaches(run, "2") == _breaches(run, "1")


def test_log_and_ack_leave_what_they_never_use_unimported(tmp_path: Path) -> None:
    """`log` and `ack` write one row: the modules only readers, the engine, paging
    rounds or checklists use stay unimported (each costs start-up time)."""
    db = str(tmp_path / "w.db")
    loaded = _modules_after_log_and_ack(db)
    assert "warroom.store.read_model" in loaded and "warroom.service" in loaded
    for unused in (
        "rich",  # the visible-text helpers: only for an error or a warning
        "warroom.domain.visible",
        "warroom.store.timeline_pages",
        "warroom.domain.timeline_state",
        "warroom.store.checklist_queries",
        "warroom.domain.checklists",
        "warroom.store.engine_queries",
        "warroom.domain.engine_presence",
        "warroom.domain.channels",
        "warroom.store.backup",
        "warroom.store.verify",
        "warroom.domain.alerts.record",  # the policy's alerts: section needs no alert record
        "warroom.store.alert_queries",
        "warroom.domain.json_document",
    ):
        assert unused not in loaded, unused


def test_the_read_models_later_names_are_the_store_modules_own() -> None:
    """The names the read model imports when first asked for are the same objects."""
    from warroom.store import (
        alert_queries,
        backup,
        checklist_queries,
        engine_queries,
        read_model,
        timeline_pages,
        verify,
    )

    assert read_model.PageRequest is timeline_pages.PageRequest
    assert read_model.TimelinePage is timeline_pages.TimelinePage
    assert read_model.timeline_is_big is timeline_pages.is_big
    assert read_model.timeline_page is timeline_pages.read_page
    assert read_model.newest_of_kind is timeline_pages.newest_of_kind
    assert read_model.TIMELINE_PAGE == timeline_pages.PAGE
    assert read_model.engines is engine_queries.engines
    assert read_model.incident_alerts is alert_queries.incident_alerts
    assert read_model.alert_signals is alert_queries.alert_signals
    assert read_model.checklists is checklist_queries.checklists
    assert read_model.backup_copy is backup.backup
    assert read_model.verify_file is verify.verify
    for name in read_model.__all__:  # every name the module lists can be read
        assert getattr(read_model, name) is not None, name
    with pytest.raises(AttributeError, match="no_such_reader"):
        read_model.no_such_reader  # noqa: B018


def test_list_imports_no_service_and_nothing_only_show_prints(tmp_path: Path) -> None:
    """`list` reads: the policy check reads through the read model (no service), and
    what only `show` prints (ladder, pages, customer impact, checklists) stays unread."""
    db = str(tmp_path / "w.db")
    CliRunner().invoke(cli, ["--db", db, "declare", "-s", "P2", "-t", "x"])
    script = (
        "import sys\n"
        "from warroom.cli import cli\n"
        f"cli.main(['--db', {db!r}, 'list', '--json'], standalone_mode=False)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())  # the JSON printed first adds no module names
    assert "warroom.cli.read" in loaded
    for unused in (
        "warroom.service",
        "warroom.cli.ladder_shapes",
        "warroom.cli.pages",
        "warroom.domain.incident_record",
        "warroom.domain.checklists",
        "warroom.domain.channels",
    ):
        assert unused not in loaded, unused
