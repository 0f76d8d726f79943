"""The benchmark harness: build the files, measure the console and the CLI, print one table.

    python bench/run.py build --incidents N --entries M --out FILE [--one-incident]
    python bench/run.py [--quick]

`build` writes a war-room file deterministically (fixed seed, fixed clock): the
same arguments give the same incidents and entries every time. Entries are
spread over the incidents (a tenth on #1, the console's first); `--one-incident`
puts them all on #1.

With no subcommand it builds its files in a temporary folder and measures, for
each file and for a minimal Textual app in the same run:
- first paint and data on screen: the whole process in a real pty (120x36),
  from spawn until the text is written to the terminal (Python start-up and
  imports included); memory is that process's RSS once the data is on screen;
  each the median of three spawns (one with --quick);
- `j`/`k` to the next incident shown: in-process (headless), from the key
  posted to the end of the frame that draws its detail and timeline (`Frames`),
  not pilot wall time (pilot.press waits for idle): keys back to back (a held
  `j`), and paced `PACE` apart (a person pressing `j`), in a console of its own;
  (not with --quick) paced again while a scribe process logs on the incidents the
  keys move over (each commit puts the reads held ahead out of date);
- `warroom log`, `ack`, `list --json`: whole process (subprocess), median of N.
- `l`, type, Enter to the entry shown: in-process, like j/k, from Enter posted;
- idle CPU: one console in tmux, % of one core over 10 s (2 s with --quick);
- (not with --quick) `--consoles K` consoles in tmux on the 1,000-incident file: their CPU
  together while nobody types and while a scribe process logs 2 entries/s, and each entry's
  time to show on each screen (capture-pane at 20 Hz), first for as many minimal Textual
  apps that follow incident 1 (`MINIMAL_FEED`), the baseline in the same run; also alone:
  `python bench/run.py consoles [--db FILE] [--consoles K] [--seconds S]`.
`--quick` measures small files only and is run by .ci/run, which asserts no timings.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import datetime as dt
import fcntl
import itertools
import os
import re
import select
import shlex
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

import warroom
from bench.big_war_room import build
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.entry_line import EntryLine, LineInput
from warroom.tui.widgets.incident_detail import IncidentDetail

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # the builder's clock
SIZE = (120, 36)
WAIT = 120.0  # seconds before a measurement gives up (and the run fails)
PACE = 0.15  # seconds between keys a person presses one by one (j/k paced)
SCRIBE_RATE = 2.0  # entries a second another process logs (j/k while a scribe logs)

MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Static
class Minimal(App):
    def compose(self):
        yield Static("minimal app painted")
        yield Footer()
Minimal().run()
"""


@dataclass(frozen=True)
class Case:
    name: str
    incidents: int
    entries: int
    one_incident: bool = False

    @property
    def file(self) -> str:
        return f"{self.incidents}i-{self.entries}e{'-one' if self.one_incident else ''}.db"


QUICK = (Case("10 incidents", 10, 1_000), Case("100 incidents", 100, 10_000))
QUICK_ONE = (Case("1 incident, 1k entries", 1, 1_000, True),)
FULL = (
    *QUICK,
    Case("1,000 incidents", 1_000, 100_000),
    Case("10,000 incidents", 10_000, 100_000),
    # busy incidents: ~1,800 entries each, keys among them (each timeline read whole)
    Case("10 busy incidents", 10, 18_000),
)
FULL_ONE = (
    *QUICK_ONE,
    Case("1 incident, 100k entries", 1, 100_000, True),
    Case("1 incident, 1M entries", 1, 1_000_000, True),
)


@dataclass
class Row:
    name: str
    built: float | None = None  # seconds
    first_paint: float | None = None  # seconds, the rest likewise
    on_screen: float | None = None
    key_median: float | None = None
    key_p95: float | None = None
    paced_median: float | None = None  # j/k `PACE` apart
    paced_p95: float | None = None
    scribed_median: float | None = None  # j/k `PACE` apart while a scribe logs
    scribed_p95: float | None = None
    catching_up_median: float | None = None  # j/k `PACE` apart while the backlog is recorded
    catching_up_p95: float | None = None
    rss_mib: float | None = None
    entry_median: float | None = None
    entry_p95: float | None = None
    idle_cpu: float | None = None  # % of one core
    cli: dict[str, float] = field(default_factory=dict)


# -- a real terminal ---------------------------------------------------------------------------


def warroom_command() -> list[str]:
    script = Path(sys.executable).with_name("warroom")
    return [str(script)] if script.exists() else [sys.executable, "-m", "warroom"]


