"""Start writer processes, read what they reported, and check the database they shared."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.durability.writer import ENTRY
from warroom import store
from warroom.store import queries, scribe_queries

WRITER = Path(__file__).with_name("writer.py")
HANG = 600.0  # seconds: a writer that never finishes fails the test instead of blocking CI


@dataclass(frozen=True)
class Commit:
    seq: int
    entry_id: int


def spawn(mode: str, db_path: Path, report: Path, **options: object) -> subprocess.Popen[str]:
    """`writer.py MODE` in its own process; options become `--name value`."""
    argv = [sys.executable, str(WRITER), mode, "--db", str(db_path), "--report", str(report)]
    for name, value in options.items():
        argv += [f"--{name}", str(value)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> None:
    """Wait for a process that should end by itself, and fail on anything it complained of."""
    try:
        _, stderr = process.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError(f"{process.args!r} hung") from None
    assert process.returncode == 0 and stderr == "", f"{process.args!r} failed:\n{stderr}"


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + HANG
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.01)


def reported(report: Path) -> list[Commit]:
    """The commits a writer said had returned; a line cut short by a kill does not count."""
    if not report.exists():
        return []
    lines = report.read_text(encoding="utf-8").splitlines(keepends=True)
    commits = []
    for line in lines:
        if line.endswith("\n"):
            seq, entry_id = line.split()
            commits.append(Commit(int(seq), int(entry_id)))
    return commits


def stored(db_path: Path, incident_id: int) -> dict[str, list[Commit]]:
    """Each writer's entries as the timeline shows them (by when, then by row id)."""
    database = store.connect(db_path, create=False)
    try:
        by_tag: dict[str, list[Commit]] = {}
        for entry in queries.timeline(database, incident_id):
            match = ENTRY.match(entry.text)
            if match:
                by_tag.setdefault(match["tag"], []).append(Commit(int(match["seq"]), entry.id))
        return by_tag
    finally:
        database.conn.close()


def found_by_search(db_path: Path, incident_id: int, tag: str) -> list[int]:
    database = store.connect(db_path, create=False)
    try:
        return scribe_queries.search(database, incident_id, tag, limit=1_000_000)
    finally:
        database.conn.close()


def check_database(db_path: Path) -> None:
    """SQLite's integrity check, and the search index in step with the timeline."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # rank 1: compare the index with the timeline rows it was built from, not only itself
        try:
            conn.execute(
                "INSERT INTO timeline_fts(timeline_fts, rank) VALUES('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            message = f"the search index is out of step with the timeline: {exc}"
            raise AssertionError(message) from None
    finally:
        conn.close()
