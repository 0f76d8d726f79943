"""How this process may open a database file: to write, to read, or as a snapshot.

A database this process cannot write (opened with --read-only, a read-only
folder or file, a full disk) is opened for reading only, and creates nothing
beside it that a writer could trip on. SQLite's read-only connection to a WAL
database creates a missing -wal and -shm, with the database's mode, owned by
the reader, and cannot remove them again: a 0444 database would leave 0444
files that break every later writer, and a read-only folder refuses them. So:

- `mode=ro` when the -wal holds commits (a writer is or was here: read its log
  and see its next commits), or when this process could write anyway (what it
  leaves is as writable as the database itself);
- otherwise an `immutable` snapshot of the file alone, which `changed()` notices
  going stale (a writer arrives, the file moves) so the caller can reopen it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class Access:
    """How this process opens one database file (set once from the global options)."""

    read_only: bool = False  # an observer: never write, never create files beside it
    share_group: bool = False  # new files 0660, a new folder 2770, for a team's Unix group


_access: dict[Path, Access] = {}


def _key(path: Path | str) -> Path:
    return Path(path).expanduser().resolve()


def set_access(path: Path | str, access: Access) -> None:
    """Every later `connect(path)` in this process (console workers too) opens this way."""
    _access[_key(path)] = access


def access_for(path: Path | str) -> Access:
    return _access.get(_key(path), Access())


Signature = tuple[int, int, int, int]


class WarroomConnection(sqlite3.Connection):
    """A connection that knows why it may not write (`read_only` is None when it may)
    and, for a snapshot, what the file looked like when it was taken."""

    path: Path
    read_only: str | None = None
    snapshot_of: Signature | None = None
    generation = 0  # how many times the snapshot was reopened: keeps data_version moving
    reopen: Callable[[], sqlite_utils.Database] | None = None  # set by `connect`


def read_only_reason(db: sqlite_utils.Database) -> str | None:
    """Why this connection only reads ("opened with --read-only", "... is not writable"),
    or None when it may write: what an observer's console shows."""
    return getattr(db.conn, "read_only", None)


def _writable(path: Path, mode: int = os.W_OK) -> bool:
    if os.access in os.supports_effective_ids:  # a setuid or seteuid process: its own rights
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)


def cannot_write(path: Path) -> str | None:
    """Why this process cannot write the existing database at `path`, or None."""
    folder = path.parent
    if not _writable(path):
        return f"{path} is not writable"
    if not _writable(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        # asked before it is looked for: the last connection to close removes the -wal,
        # and another process may do so between the two (a -wal gone is no obstacle;
        # looked for first, it read as "not writable", and a scribe's entry was refused
        # while other scribes logged at once)
        if not _writable(companion) and companion.exists() and not _writable(companion):
            return f"{companion} is not writable (made by another user?)"
    try:
        space = os.statvfs(folder)
    except OSError:
        return None
    free = space.f_bfree if os.geteuid() == 0 else space.f_bavail
    if free == 0:
        return f"the disk holding {folder} is full"
    return None


def no_room(exc: sqlite3.Error) -> bool:
    """SQLite's words for a disk with too little room to set up the -shm."""
    return "disk I/O error" in str(exc) or "full" in str(exc)


def _wal_size(path: Path) -> int:
    """The size of the database's -wal, -1 when there is none (the last connection to
    close removes it, another process's too, at any moment)."""
    try:
        return Path(f"{path}-wal").stat().st_size
    except FileNotFoundError:
        return -1


def _signature(path: Path) -> Signature:
    found = path.stat()
    return (found.st_ino, found.st_mtime_ns, found.st_size, _wal_size(path))


def open_connection(path: Path, read_only: str | None, *, could_write: bool) -> WarroomConnection:
    """A read-write connection, or a read-only one that creates nothing it should not."""
    target = str(path)
    snapshot: Signature | None = None
    if read_only is not None:
        if could_write or _wal_size(path) > 0:
            how = "mode=ro"
        else:
            snapshot = _signature(path)
            how = "immutable=1"
        target = f"file:{quote(str(path.absolute()))}?{how}"
    conn = sqlite3.connect(
        target,
        isolation_level=None,
        check_same_thread=False,
        uri=read_only is not None,
        factory=WarroomConnection,
    )
    assert isinstance(conn, WarroomConnection)
    conn.read_only = read_only
    conn.snapshot_of = snapshot
    conn.path = path
    return conn


def changed(conn: sqlite3.Connection) -> bool:
    """True when `conn` is a snapshot and the file moved on since (or a writer came)."""
    if not isinstance(conn, WarroomConnection) or conn.snapshot_of is None:
        return False
    try:
        return _signature(conn.path) != conn.snapshot_of
    except OSError:
        return False