def copy_file(path: Path, to: Path) -> None:
    """A consistent copy of the SQLite file at `path` (its WAL included), owner-only as
    warroom keeps its files."""
    with sqlite3.connect(path) as source, sqlite3.connect(to) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    to.chmod(0o600)


def remove_file(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# control sequences (CSI, OSC, two-byte), so only the text written to the screen is left
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def compile_warroom() -> None:
    """Write the package's compiled modules, as installing it does (untimed)."""
    compileall.compile_dir(Path(warroom.__file__).parent, quiet=1)


def in_pty(
    command: list[str], marks: dict[str, re.Pattern[bytes]]
) -> tuple[dict[str, float], float]:
    """Run `command` in a pty: the seconds from spawn until each mark is in the text it has
    written on the alternate screen, and its RSS then."""
    master, slave = os.openpty()
    rows, cols = SIZE[1], SIZE[0]
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    # as an installed warroom starts: its modules compiled once (with PYTHONDONTWRITEBYTECODE
    # every console would compile the ~200 modules it imports on each start)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(TERM="xterm-256color", WARROOM_USER="bench")
    compile_warroom()
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen: dict[str, float] = {}
    output = b""
    try:
        while len(seen) < len(marks):
            if time.perf_counter() - start > WAIT:
                tail = output[-2000:].decode(errors="replace")
                raise SystemExit(f"{command}: never showed {set(marks) - set(seen)}:\n{tail}")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    output += os.read(master, 1 << 16)
                except OSError:  # the child closed the terminal
                    raise SystemExit(f"{command} exited: {output[-2000:]!r}") from None
                now = time.perf_counter() - start
                shown = ESCAPES.sub(b"", output.partition(b"\x1b[?1049h")[2])
                for name, pattern in marks.items():
                    if name not in seen and pattern.search(shown):
                        seen[name] = now
        time.sleep(0.2)  # let the frame settle before reading memory
        memory = rss_mib(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)
    return seen, memory


def spawns(
    command: list[str], marks: dict[str, re.Pattern[bytes]], times: int
) -> tuple[dict[str, float], float]:
    """`in_pty` `times` over: each mark's median seconds and the median RSS (one spawn
    alone is noisy: the first after another program reads its modules from disk)."""
    runs = [in_pty(command, marks) for _ in range(times)]
    seen = {name: statistics.median(run[0][name] for run in runs) for name in marks}
    return seen, statistics.median(run[1] for run in runs)


# -- keys, in-process --------------------------------------------------------------------------


class MinimalApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("j", "bump", "Bump")]

    def compose(self) -> ComposeResult:
        yield Static("0", id="n")
        yield Footer()

    def action_bump(self) -> None:
        label = self.query_one("#n", Static)
        label.update(str(int(str(label.render())) + 1))


def zigzag(presses: int, incidents: int) -> list[str]:
    """`j` down to the last incident, `k` back up to the first, and so on."""
    keys, position, step = [], 0, 1
    for _ in range(presses):
        if not 0 <= position + step < incidents:
            step = -step
        keys.append("j" if step > 0 else "k")
        position += step
    return keys


async def until(condition: Callable[[], bool], state: Callable[[], object] = str) -> None:
    deadline = time.perf_counter() + WAIT
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting for the console: {state()}")
        await asyncio.sleep(0.0005)


class Frames:
    """The frames a screen draws, and what each draws: what the person sees.

    A widget's change is on the screen when a frame draws over that widget (one of
    the regions the frame writes meets it) after the change was made. The first
    refresh after the change is not enough: Textual hands a widget's repaint to the
    screen from the widget's own task, so a frame can go out with the incident list's
    cursor moved and the detail as it was, the detail following a frame later (what
    the bench measured before session 29 was that first frame).
    """

    def __init__(self, screen: Screen[object]) -> None:
        self._waiting: list[tuple[Callable[[], bool], set[Widget], asyncio.Future[float]]] = []
        draw = screen._compositor_refresh  # noqa: SLF001 - where a frame is drawn
        compositor = screen._compositor  # noqa: SLF001

        def compositor_refresh() -> None:
            # what this frame writes (after a layout too: the regions that moved)
            regions = list(compositor._dirty_regions)  # noqa: SLF001
            whole = compositor.size.region in regions
            shows = [(waiting, waiting[0]()) for waiting in self._waiting]
            draw()
            for (_, widgets, painted), holds in shows:
                if not holds:
                    continue
                widgets -= {w for w in widgets if whole or any(map(w.region.overlaps, regions))}
                if not widgets and not painted.done():
                    painted.set_result(time.perf_counter())
            self._waiting = [w for w in self._waiting if not w[2].done()]

        screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]  # noqa: SLF001

    def painted(self, shown: Callable[[], bool], *widgets: Widget) -> asyncio.Future[float]:
        """When every one of `widgets` has been drawn by a frame that began with `shown()`
        true (perf_counter at the end of the last such frame)."""
        painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append((shown, set(widgets), painted))
        return painted


