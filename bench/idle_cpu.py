"""CPU of an idle console over N seconds (default 30), in a real terminal (tmux).

Runs warroom on a database with 50 live incidents, and a minimal Textual app
for comparison, each in its own tmux session, and reads their CPU time from
/proc. Run:  python bench/idle_cpu.py [seconds] [live incidents]
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.big_war_room import build

MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Static
class Minimal(App):
    def compose(self):
        yield Static("idle")
        yield Footer()
Minimal().run()
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], seconds: float) -> float:
    name = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    line = " ".join(shlex.quote(c) for c in command)
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "36", f"exec {line}"],
        check=True,
    )
    try:
        time.sleep(3)  # start-up is not idle
        pid = int(
            subprocess.run(
                ["tmux", "list-panes", "-t", name, "-F", "#{pane_pid}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()[0]
        )
        before, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(seconds)
        used, wall = cpu_seconds(pid) - before, time.monotonic() - t0
        return 100 * used / wall
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30
    live = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "idle.db"
        build(path, live, live * 20, dt.datetime.now(dt.UTC), live_share=1.0)
        warroom = measure([sys.executable, "-m", "warroom", "--db", str(path)], seconds)
        minimal = measure([sys.executable, "-c", MINIMAL], seconds)
    print(f"idle CPU over {seconds:.0f}s, % of one core")
    print(f"  minimal Textual app          {minimal:6.2f} %")
    print(f"  warroom, {live} live incidents  {warroom:6.2f} %")


if __name__ == "__main__":
    main()
