"""The console's input thread sleeps while nobody types (tui/quiet_input.py): a lone
Escape still arrives alone, keys typed after a long quiet arrive at once, and
quitting wakes the thread (it would otherwise wait for the next key, forever)."""

from __future__ import annotations

import fcntl
import os
import select
import shlex
import shutil
import struct
import subprocess
import sys
import termios
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.test_tmux import Terminal, new_session

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@needs_tmux
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


def test_a_console_whose_terminal_goes_away_closes_instead_of_spinning(tmp_path: Path) -> None:
    """Its terminal closed with no hang-up signal for it (a console in a session of its
    own, as under a supervisor, a wrapper or a benchmark): its input reads as ended,
    readable at once, and a console read nothing in a busy loop at a whole core for as
    long as it lived. It closes now, and lets go of the file."""
    db = tmp_path / "demo.db"
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "TZ": "UTC"}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    console = subprocess.Popen(
        [sys.executable, "-m", "warroom", "--as", "Tess", "demo", "--db", str(db)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,  # the terminal is not its controlling one: no SIGHUP
    )
    os.close(slave)
    try:
        shown = b""
        deadline = time.monotonic() + 60
        while b"Checkout API" not in shown and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                shown += os.read(master, 1 << 16)
        assert b"Checkout API" in shown, shown[-500:]
        os.close(master)  # the terminal goes away
        master = -1
        try:
            console.wait(20)
        except subprocess.TimeoutExpired:
            ticks = Path(f"/proc/{console.pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(ticks[11]) + int(ticks[12])) / os.sysconf("SC_CLK_TCK")
            pytest.fail(f"the console outlived its terminal ({cpu:.1f} s of CPU so far)")
    finally:
        if master >= 0:
            os.close(master)
        if console.poll() is None:
            console.kill()
            console.wait()


def test_a_console_with_no_terminal_for_its_keys_says_so(tmp_path: Path) -> None:
    """Standard input not a terminal (a script, a pipe, /dev/null): its input reads as
    ended at once. The console is refused with a line that says why and what scripts
    use, not opened (and closed, or left reading nothing) or a traceback; the file is
    not created."""
    db = tmp_path / "w.db"
    for stdin in (subprocess.DEVNULL, subprocess.PIPE):
        ran = subprocess.run(
            [sys.executable, "-m", "warroom", "--as", "Tess", "--db", str(db)],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            env={k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"},
        )
        assert ran.returncode == 1
        assert ran.stderr.startswith("Error: the console reads its keys from a terminal")
        assert "Traceback" not in ran.stderr and ran.stdout == ""
        assert not db.exists()

    demo = tmp_path / "demo.db"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    command = [sys.executable, "-m", "warroom", "--as", "Tess", "demo", "--db", str(demo)]
    ran = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, env=env
    )
    assert ran.returncode == 1 and "`warroom demo --no-open` seeds the file only" in ran.stderr
    assert not demo.exists()  # refused before it seeded anything
    seeded = subprocess.run(
        [*command, "--no-open"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert seeded.returncode == 0 and demo.exists()