async def key_times(
    app: App[None],
    frames: Frames,
    keys: list[str],
    shown: Callable[[], Callable[[], bool]],
    widgets: list[Widget],
    state: Callable[[], object] = str,
    gap: float = 0.0,
) -> list[float]:
    """Each key: from posting it until a frame has drawn `widgets` with its effect
    (`shown()`, made before the key, says when the key took effect); the next key at
    once, or `gap` seconds after."""
    times = []
    for n, key in enumerate(keys):
        if gap:
            await asyncio.sleep(gap)
        painted = frames.painted(shown(), *widgets)
        start = time.perf_counter()
        app.post_message(events.Key(key, key))
        try:
            await asyncio.wait_for(asyncio.shield(painted), WAIT)
        except TimeoutError:
            raise SystemExit(f"timed out waiting for key {n} ({key}): {state()}") from None
        times.append(painted.result() - start)
    return times


async def minimal_keys(presses: int, gap: float = 0.0) -> list[float]:
    app = MinimalApp()
    async with app.run_test(size=SIZE):
        label = app.query_one("#n", Static)
        frames = Frames(app.screen)

        def shown() -> Callable[[], bool]:
            before = str(label.render())
            return lambda: str(label.render()) != before

        return await key_times(app, frames, ["j"] * presses, shown, [label], gap=gap)


def bench_app(path: Path) -> WarRoomApp:
    return WarRoomApp(
        db_path=path,
        actor=Actor("bench", "bench"),
        policy=load_policy(),
        clock=FrozenClock(NOW),
        tz=dt.UTC,
    )


async def warroom_keys(
    path: Path, presses: int, gap: float = 0.0, *, scribe: bool = False
) -> list[float]:
    """j/k until the next incident's detail and timeline are drawn (not only the list's
    cursor, which is drawn first when the two do not go out in one frame). `scribe`:
    meanwhile another process logs `SCRIBE_RATE` entries a second on the incidents the
    keys move over and the next ones below (each commit: the reads held ahead of them
    are out of date, and the list moves)."""
    app = bench_app(path)
    writer: subprocess.Popen[bytes] | None = None
    async with app.run_test(size=SIZE):
        room = app.war_room
        await until(lambda: room.loaded and room.shown_id == room.selected_id)
        frames = Frames(room)

        def shown() -> Callable[[], bool]:
            before = room.shown_id
            return lambda: room.shown_id != before and room.shown_id == room.selected_id

        rows = len(room.table.order)  # the incidents listed (live ones, unless all are shown)
        if rows < 2:
            return []

        def state() -> str:
            selected = room.selected_id
            position = room.table.order.index(selected) if selected in room.table.order else None
            return f"shown {room.shown_id}, selected {selected} at {position} of {rows}"

        drawn = [room.query_one(IncidentDetail), room.timeline]
        keys = zigzag(presses, rows)
        if scribe:
            moved_over = max(itertools.accumulate(1 if k == "j" else -1 for k in keys))
            nearby = [str(i) for i in room.table.order[: moved_over + 3]]
            seconds = presses * (gap + 0.05) + 5
            run = uuid.uuid4().hex[:8]
            command = [sys.executable, "-c", SCRIBE, str(path), str(SCRIBE_RATE), str(seconds)]
            writer = subprocess.Popen([*command, run, *nearby], stdout=subprocess.DEVNULL)
        try:
            return await key_times(app, frames, keys, shown, drawn, state, gap)
        finally:
            if writer is not None:
                writer.kill()
                writer.wait()


def typed_in(line: LineInput, text: str) -> bool:
    return line.value == text


def typed(text: str) -> list[events.Key]:
    return [events.Key("space" if c == " " else c, c) for c in text]


async def entry_times(path: Path, entries: int) -> list[float]:
    """`l`, type, Enter: from Enter posted until a frame draws the timeline showing the
    entry (the typing itself is not timed)."""
    app = bench_app(path)
    times = []
    async with app.run_test(size=SIZE):
        room = app.war_room
        await until(lambda: room.loaded and room.shown_id == room.selected_id)
        frames = Frames(room)
        line = room.query_one(EntryLine).input
        timeline = room.timeline
        for n in range(entries):
            text = f"bench entry shown {n}"
            app.post_message(events.Key("l", "l"))
            await until(lambda: app.focused is line, lambda: f"focus on {app.focused}")
            for key in typed(text):
                app.post_message(key)
            await until(partial(typed_in, line, text), lambda: f"typed {line.value!r}")

            def shown(text: str = text) -> bool:
                return any(item.entry.text == text for item in timeline.shown[-5:])

            painted = frames.painted(shown, timeline)
            start = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))
            try:
                await asyncio.wait_for(asyncio.shield(painted), WAIT)
            except TimeoutError:
                raise SystemExit(f"timed out: entry {n} not drawn in the timeline") from None
            times.append(painted.result() - start)
            app.post_message(events.Key("escape", None))
            await until(lambda: app.focused is not line)
    return times


