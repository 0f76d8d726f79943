"""The real program in a real terminal (tmux), used as a scribe would."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def new_session(name: str, columns: int, rows: int, shell: str) -> None:
    """Start a detached tmux session. The server exits with its last session, so a new
    session asked for in that moment can fail once ("server exited unexpectedly"):
    ask again, a few times, before calling it a failure."""
    argv = ["tmux", "new-session", "-d", "-s", name, "-x", str(columns), "-y", str(rows), shell]
    for _ in range(4):
        if subprocess.run(argv, capture_output=True).returncode == 0:
            return
        time.sleep(0.3)
    subprocess.run(argv, check=True)


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        ).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        flags = ["-l"] if literal else []
        subprocess.run(["tmux", "send-keys", "-t", self.name, *flags, *keys], check=True)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def wait_for_line(self, *parts: str, timeout: float = 15.0) -> str:
        """Wait for one screen line holding every part."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.screen().splitlines():
                if all(part in line for part in parts):
                    return line
            time.sleep(0.1)
        raise AssertionError(f"no line with {parts!r} on screen:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    name = f"warroom-test-{uuid.uuid4().hex[:8]}"
    db = tmp_path / "demo.db"
    command = " ".join(
        shlex.quote(part)
        for part in [sys.executable, "-m", "warroom", "--as", "Tess", "demo", "--db", str(db)]
    )
    # pytest's COLUMNS and LINES would reach the console: it draws at the pane's size
    new_session(name, 100, 30, f"env -u COLUMNS -u LINES TERM=xterm-256color TZ=UTC {command}")
    try:
        yield Terminal(name), db
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_scribe_logs_an_entry_in_the_real_console(terminal: tuple[Terminal, Path]) -> None:
    term, db = terminal
    screen = term.wait_for("Checkout API returning 503")
    assert "5 live" in screen and "you: Tess" in screen
    # drawn at the pane's 100 columns (not at an 80x24 inherited from the test runner)
    assert max(len(line.rstrip()) for line in screen.splitlines()) == 100
    time.sleep(0.5)  # let the terminal finish answering Textual's start-up queries
    term.keys("l")
    term.wait_for("esc Back to list")  # the entry line has the focus
    term.keys("f: [bold]seen[/] from tmux", literal=True)
    term.keys("Enter")
    term.wait_for("[bold]seen[/] from tmux")
    term.keys("Escape")
    term.wait_for("n Declare")  # back on the list (and Esc not glued to the next key)
    term.keys("a")  # the P0 is already acknowledged: a clear message, no crash
    term.wait_for("already acknowledged")
    term.keys("q")
    shown = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), "show", "1", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    last = json.loads(shown.stdout)["timeline"][-1]
    assert (last["kind"], last["text"], last["author"]) == (
        "finding",
        "[bold]seen[/] from tmux",
        "Tess",
    )


def test_scribe_pins_and_corrects_in_the_real_console(terminal: tuple[Terminal, Path]) -> None:
    term, db = terminal
    term.wait_for("Checkout API returning 503")
    time.sleep(0.5)
    term.keys("l")
    term.wait_for("esc Back to list")
    term.keys("d: page the DBA on call", literal=True)
    term.keys("Enter")
    term.wait_for("page the DBA on call")
    term.keys("Escape")
    term.wait_for("n Declare")
    term.keys("Tab")  # the timeline, its cursor on the newest entry
    term.wait_for("▶")
    cursor_on(term, "page the DBA on call")
    term.keys("*")
    term.wait_for_line("★", "page the DBA on call")  # the demo has pins of its own
    cursor_on(term, "page the DBA on call")
    term.keys("E")
    term.wait_for("Correct this decision")
    term.keys(" [#33]", literal=True)
    term.keys("Enter")
    term.wait_for("page the DBA on call [#33]  (edited by")
    term.keys("Escape", "q")
    shown = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), "show", "1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "page the DBA on call [#33] (edited)" in shown
    assert "was #" in shown and ": page the DBA on call\n" in shown


def cursor_on(term: Terminal, text: str) -> None:
    """Move the timeline cursor up to the entry with `text` (a sweep may add rows below)."""
    for _ in range(10):
        if any("▶" in line and text in line for line in term.screen().splitlines()):
            return
        term.keys("k")
        time.sleep(0.2)
    raise AssertionError(f"the cursor never reached {text!r}:\n{term.screen()}")
