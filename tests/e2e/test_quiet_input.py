"""The console's input thread sleeps while nobody types (tui/quiet_input.py): a lone
Escape still arrives alone, keys typed after a long quiet arrive at once, and
quitting wakes the thread (it would otherwise wait for the next key, forever)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.test_tmux import Terminal, new_session

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def test_escape_alone_keys_after_quiet_and_quit(tmp_path: Path) -> None:
    name = f"warroom-quiet-{uuid.uuid4().hex[:8]}"
    db = tmp_path / "demo.db"
    command = " ".join(
        shlex.quote(part)
        for part in [sys.executable, "-m", "warroom", "--as", "Tess", "demo", "--db", str(db)]
    )
    env = "env -u COLUMNS -u LINES TERM=xterm-256color TZ=UTC"
    shell = f"{env} {command}; echo CONSOLE-ENDED; sleep 60"  # the pane stays to be read
    new_session(name, 100, 30, shell)
    term = Terminal(name)
    try:
        term.wait_for("Checkout API returning 503")
        time.sleep(1.5)  # quiet: the input thread waits with no timeout now
        term.keys("l")
        term.wait_for("esc Back to list")
        term.keys("Escape")  # alone: delivered when its sequence times out, as before
        term.wait_for("n Declare")
        assert "TYPING" not in term.screen()  # back on the list, the line closed
        time.sleep(1.5)
        term.keys("l")
        term.wait_for("esc Back to list")
        term.keys("typed after a quiet", literal=True)  # each letter at once, in order
        term.wait_for("typed after a quiet")
        assert "typed after a quiet" in term.screen()  # whole, in order
        term.keys("Escape")
        term.wait_for("n Declare")
        term.keys("q")
        term.wait_for("CONSOLE-ENDED")  # quitting woke the sleeping input thread
        assert "CONSOLE-ENDED" in term.screen()
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