# -- the CLI, whole process --------------------------------------------------------------------


def unacknowledge(path: Path) -> None:
    """Incident #1 not yet acknowledged, so `warroom ack 1` can run again (untimed)."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE incidents SET acknowledged_at = NULL WHERE id = 1")
    conn.close()


def cli_times(path: Path, repeats: int) -> dict[str, float]:
    base = [*warroom_command(), "--db", str(path), "--as", "bench"]
    # as an installed warroom runs: its modules compiled once (a shell with
    # PYTHONDONTWRITEBYTECODE would compile every edited module on every call)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["WARROOM_USER"] = "bench"
    subprocess.run([*base, "--version"], env=env, check=True, capture_output=True)

    def median(
        make: Callable[[int], list[str]], before: Callable[[], None] = lambda: None
    ) -> float:
        times = []
        for n in range(repeats):
            before()
            start = time.perf_counter()
            subprocess.run([*base, *make(n)], env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    return {
        "log": median(lambda n: ["log", "1", f"bench entry {n}"]),
        "ack": median(lambda n: ["ack", "1"], lambda: unacknowledge(path)),
        "list --json": median(lambda n: ["list", "--json"]),
    }


# -- consoles in real terminals (tmux) ---------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Tmux:
    """A tmux server of our own (its own socket): `close()` ends every session in it."""

    def __init__(self) -> None:
        self.socket = f"warroom-bench-{os.getpid()}-{time.monotonic_ns()}"

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, name: str, command: list[str]) -> int:
        """A 120x36 session running `command`; the pid of the command."""
        line = " ".join(shlex.quote(part) for part in command)
        width, height = SIZE
        env = "TERM=xterm-256color WARROOM_USER=bench"
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                 f"exec env {env} {line}")  # fmt: skip
        return int(self.run("list-panes", "-t", name, "-F", "#{pane_pid}").split()[0])

    def screens(self, names: list[str]) -> list[str]:
        """What each session's screen shows now, in one tmux call."""
        args: list[str] = []
        for name in names:
            args += [
                "capture-pane",
                "-p",
                "-J",
                "-t",
                name,
                ";",
                "display-message",
                "-p",
                SPLIT,
                ";",
            ]
        return self.run(*args[:-1]).split(SPLIT + "\n")[: len(names)]

    def wait_for(self, names: list[str], text: str) -> None:
        deadline = time.monotonic() + WAIT
        while not all(text in screen for screen in self.screens(names)):
            if time.monotonic() > deadline:
                raise SystemExit(f"consoles never showed {text!r}: {self.screens(names)[:1]}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


SPLIT = "@@warroom-bench-screen@@"


def idle_cpu(command: list[str], ready: str, seconds: float) -> float:
    """% of one core used by one console in a real terminal (tmux) over `seconds`, once
    `ready` is on its screen and a second has passed (start-up is not idle)."""
    tmux = Tmux()
    try:
        pid = tmux.start("idle", command)
        tmux.wait_for(["idle"], ready)
        time.sleep(1)
        before, started = cpu_seconds(pid), time.monotonic()
        time.sleep(seconds)
        return 100 * (cpu_seconds(pid) - before) / (time.monotonic() - started)
    finally:
        tmux.close()


SCRIBE = """
import sys, time
from pathlib import Path
from warroom import store
from warroom.clock import SystemClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.loaders.runbooks import load_runbooks
from warroom.service import WarRoom
path, rate, seconds, run = Path(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
incidents = [int(i) for i in sys.argv[5:]] or [1]  # in turn
room = WarRoom(store.connect(path), SystemClock(), Actor("scribe", "scribe"), load_policy(),
               load_runbooks())
start = time.time()
for n in range(int(rate * seconds)):
    time.sleep(max(0.0, start + n / rate - time.time()))
    text = f"scribe line {run}-{n:04d}"  # each run's own: never one an earlier run logged
    room.log(incidents[n % len(incidents)], text, "note")
    print(f"{time.time()!r} {text}", flush=True)
"""


# the least a Textual app can do to follow the scribe: one thread polls the file's
# data_version (at the console's busiest rate), reads incident 1's new rows and shows
# the newest in a `Static`; the baseline the consoles' CPU is measured against in the same run
MINIMAL_FEED = """
import collections, sqlite3, sys, threading, time
from rich.text import Text
from textual.app import App
from textual.widgets import Footer, Static
ROWS = "SELECT id, at, author, kind, text FROM timeline WHERE incident_id = 1"
class Feed(App):
    CSS = "Static { height: 1fr; }"
    def compose(self):
        yield Static()
        yield Footer()
    def on_mount(self):
        self.lines = collections.deque(["minimal feed following incident 1"], maxlen=30)
        self.query_one(Static).update(Text(self.lines[0]))
        threading.Thread(target=self.follow, daemon=True).start()
    def follow(self):
        db = sqlite3.connect(sys.argv[1])
        version = db.execute("PRAGMA data_version").fetchone()[0]
        rows = db.execute(ROWS + " ORDER BY id DESC LIMIT 20").fetchall()[::-1]
        last = rows[-1][0] if rows else 0
        if rows:
            self.call_from_thread(self.show, rows)
        while True:
            time.sleep(0.05)
            seen = db.execute("PRAGMA data_version").fetchone()[0]
            if seen != version:
                version = seen
                rows = db.execute(ROWS + " AND id > ? ORDER BY id", (last,)).fetchall()
                if rows:
                    last = rows[-1][0]
                    self.call_from_thread(self.show, rows)
    def show(self, rows):
        self.lines.extend(
            # one line each, cut to the screen's width: a wrapped row pushed the newest off it
            f"{at[5:16]} {author:12} {kind:8} {text}"[:110] for _, at, author, kind, text in rows
        )
        self.query_one(Static).update(Text("\\n".join(self.lines)))
Feed().run()
"""


@dataclass
class Consoles:
    consoles: int
    seconds: float
    idle_cpu: float = 0.0  # % of one core, all consoles together
    busy_cpu: float = 0.0
    tmux_cpu: float = 0.0  # the tmux server's, while the scribe logs (the polling included)
    latencies: list[float] = field(default_factory=list)  # seconds, per entry and console
    missed: int = 0  # (entry, console) pairs never seen


def consoles_scenario(
    path: Path, consoles: int, seconds: float, rate: float = 2.0, *, minimal: bool = False
) -> Consoles:
    """`consoles` consoles in tmux on `path`; CPU while nobody types (`seconds`), then while a
    scribe process logs `rate` entries a second (`seconds`), and how long each entry takes to
    show on each console's screen (polled at 20 Hz). `minimal`: as many `MINIMAL_FEED` apps
    instead, the baseline."""
    result = Consoles(consoles, seconds)
    tmux = Tmux()
    names = [f"c{n}" for n in range(consoles)]
    scribe: subprocess.Popen[bytes] | None = None
    if minimal:
        command, ready = [sys.executable, "-c", MINIMAL_FEED, str(path)], "minimal feed"
    else:
        command, ready = [*warroom_command(), "--db", str(path), "--tz", "UTC"], "Incident 1:"
    try:
        # what fell due on the built file's old incidents is recorded first (untimed), so the
        # consoles start on a file in its steady state, not all catching up at once
        sweep = [*warroom_command(), "--db", str(path), "--as", "bench", "sweep"]
        subprocess.run(sweep, check=True, capture_output=True)
        pids = [tmux.start(name, command) for name in names]
        tmux.wait_for(names, ready)
        time.sleep(5)  # start-up (and the first sweep, and what it wrote) is not idle

        def cpu() -> float:
            return sum(cpu_seconds(pid) for pid in pids)

        before, started = cpu(), time.monotonic()
        time.sleep(seconds)
        result.idle_cpu = 100 * (cpu() - before) / (time.monotonic() - started)

        server = int(tmux.run("display-message", "-p", "#{pid}"))
        before, started, server_before = cpu(), time.monotonic(), cpu_seconds(server)
        scribe = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SCRIBE,
                str(path),
                str(rate),
                str(seconds),
                uuid.uuid4().hex[:8],
            ],
            stdout=subprocess.PIPE,
        )
        assert scribe.stdout is not None
        out = scribe.stdout.fileno()
        os.set_blocking(out, False)
        pending: dict[str, tuple[float, set[str]]] = {}  # text -> (logged at, consoles to see it)
        buffer = ""
        finished: float | None = None  # when the scribe's last entry was read
        while finished is None or pending:
            try:
                chunk = os.read(out, 1 << 16).decode()
            except BlockingIOError:
                chunk = ""
            buffer += chunk
            *lines, buffer = buffer.split("\n")
            for line in lines:
                logged, text = line.split(" ", 1)
                pending[text] = (float(logged), set(names))
            if finished is None and scribe.poll() is not None and not chunk and not buffer:
                finished = time.monotonic()
            if finished is not None and time.monotonic() - finished > 5:
                break  # what is not on screen 5 s after the last entry never showed
            looked = time.time()
            for name, screen in zip(names, tmux.screens(names), strict=True):
                for text, (at, waiting) in list(pending.items()):
                    if name in waiting and text in screen:
                        waiting.discard(name)
                        result.latencies.append(looked - at)
                        if not waiting:
                            del pending[text]
            time.sleep(max(0.0, 0.05 - (time.time() - looked)))
        took = time.monotonic() - started
        result.busy_cpu = 100 * (cpu() - before) / took
        result.tmux_cpu = 100 * (cpu_seconds(server) - server_before) / took
        result.missed = sum(len(waiting) for _, waiting in pending.values())
        if scribe.wait(10) != 0:
            raise SystemExit("the scribe failed")
    finally:
        if scribe is not None and scribe.poll() is None:
            scribe.kill()
            scribe.wait()
        tmux.close()
    return result


