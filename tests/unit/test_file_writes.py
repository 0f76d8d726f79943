"""The watcher hears the file's writes (Linux inotify, `tui.file_writes`) and polls it
rarely while it does (issue 12: twenty consoles' polls were a third of their idle CPU):
another console's commit must still be read at once, never later than a poll would."""

from __future__ import annotations

import contextlib
import os
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.waits import until
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui import file_writes
from warroom.tui import watcher as watcher_module
from warroom.tui.messages import Snapshot
from warroom.tui.watcher import (
    BUSY_POLL_SECONDS,
    HEARD_POLL_SECONDS,
    RECHECK_SECONDS,
    DatabaseWatcher,
)


@pytest.fixture
def room(db_path: Path, clock: FrozenClock) -> WarRoom:
    room = WarRoom(store.connect(db_path), clock, Actor("Eve", "eve"), load_policy())
    room.log(room.declare("Checkout down", "P2"), "first note")
    return room


def heard_or_skip(path: Path, heard: Callable[[], object]) -> file_writes.FileWrites:
    writes = file_writes.listen(path, heard)
    if writes is None:
        pytest.skip("no inotify here: the watcher polls as before")
    return writes


def test_a_commit_by_another_connection_is_heard(db_path: Path, room: WarRoom) -> None:
    calls: list[int] = []
    writes = heard_or_skip(db_path, lambda: calls.append(1))
    try:
        room.log(1, "heard?")
        until(lambda: calls, "hear the commit")
        assert writes.alive
    finally:
        writes.stop()


def test_a_burst_of_commits_is_heard_no_more_often_than_the_busy_poll(
    db_path: Path, room: WarRoom
) -> None:
    """A sweep or an import commits many times a second: the watcher is woken at most
    every SPACING_SECONDS (it polled a moving file that often), not once per commit."""
    calls: list[float] = []
    writes = heard_or_skip(db_path, lambda: calls.append(time.monotonic()))
    try:
        started = last = time.monotonic()
        for n in range(40):
            last = time.monotonic()  # before the commit: what is heard of it comes after
            room.log(1, f"burst {n}")
        took = time.monotonic() - started
        until(lambda: calls and calls[-1] > last, "hear the last commit")
        assert 1 <= writes.count <= 2 + took / file_writes.SPACING_SECONDS
        assert writes.count < 40
    finally:
        writes.stop()


def event(mask: int, name: bytes = b"") -> bytes:
    padded = name + b"\0" * (-len(name) % 16 or 16) if name else b""
    return struct.pack("iIII", 1, mask, 0, len(padded)) + padded


def drained(events: bytes, names: frozenset[bytes]) -> tuple[bool, bool]:
    read, write = os.pipe()
    os.set_blocking(read, False)
    writes = file_writes.FileWrites(read, names, lambda: None)
    try:
        os.write(write, events)
        return writes._drain()  # noqa: SLF001 - the parsing of the kernel's events
    finally:
        writes.stop()
        os.close(write)


def test_only_the_files_own_names_count_and_an_ended_watch_says_so() -> None:
    names = frozenset({b"war.db", b"war.db-wal", b"war.db-journal"})
    other = event(file_writes.IN_MODIFY, b"notes.txt") + event(file_writes.IN_MODIFY, b"war.dbx")
    assert drained(other, names) == (False, False)
    assert drained(other + event(file_writes.IN_MODIFY, b"war.db-wal"), names) == (True, False)
    assert drained(event(file_writes.IN_CREATE, b"war.db-journal"), names) == (True, False)
    assert drained(event(file_writes.IN_IGNORED), names) == (False, True)
    assert drained(event(file_writes.IN_DELETE_SELF), names) == (False, True)
    # the kernel's queue overflowed: events were lost (maybe ours), the watch goes on
    assert drained(event(file_writes.IN_Q_OVERFLOW), names) == (True, False)


def test_a_watch_that_ends_says_so_and_wakes_the_watcher(tmp_path: Path) -> None:
    """The folder removed: the watcher is woken and polls from then on (`alive` False)."""
    folder = tmp_path / "room"
    folder.mkdir()
    calls: list[int] = []
    writes = heard_or_skip(folder / "war.db", lambda: calls.append(1))
    try:
        folder.rmdir()
        until(lambda: calls and not writes.alive, "say the watch ended")
    finally:
        writes.stop()


class Fails(file_writes.FileWrites):
    def _drain(self) -> tuple[bool, bool]:
        raise ValueError("not an inotify event")


def test_a_thread_that_fails_says_so_and_wakes_the_watcher() -> None:
    read, write = os.pipe()
    os.set_blocking(read, False)
    calls: list[int] = []
    writes = Fails(read, frozenset({b"war.db"}), lambda: calls.append(1))
    writes.start()
    try:
        os.write(write, event(file_writes.IN_MODIFY, b"war.db"))
        until(lambda: calls and not writes.alive, "say the thread ended")
    finally:
        writes.stop()
        os.close(write)


