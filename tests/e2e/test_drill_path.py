"""The drill's path in the real program (tmux), commander and scribe on one file:
declare, log, resolve (the incident stays on both lists and the scribe keeps
logging), post the resolution update, close."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.test_tmux import Terminal, new_session

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

Console = Callable[[str], Terminal]


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    """Open a console as `person` on one shared file (fresh: no incidents)."""
    db = tmp_path / "drill.db"
    names: list[str] = []

    def open_as(person: str) -> Terminal:
        name = f"warroom-drill-{uuid.uuid4().hex[:8]}"
        command = " ".join(
            shlex.quote(part)
            for part in [sys.executable, "-m", "warroom", "--as", person, "--db", str(db)]
        )
        # the tmux server may carry COLUMNS=80 LINES=24 from the process that
        # started it, which Textual would take over the pane's real size
        shell = f"env -u COLUMNS -u LINES TERM=xterm-256color TZ=UTC {command}"
        new_session(name, 120, 36, shell)
        names.append(name)
        term = Terminal(name)
        term.wait_for("live  ·  you: " + person)
        time.sleep(0.5)  # let the terminal finish answering Textual's start-up queries
        return term

    open_as.db = db  # type: ignore[attr-defined]
    try:
        yield open_as
    finally:
        for name in names:
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def list_line(term: Terminal, title: str) -> str:
    """The incident list's row for `title`."""
    return term.wait_for_line("#1", title)


def test_declare_log_resolve_post_and_close(console: Console) -> None:
    commander = console("Ana")
    scribe = console("Sam")
    # the commander declares
    commander.keys("n")
    commander.wait_for("Declare an incident")
    commander.keys("Checkout down in EU", literal=True)
    commander.keys("C-s")
    commander.wait_for_line("#1", "investigating", "Checkout down in EU")
    # the scribe's console shows it within a poll; the scribe logs
    scribe.wait_for_line("#1", "investigating", "Checkout down in EU")
    scribe.keys("l")
    scribe.wait_for("esc Back to list")
    scribe.keys("f: pool exhausted on db-1", literal=True)
    scribe.keys("Enter")
    commander.wait_for("pool exhausted on db-1")
    # the commander resolves: s, down to resolved, Enter
    commander.keys("s")
    commander.wait_for("Status of #1 (now investigating)")
    commander.keys("Down", "Down", "Down")
    time.sleep(0.2)
    commander.keys("Enter")
    # it stays on both lists, marked; nobody is left with "No incident selected"
    for term in (commander, scribe):
        term.wait_for("0 live · 1 resolved")
        assert "✓ RESOLVED" in list_line(term, "Checkout down in EU")
        assert "No incident selected" not in term.screen()
    # the scribe, still on the entry line, logs the cause on the resolved incident
    scribe.keys("cause: pool size too small", literal=True)
    scribe.keys("Enter")
    commander.wait_for("pool size too small")
    # the commander posts the resolution update (u picks the resolution template)
    commander.keys("u")
    commander.wait_for("has been resolved as of")
    commander.keys("C-s")
    deadline = time.monotonic() + 10
    while "External update posted" not in commander.screen():
        if "again to post anyway" in commander.screen():
            commander.keys("C-s")  # the template's unfilled markers: posted as they are
        assert time.monotonic() < deadline, commander.screen()
        time.sleep(0.2)
    commander.wait_for_line("#1", "✓ RESOLVED")
    # and closes it: s Enter offers closed first, then the post-mortem owner
    commander.keys("s")
    commander.wait_for("Status of #1 (now resolved)")
    commander.keys("Enter")
    commander.wait_for("Post-mortem owner")
    commander.keys("Ana", literal=True)
    commander.keys("Enter")
    for term in (commander, scribe):
        term.wait_for("0 live  ·  you:")
        assert "Checkout down in EU" not in term.screen()
    commander.keys("q")
    shown = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(console.db), "show", "1", "--json"],  # type: ignore[attr-defined]
        capture_output=True,
        text=True,
        check=True,
    )
    record = json.loads(shown.stdout)
    kinds = [(e["kind"], e["author"]) for e in record["timeline"]]
    assert ("finding", "Sam") in kinds and ("root-cause", "Sam") in kinds
    assert ("update_posted", "Ana") in kinds
    assert record["status"] == "closed"
