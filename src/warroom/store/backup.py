"""`warroom backup`: a consistent copy of a live database, taken while consoles write.

The copy is made with SQLite's online backup API, a few hundred pages a step,
inside one read transaction on the source: in WAL mode a reader never blocks a
writer, so consoles keep committing while it runs, and the copy holds exactly
what was committed when the read began (the counts printed come from the same
read). It is written to a private temporary file beside the target (0600, or
0660 for a team's group, as the database itself) and put in place only when
complete, so a failure leaves no half-copy under the target's name.

The copy is never written over the database itself by any name, and never
over a file that has a -wal or -shm beside it: SQLite would replay that stale
log into the fresh copy the next time it is opened.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from warroom.errors import DatabaseRefused, InvalidInput, WriteFailed
from warroom.paths import file_mode
from warroom.store.db import check_ours
from warroom.store.file_access import access_for, cannot_write, open_connection

PAGES_PER_STEP = 256  # 1 MB of 4 KB pages: each step is short, and progress is steady
COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class BackupCopy:
    """What `backup` wrote: where, how big, and what it holds."""

    path: Path
    size: int
    incidents: int
    entries: int


def open_existing(path: Path, why: str) -> sqlite3.Connection:
    """A read-only connection to the warroom database at `path`, or DatabaseRefused."""
    if not path.exists():
        raise DatabaseRefused(f"{path} does not exist")
    if path.is_dir():
        raise DatabaseRefused(f"{path} is a directory, not a warroom database")
    try:
        conn = open_connection(path, why, could_write=cannot_write(path) is None)
    except sqlite3.Error as exc:
        raise DatabaseRefused(f"cannot open {path}: {exc}") from None
    try:
        if not check_ours(conn, path):
            raise DatabaseRefused(f"{path} is empty: not a warroom database yet")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseRefused(f"cannot read {path}: {exc}") from None
    except BaseException:
        conn.close()
        raise
    return conn


def backup(source: Path, target: Path, *, force: bool = False) -> BackupCopy:
    """Copy the warroom database `source` to `target` while it stays in use."""
    source, target = source.expanduser(), target.expanduser()
    _refuse_target(source, target, force)
    conn = open_existing(source, "a backup only reads")
    try:
        return _copy(conn, source, target, force)
    finally:
        conn.close()


def _refuse_target(source: Path, target: Path, force: bool) -> None:
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give the backup a file name")
    if _same_file(target, source):
        raise InvalidInput(f"{target} is the warroom database itself; back it up to another file")
    for suffix in COMPANIONS:
        if _same_file(target, Path(f"{source}{suffix}")):
            raise InvalidInput(f"{target} is the database's {suffix} file; choose another name")
    if target.exists() and not force:
        raise InvalidInput(f"{target} already exists; use --force to overwrite it")
    for suffix in ("-wal", "-shm"):
        beside = Path(f"{target}{suffix}")
        if beside.exists():
            raise InvalidInput(
                f"{beside} exists (is {target} a database in use?); SQLite would replay it "
                "into the copy: choose another name, or remove it if nothing uses it"
            )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # hard links and other routes to the same inode
    except OSError:
        return a.absolute() == b.absolute()  # one of them does not exist


def _copy(conn: sqlite3.Connection, source: Path, target: Path, force: bool) -> BackupCopy:
    import tempfile  # only when copying: shutil and random stay out of every other command

    mode = file_mode(access_for(source).share_group)
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise WriteFailed(f"cannot write {target}: {exc.strerror or exc}") from None
    temporary = Path(name)
    try:
        os.fchmod(fd, mode)  # exact, whatever the umask; SQLite's journal takes the same
        os.close(fd)
        incidents, entries = _snapshot_into(conn, source, temporary)
        _sync(temporary)
        _place(temporary, target, force)
    except OSError as exc:
        raise WriteFailed(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{s}") for s in COMPANIONS)):
            if os.path.lexists(leftover):
                os.unlink(leftover)
    return BackupCopy(target, target.stat().st_size, incidents, entries)


def _snapshot_into(conn: sqlite3.Connection, source: Path, temporary: Path) -> tuple[int, int]:
    """Copy every page as of one read transaction; the counts are read in it too."""
    copy = sqlite3.connect(temporary, isolation_level=None)
    try:
        conn.execute("BEGIN")  # deferred: the first read below fixes the snapshot
        try:
            incidents = conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
            entries = conn.execute("SELECT count(*) FROM timeline").fetchone()[0]
            conn.backup(copy, pages=PAGES_PER_STEP)
        finally:
            if conn.in_transaction:
                with suppress(sqlite3.Error):  # a read on a broken file may have ended it
                    conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise WriteFailed(f"the backup of {source} failed ({exc}); nothing was written") from None
    finally:
        copy.close()
    return int(incidents), int(entries)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _place(temporary: Path, target: Path, force: bool) -> None:
    """Rename the finished copy into place; without `force`, only if the name is free."""
    if force:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if the name was taken meanwhile: no race
    except FileExistsError:
        raise InvalidInput(f"{target} already exists; use --force to overwrite it") from None
    except OSError:  # a filesystem without hard links
        if os.path.lexists(target):
            raise InvalidInput(f"{target} already exists; use --force to overwrite it") from None
        os.replace(temporary, target)