def inotify_fds() -> int:
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("no /proc here")
    count = 0
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd) == "anon_inode:inotify"
    return count


@pytest.mark.parametrize(
    ("where", "error"),
    [("os.pipe", OSError(24, "Too many open files")), ("threading.Thread.start", RuntimeError)],
)
def test_a_listener_that_cannot_start_polls_and_leaks_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, error: BaseException
) -> None:
    heard_or_skip(db_path, lambda: None).stop()
    before = inotify_fds()

    def fails(*_: object) -> None:
        raise error

    monkeypatch.setattr(where, fails)
    assert file_writes.listen(db_path, lambda: None) is None
    monkeypatch.undo()
    assert inotify_fds() == before


def test_a_path_that_cannot_be_resolved_polls(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    writes = file_writes.listen(tmp_path / "a" / "war.db", lambda: None)
    if writes is not None:  # a resolve() that does not raise: the folder is watched
        writes.stop()


class Waits(threading.Event):
    """The watcher's wake-up event, noting how long each wait may last."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.timeouts.append(timeout)
        return super().wait(timeout)


def test_a_heard_commit_is_read_at_once_though_the_quiet_file_is_hardly_polled(
    db_path: Path, room: WarRoom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the quiet poll an hour long, another console's entry still reaches the
    screen: the write woke the watcher."""
    heard_or_skip(db_path, lambda: None).stop()
    monkeypatch.setattr(watcher_module, "HEARD_POLL_SECONDS", 3600.0)
    posted: list[Any] = []

    def post(message: Any) -> None:
        posted.append(message)
        if isinstance(message, Snapshot) and message.selection and message.selection.reset:
            watcher.settled()  # as the screen says once it has drawn an incident read for it

    watcher = DatabaseWatcher(db_path, post, load_policy())
    now = [10_000.0]
    watcher._monotonic = lambda: now[0]  # noqa: SLF001 - the test steps time
    waits = watcher._wake = Waits()  # noqa: SLF001
    watcher.take(1)
    now[0] += 100  # opened long ago, and nobody moved since
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:

        def shown() -> list[str]:
            return [
                e.text
                for m in posted
                if isinstance(m, Snapshot) and m.selection is not None
                for e in m.selection.entries
            ]

        until(lambda: "first note" in shown(), "show the incident")
        until(lambda: 3600.0 in waits.timeouts, "wait long on a quiet file")
        room.log(1, "from another console")
        until(lambda: "from another console" in shown(), "read the heard commit")
    finally:
        watcher.stop()
        thread.join(5)


class Alive:
    alive = True


def quiet_watcher(db_path: Path) -> DatabaseWatcher:
    """A watcher past start-up, nobody moving, whose writes are heard."""
    watcher = DatabaseWatcher(db_path, [].append, load_policy())
    watcher._writes = Alive()  # type: ignore[assignment]  # noqa: SLF001
    watcher._live_only = watcher._rest_due = watcher._ahead_due = False  # noqa: SLF001
    watcher._monotonic = lambda: 10_000.0  # noqa: SLF001
    return watcher


def test_a_write_heard_that_shows_no_change_yet_is_looked_at_again_soon(db_path: Path) -> None:
    """A commit under way (or a checkpoint): looked at again at once, then at the busy
    poll, as before, and only then rarely."""
    watcher = quiet_watcher(db_path)
    look = watcher._next_look  # noqa: SLF001
    poll = BUSY_POLL_SECONDS
    assert look(poll, heard=False, moved=False) == HEARD_POLL_SECONDS
    assert look(poll, heard=True, moved=False) == RECHECK_SECONDS
    assert look(poll, heard=False, moved=False) == poll
    assert look(poll, heard=False, moved=False) == HEARD_POLL_SECONDS
    assert look(poll, heard=True, moved=True) == HEARD_POLL_SECONDS  # read: nobody moves
    assert look(poll, heard=False, moved=False) == HEARD_POLL_SECONDS
    watcher._heard = True  # noqa: SLF001 - heard while the look was under way
    assert look(poll, heard=False, moved=False) == 0.0


def test_polls_as_before_while_anything_is_under_way_or_nothing_is_heard(db_path: Path) -> None:
    watcher = quiet_watcher(db_path)
    look = watcher._next_look  # noqa: SLF001
    watcher._board_due = True  # noqa: SLF001
    assert look(0.25, heard=False, moved=False) == 0.25
    watcher._board_due = False  # noqa: SLF001
    watcher._moved_at = 10_000.0 - 1  # noqa: SLF001 - a person moving: reads ahead
    assert look(0.25, heard=False, moved=False) == 0.25
    watcher._moved_at = -1e9  # noqa: SLF001
    assert look(0.25, heard=False, moved=False) == HEARD_POLL_SECONDS
    watcher._writes.alive = False  # type: ignore[union-attr]  # noqa: SLF001 - watch ended
    assert look(0.25, heard=False, moved=False) == 0.25
    watcher._writes = None  # noqa: SLF001 - no inotify
    assert look(0.25, heard=False, moved=False) == 0.25