def _seen(result: Consoles) -> str:
    shown = result.latencies
    seen = (
        f"median {statistics.median(shown) * 1000:,.0f} ms, p95 {p95(shown) * 1000:,.0f} ms"
        f" over {len(shown)} (entry, console) pairs"
        if len(shown) >= 2
        else "too few seen to tell"
    )
    return seen + (f", {result.missed} never seen" if result.missed else "")


def consoles_text(result: Consoles, incidents: int, minimal: Consoles | None = None) -> str:
    """The scenario's figures, and beside them (`minimal`) the minimal feeds' in the same run:
    CPU as a ratio to theirs, which a slower or busier machine moves alike."""
    text = (
        f"{result.consoles} consoles in tmux on the {incidents:,}-incident file,"
        f" {result.seconds:.0f} s each: all together {result.idle_cpu:.1f} % of one core while"
        f" nobody types, {result.busy_cpu:.1f} % while a scribe logs 2 entries a second;"
        f" each entry on each console's screen (tmux capture-pane at 20 Hz) after"
        f" {_seen(result)} (the tmux server meanwhile: {result.tmux_cpu:.1f} %).\n"
    )
    if minimal is None:
        return text
    busy = result.busy_cpu / minimal.busy_cpu if minimal.busy_cpu else float("inf")
    return text + (
        f"As many minimal Textual apps following incident 1 (a thread polls the file at 20 Hz"
        f" and shows its newest rows in a `Static`), in the same run:"
        f" {minimal.idle_cpu:.1f} % idle, {minimal.busy_cpu:.1f} % while the scribe logs,"
        f" each entry after {_seen(minimal)};"
        f" the consoles while the scribe logs: {busy:.1f}x the minimal apps.\n"
    )


