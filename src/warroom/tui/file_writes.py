"""Hear the war-room file being written (Linux inotify), so the watcher need not poll.

Every commit appends to the file's write-ahead log (`FILE-wal`); a checkpoint writes
the file itself; the first connection to a file nobody had open creates the log. The
kernel reports each of these on an inotify descriptor watching the file's folder,
whoever wrote (another console, `warroom log`, an engine: the same machine, as SQLite's
WAL mode requires). `listen` starts a thread that sleeps in the kernel until one of the
file's names is written, waits a moment for the commit to finish (a commit is several
writes, and SQLite marks it committed just after the last one), and calls `heard`: the
watcher reads at once instead of on its next poll, and polls rarely while it hears. A
burst of commits is heard at most every SPACING_SECONDS (the old busy poll), so the
watcher never reads more often than it polled.

Where there is no inotify (not Linux, a folder that cannot be watched, no free watch)
`listen` returns None and the watcher polls as before; a watch that ends (the folder
removed or moved) or a thread that fails says so (`alive` turns False, and the watcher
is woken), and the watcher polls as before from then on. The kernel's queue
overflowing loses events, not the watch: it counts as a write heard."""

from __future__ import annotations

import contextlib
import os
import select
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ctypes

# <sys/inotify.h>
IN_MODIFY = 0x2
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
_WATCHED = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
)
_ENDED = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED  # the watch is no more
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then len bytes of name)
# after the first write heard, wait this long before saying so: the commit's other
# writes (one per page) are heard with it, and SQLite marks the commit just after them
SETTLE_SECONDS = 0.005
# and say so at most this often (the watcher's busy poll): a burst of commits (a sweep,
# an import, start-up's writes) is read a few times a second, not once per commit
SPACING_SECONDS = 0.15


class FileWrites:
    """A thread that calls `heard` when one of the file's names is written."""

    def __init__(self, fd: int, names: frozenset[bytes], heard: Callable[[], object]) -> None:
        self._fd = fd
        self._names = names
        self._heard = heard
        self._stop_r, self._stop_w = os.pipe()
        self.alive = True  # False once the watch ended: poll as before
        self.count = 0  # writes heard (for tests and benchmarks)
        self._thread = threading.Thread(target=self._run, name="file-writes", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the thread and close the descriptor (waits for the thread)."""
        with contextlib.suppress(OSError):
            os.write(self._stop_w, b"x")
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)
        for fd in (self._fd, self._stop_r, self._stop_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _run(self) -> None:
        said = -SPACING_SECONDS  # when `heard` was last called (monotonic)
        try:
            # poll, not select: no limit on the descriptors' numbers (select: below 1024)
            either = select.poll()
            either.register(self._fd, select.POLLIN)
            either.register(self._stop_r, select.POLLIN)
            stopped = select.poll()
            stopped.register(self._stop_r, select.POLLIN)
            while True:
                if any(fd == self._stop_r for fd, _ in either.poll()):
                    return
                # the rest of the commit, heard in one go; and no sooner than the spacing
                # after the last (a burst's writes meanwhile are heard once, then)
                pause = max(SETTLE_SECONDS, said + SPACING_SECONDS - time.monotonic())
                if stopped.poll(pause * 1000):
                    return
                mine, ended = self._drain()
                if ended:
                    self.alive = False
                if mine or ended:
                    self.count += 1
                    said = time.monotonic()
                    self._heard()
                if ended:
                    return
        except Exception:  # whatever ends the thread, the watcher polls
            self.alive = False
            self._heard()

    def _drain(self) -> tuple[bool, bool]:
        """Read every event queued: (one of our names was written, the watch ended)."""
        mine = ended = False
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return mine, ended
            offset = 0
            while offset + _EVENT.size <= len(data):
                _wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
                offset += _EVENT.size + length
                if mask & _ENDED:
                    ended = True
                elif mask & IN_Q_OVERFLOW or name in self._names:
                    mine = True  # an overflow lost events: maybe ours (the watch goes on)


def _libc() -> ctypes.CDLL | None:
    """The C library, for inotify. glibc's soname is tried first: `find_library` runs
    `ldconfig -p` in a child process and parses its output, which, on the watcher's
    thread, held the interpreter lock the console's first frame is drawn with."""
    import ctypes  # here: only the watcher's thread needs it, after the console's imports

    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        pass
    import ctypes.util  # another C library (musl): ask the system where it is

    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


def listen(path: Path, heard: Callable[[], object]) -> FileWrites | None:
    """Start hearing writes to `path` (and its `-wal` and `-journal`); None where the
    folder cannot be watched (the caller polls)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = _libc()
    if libc is None or not hasattr(libc, "inotify_init1"):
        return None
    fd = int(libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC))
    if fd < 0:
        return None
    writes: FileWrites | None = None
    try:
        where = path.resolve()
        if int(libc.inotify_add_watch(fd, os.fsencode(where.parent), _WATCHED)) < 0:
            raise OSError("no watch")
        base = os.fsencode(where.name)
        names = frozenset({base, base + b"-wal", base + b"-journal"})
        writes = FileWrites(fd, names, heard)
        writes.start()
    except Exception:  # no pipe, no thread, a symlink loop: poll as before
        if writes is not None:
            writes.stop()  # closes the descriptor too
        else:
            with contextlib.suppress(OSError):
                os.close(fd)
        return None
    return writes
