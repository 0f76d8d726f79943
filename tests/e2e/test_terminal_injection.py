"""Hostile stored text in a real terminal: tmux with `set-clipboard on` (issue 10).

A title holding an OSC 52 clipboard write used to fill tmux's paste buffer and
`ESC [ 2J` wiped the screen, through `show`, `list`, `search`, the Markdown
export and the console. Here tmux is shown to obey a raw OSC 52 (so the check
can see one), then warroom prints the same text and no buffer appears and
nothing printed before is wiped.
"""

from __future__ import annotations

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

HELLO = "\x1b]52;c;SGVsbG8=\x07"  # OSC 52: "Hello" onto the clipboard
TITLE = f"pwn {HELLO} wipe \x1b[2J csi \x9b2J rtl \u202eabc"


class Tmux:
    """A tmux server of the test's own (its own socket), one pane running sh."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)
        return done.stdout

    def type(self, line: str) -> None:
        self.run("send-keys", "-t", "main", "-l", line)
        self.run("send-keys", "-t", "main", "Enter")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "main")

    def buffers(self) -> str:
        names = self.run("list-buffers", "-F", "#{buffer_name}").split()
        return "\n".join(self.run("show-buffer", "-b", name) for name in names)

    def wait_for(self, text: str, timeout: float = 20.0, *, whole_line: bool = False) -> str:
        """Wait until `text` is on screen (`whole_line`: a line of its own, so the
        typed command that prints it does not count)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            lines = [line.strip() for line in screen.splitlines()]
            if (text in lines) if whole_line else (text in screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(f"warroom-visible-{uuid.uuid4().hex[:8]}")
    server.run("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "160", "-y", "45", "sh")
    server.run("set-option", "-s", "set-clipboard", "on")
    server.run("set-environment", "-g", "TERM", "xterm-256color")
    try:
        yield server
    finally:
        server.run("kill-server")


def test_tmux_obeys_a_raw_osc_52_but_not_warroom_output(tmux: Tmux, tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    warroom = f"{shlex.quote(sys.executable)} -m warroom --db {shlex.quote(str(db))}"
    subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), "declare", "-s", "P1", "-t", TITLE],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), "log", "1", f"entry {TITLE}"],
        check=True,
        capture_output=True,
    )
    # the check can see an OSC 52: a raw one fills a buffer
    tmux.type(r"printf '\033]52;c;U2FuaXR5\007'; echo SANITY-DONE")
    tmux.wait_for("SANITY-DONE", whole_line=True)
    deadline = time.monotonic() + 10
    while "Sanity" not in tmux.buffers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Sanity" in tmux.buffers()

    for command in ("show 1", "list", "search 1 pwn", "export 1", "export 1 --format json"):
        done = f"DONE-{command.replace(' ', '-')}"
        # only the lines holding the title, so nothing printed before scrolls away
        tmux.type(
            f"clear; echo BEFORE-MARKER; TZ=UTC {warroom} {command} | grep -a pwn | head -4;"
            f" echo {done}"
        )
        screen = tmux.wait_for(done, whole_line=True)
        assert "BEFORE-MARKER" in screen, command  # `ESC [ 2J` wiped nothing
        shown = "\\u001b]52;c;SGVsbG8=\\u0007" if "json" in command else "␛]52;c;SGVsbG8=␇"
        assert shown in screen, command  # shown, not obeyed
        assert "Hello" not in tmux.buffers(), command

    tmux.type(f"TZ=UTC {warroom}")  # the console
    tmux.wait_for("␛]52;c;SGVsbG8=␇")
    time.sleep(1.0)  # let it draw the timeline and detail too
    tmux.run("send-keys", "-t", "main", "q")
    tmux.wait_for("DONE-export-1---format-json", whole_line=True)  # back from the console
    tmux.type("echo CONSOLE-$((40 + 2))")  # the typed line does not hold what it prints
    tmux.wait_for("CONSOLE-42")
    assert "Hello" not in tmux.buffers()