# -- the run -----------------------------------------------------------------------------------

PAINT = re.compile(rb"[A-Za-z]{3}")  # the first frame: any words
DATA = re.compile(rb"Incident 1: [\s\S]*entry \d+:")  # the list, and a timeline row


def measure(case: Case, folder: Path, quick: bool) -> Row:
    path = folder / case.file
    started = time.perf_counter()
    build(path, case.incidents, case.entries, NOW, one_incident=case.one_incident)
    row = Row(case.name, built=time.perf_counter() - started)
    catching_up = folder / f"catching-up-{case.file}"
    if not quick:  # the file as built, for keys while a console records its backlog
        copy_file(path, catching_up)  # (before the spawns below: each records some)
    # the files just written reach the disk before anything is timed: a console's first
    # write (fsync) waited behind their writeback (first paint 1.4 s in one run)
    os.sync()
    seen, row.rss_mib = spawns(
        [*warroom_command(), "--db", str(path), "--tz", "UTC"],
        {"paint": PAINT, "data": DATA},
        spawn_times(quick),
    )
    row.first_paint, row.on_screen = seen["paint"], seen["data"]
    # what fell due on the built file's old incidents is recorded first (untimed): a
    # console's first minute on a month-old file is catching up (a sweep of every live
    # incident's backlog beside the keys), which a file an engine or a console keeps up
    # never does; it is measured apart, on the copy
    sweep = [*warroom_command(), "--db", str(path), "--as", "bench", "sweep"]
    subprocess.run(sweep, check=True, capture_output=True)
    keys = asyncio.run(warroom_keys(path, 20 if quick else 40))
    if keys:
        row.key_median, row.key_p95 = statistics.median(keys), p95(keys)
    paced = asyncio.run(warroom_keys(path, 10 if quick else 30, PACE))
    if paced:
        row.paced_median, row.paced_p95 = statistics.median(paced), p95(paced)
    if not quick:
        scribed = asyncio.run(warroom_keys(path, 60, PACE, scribe=True))
        if scribed:
            row.scribed_median, row.scribed_p95 = statistics.median(scribed), p95(scribed)
    entries = asyncio.run(entry_times(path, 10 if quick else 20))
    row.entry_median, row.entry_p95 = statistics.median(entries), p95(entries)
    if not quick:
        backlog = asyncio.run(warroom_keys(catching_up, 30, PACE))
        if backlog:
            row.catching_up_median, row.catching_up_p95 = statistics.median(backlog), p95(backlog)
        remove_file(catching_up)
    # and what the in-process consoles' clock (the build's moment) left unrecorded: the
    # idle console records nothing while it is measured
    subprocess.run(sweep, check=True, capture_output=True)
    row.idle_cpu = idle_cpu(
        [*warroom_command(), "--db", str(path), "--tz", "UTC"], "Incident 1:", idle_seconds(quick)
    )
    row.cli = cli_times(path, 3 if quick else 5)
    return row


def minimal_row(quick: bool) -> Row:
    seen, memory = spawns(
        [sys.executable, "-c", MINIMAL],
        {"paint": re.compile(rb"minimal app painted")},
        spawn_times(quick),
    )
    keys = asyncio.run(minimal_keys(20 if quick else 40))
    paced = asyncio.run(minimal_keys(10 if quick else 30, PACE))
    idle = idle_cpu([sys.executable, "-c", MINIMAL], "minimal app painted", idle_seconds(quick))
    return Row(
        "minimal Textual app",
        idle_cpu=idle,
        first_paint=seen["paint"],
        key_median=statistics.median(keys),
        key_p95=p95(keys),
        paced_median=statistics.median(paced),
        paced_p95=p95(paced),
        rss_mib=memory,
    )


def spawn_times(quick: bool) -> int:
    """How many spawns first paint, data on screen and RSS are the median of."""
    return 1 if quick else 3


def idle_seconds(quick: bool) -> float:
    return 2.0 if quick else 10.0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def table(rows: list[Row]) -> str:
    heads = [
        "file",
        "build s",
        "first paint ms",
        "on screen ms",
        "j/k median ms",
        "j/k p95 ms",
        "j/k paced median ms",
        "j/k paced p95 ms",
        "j/k paced, scribe logging: median ms",
        "p95 ms",
        "j/k paced, catching up: median ms",
        "p95 ms",
        "RSS MiB",
        "entry median ms",
        "entry p95 ms",
        "idle CPU %",
        "log ms",
        "ack ms",
        "list --json ms",
    ]

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value * 1000:,.0f}"

    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for row in rows:
        cells = [
            row.name,
            "-" if row.built is None else f"{row.built:.1f}",
            ms(row.first_paint),
            ms(row.on_screen),
            "-" if row.key_median is None else f"{row.key_median * 1000:.1f}",
            "-" if row.key_p95 is None else f"{row.key_p95 * 1000:.1f}",
            "-" if row.paced_median is None else f"{row.paced_median * 1000:.1f}",
            "-" if row.paced_p95 is None else f"{row.paced_p95 * 1000:.1f}",
            "-" if row.scribed_median is None else f"{row.scribed_median * 1000:.1f}",
            "-" if row.scribed_p95 is None else f"{row.scribed_p95 * 1000:.1f}",
            "-" if row.catching_up_median is None else f"{row.catching_up_median * 1000:.1f}",
            "-" if row.catching_up_p95 is None else f"{row.catching_up_p95 * 1000:.1f}",
            "-" if row.rss_mib is None else f"{row.rss_mib:.0f}",
            "-" if row.entry_median is None else f"{row.entry_median * 1000:.1f}",
            "-" if row.entry_p95 is None else f"{row.entry_p95 * 1000:.1f}",
            "-" if row.idle_cpu is None else f"{row.idle_cpu:.1f}",
            ms(row.cli.get("log")),
            ms(row.cli.get("ack")),
            ms(row.cli.get("list --json")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    """Where and when: date, commit, cores, CPU model, RAM."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        "unknown CPU",
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total = next((int(line.split()[1]) for line in meminfo.splitlines() if "MemTotal" in line), 0)
    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() or "unknown"

    changed = git("status", "--porcelain", "--", "src")  # "unknown" stands for nothing
    dirty = " (with uncommitted changes)" if changed not in ("", "unknown") else ""
    commit = git("rev-parse", "--short", "HEAD")
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}"
        f"{dirty}; {os.cpu_count()} cores, {model}, {total / 1024 / 1024:.1f} GiB RAM;"
        f" Python {sys.version.split()[0]}"
    )


CONSOLES_CASE = Case("1,000 incidents", 1_000, 100_000)


def run_consoles(path: Path | None, consoles: int, seconds: float) -> str:
    """The consoles scenario on `path` (default: the 1,000-incident file, built)."""
    with tempfile.TemporaryDirectory() as tmp:
        if path is None:
            path = Path(tmp) / CONSOLES_CASE.file
            build(path, CONSOLES_CASE.incidents, CONSOLES_CASE.entries, NOW)
        incidents = sqlite3.connect(path).execute("SELECT count(*) FROM incidents").fetchone()[0]
        print(f"measuring {consoles} minimal apps, then {consoles} consoles...", file=sys.stderr)
        minimal = consoles_scenario(path, consoles, seconds, minimal=True)
        result = consoles_scenario(path, consoles, seconds)
        return consoles_text(result, incidents, minimal)


def run(
    quick: bool,
    sizes: list[str] | None,
    results: Path | None,
    consoles: int = 20,
    seconds: float = 20.0,
) -> None:
    cases = [*QUICK, *QUICK_ONE] if quick else [*FULL, *FULL_ONE]
    if sizes:
        cases = [case for case in cases if case.file.split(".")[0] in sizes]
    rows = [minimal_row(quick)]
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            print(f"measuring {case.name} ({case.entries:,} entries)...", file=sys.stderr)
            rows.append(measure(case, Path(tmp), quick))
        many = Path(tmp) / CONSOLES_CASE.file
        wanted = consoles > 0 and not quick and many.exists()  # --consoles 0: none
        scenario = run_consoles(many, consoles, seconds) if wanted else ""
    text = (
        f"{machine()}\n\n{table(rows)}\n\n"
        "First paint, on screen (the incident list and a timeline row written) and RSS: the"
        " whole process in a real pty (120x36), from spawn, median of"
        f" {spawn_times(quick)} spawn(s) (the first on the file as built, a month of deadlines"
        " unrecorded). j/k: in-process (headless), from"
        " the key posted to the end of the frame that draws the next incident's detail and"
        " timeline (the list's cursor alone does not count), keys back to back (a held j),"
        f" and paced {PACE * 1000:.0f} ms apart (a person pressing j), also while another"
        f" process logs {SCRIBE_RATE:.0f} entries a second on the incidents the keys move"
        " over (60 keys), on the file once swept (what fell due in its month recorded, as"
        " an engine or an open console keeps it); catching up: paced, on the file as built,"
        " while the console records that month's backlog. entry: in-process,"
        " `l`, type, Enter: from Enter posted to the end of the frame that draws the"
        " timeline with the entry. idle CPU: one console in tmux (120x36), once its data"
        f" is on screen, over {idle_seconds(quick):.0f} s, % of one core."
        f" CLI: whole process, median of {3 if quick else 5}.\n"
        f"{scenario and chr(10) + scenario}"
    )
    print(text, end="")
    if results:
        results.write_text(f"# Benchmark results\n\n`python bench/run.py`\n\n{text}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small files only (CI)")
    parser.add_argument("--results", type=Path, help="also write the table here (Markdown)")
    parser.add_argument(
        "--only", nargs="*", metavar="FILE", help="only these files, named like 1000i-100000e"
    )
    commands = parser.add_subparsers(dest="command")
    make = commands.add_parser("build", help="build one file deterministically")
    make.add_argument("--incidents", type=int, required=True)
    make.add_argument("--entries", type=int, required=True)
    make.add_argument("--out", type=Path, required=True)
    make.add_argument("--one-incident", action="store_true", help="every entry on incident #1")
    many = commands.add_parser(
        "consoles", help="many consoles in tmux on one file while a scribe logs 2 entries/s"
    )
    many.add_argument("--db", type=Path, help="default: the 1,000-incident file, built")
    for parsers in (parser, many):
        parsers.add_argument("--consoles", type=int, default=20, help="how many (default 20)")
        parsers.add_argument(
            "--seconds", type=float, default=20.0, help="idle, then scribing (default 20 each)"
        )
    args = parser.parse_args(argv)
    if args.command == "build":
        if args.incidents < 1:
            parser.error("--incidents must be at least 1")
        started = time.perf_counter()
        build(args.out, args.incidents, args.entries, NOW, one_incident=args.one_incident)
        took = time.perf_counter() - started
        print(f"{args.out}: {args.incidents:,} incidents, {args.entries:,} entries, {took:.1f}s")
    elif args.command == "consoles":
        print(run_consoles(args.db, args.consoles, args.seconds), end="")
    else:
        run(args.quick, args.only, args.results, args.consoles, args.seconds)


if __name__ == "__main__":
    main()
