"""Opening files: ours are migrated, anything else is refused untouched."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from tests.older_file import older_file
from warroom import store
from warroom.errors import DatabaseRefused


def test_new_file_is_created_with_schema_and_wal(db_path: Path) -> None:
    database = store.connect(db_path)
    tables = set(database.table_names())
    assert {"incidents", "timeline", "roles", "warroom_meta"} <= tables
    assert database.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    meta = dict(database.conn.execute("SELECT key, value FROM warroom_meta").fetchall())
    assert meta == {"app": "warroom", "schema_version": str(store.SCHEMA_VERSION)}


def test_reopening_keeps_data_and_applies_nothing_twice(db_path: Path, room) -> None:
    incident_id = room.declare("Kept", "P2")
    room.db.conn.close()
    again = store.connect(db_path)
    assert again["incidents"].get(incident_id)["title"] == "Kept"
    applied = again.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == store.SCHEMA_VERSION


def test_empty_sqlite_file_is_initialised(db_path: Path) -> None:
    sqlite3.connect(db_path).close()  # zero-byte file
    database = store.connect(db_path)
    assert "incidents" in database.table_names()


def test_file_that_is_not_sqlite_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match="not a SQLite database"):
        store.connect(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_foreign_sqlite_database_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match="not a warroom one"):
        store.connect(path)
    assert path.read_bytes() == before


def test_database_from_a_newer_warroom_is_refused(db_path: Path) -> None:
    store.connect(db_path).conn.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE warroom_meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseRefused, match="newer warroom"):
        store.connect(db_path)


def test_missing_file_is_not_created_when_asked_not_to(db_path: Path) -> None:
    with pytest.raises(DatabaseRefused, match="does not exist"):
        store.connect(db_path, create=False)
    assert not db_path.exists()


def test_two_consoles_opening_a_fresh_file_at_once_both_succeed(db_path: Path) -> None:
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            store.connect(db_path).conn.close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = store.connect(db_path)
    applied = check.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == store.SCHEMA_VERSION


def test_data_version_moves_only_for_other_connections(db_path: Path) -> None:
    watcher = store.connect(db_path)
    writer = store.connect(db_path)
    before = store.data_version(watcher)
    with store.transaction(writer):
        writer.conn.execute("INSERT INTO warroom_meta VALUES ('x', 'y')")
    assert store.data_version(watcher) != before


def test_a_database_from_the_first_schema_is_migrated_and_keeps_its_data(db_path: Path) -> None:
    conn = older_file(db_path, "002_clocks", version="1")
    conn.close()
    database = store.connect(db_path)
    assert database["incidents"].get(1)["title"] == "old one"
    assert {"sla_breaches", "escalations", "updates"} <= set(database.table_names())
    version = database.conn.execute(
        "SELECT value FROM warroom_meta WHERE key = 'schema_version'"
    ).fetchone()[0]
    assert version == str(store.SCHEMA_VERSION)
    indexes = {row[1] for row in database.conn.execute("PRAGMA index_list(timeline)")}
    # the rows that move the clocks, for every console's re-read (not every status row)
    assert "timeline_clock_moves" in indexes
    assert "timeline_clock_rows" not in indexes


def test_opening_again_keeps_this_process_locks(db_path: Path) -> None:
    """A console holds one connection open while it opens others; another process
    that closes its own must not find the file unlocked and delete the WAL."""
    import subprocess
    import sys

    watcher = store.connect(db_path)
    watcher.conn.execute("SELECT count(*) FROM incidents").fetchone()
    store.connect(db_path).conn.close()  # a write worker comes and goes
    script = (
        "import sys; from warroom.store import db; d = db.connect(sys.argv[1]); "
        "d.conn.execute(\"INSERT INTO warroom_meta VALUES ('probe', '1')\"); d.conn.close()"
    )
    subprocess.run([sys.executable, "-c", script, str(db_path)], check=True)
    assert Path(f"{db_path}-wal").exists()  # still in use by this process
    found = watcher.conn.execute("SELECT value FROM warroom_meta WHERE key = 'probe'").fetchone()
    assert found == ("1",)
    watcher.conn.close()


def test_an_observer_reads_what_writers_commit_and_cannot_write(db_path: Path) -> None:
    """What the console's observer mode stands on: every connection opened on the
    path (console workers too) is read-only, sees other consoles' commits, and
    says why a write did not happen."""
    from warroom.errors import WriteFailed

    writer = store.connect(db_path)
    store.set_access(db_path, store.Access(read_only=True))
    try:
        observer = store.connect(db_path)
    finally:
        store.set_access(db_path, store.Access())
    assert store.read_only_reason(observer) == "opened with --read-only"
    assert store.read_only_reason(writer) is None
    before = store.data_version(observer)
    with store.transaction(writer):
        writer.conn.execute("INSERT INTO warroom_meta VALUES ('seen', '1')")
    assert store.data_version(observer) != before
    found = observer.conn.execute("SELECT value FROM warroom_meta WHERE key = 'seen'").fetchone()
    assert found == ("1",)
    with (
        pytest.raises(
            WriteFailed, match=r"^read-only: opened with --read-only; nothing was saved$"
        ),
        store.transaction(observer),
    ):
        observer.conn.execute("INSERT INTO warroom_meta VALUES ('mine', '1')")
    gone = writer.conn.execute("SELECT count(*) FROM warroom_meta WHERE key = 'mine'").fetchone()
    assert gone == (0,)


def test_read_only_never_creates_or_upgrades_a_file(db_path: Path) -> None:
    with pytest.raises(DatabaseRefused, match="--read-only creates nothing"):
        store.connect(db_path, read_only=True)
    assert not db_path.exists()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("CREATE TABLE warroom_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO warroom_meta VALUES ('app', 'warroom'), ('schema_version', '1')")
    conn.close()
    with pytest.raises(DatabaseRefused, match="needs upgrading by a warroom that can write it"):
        store.connect(db_path, read_only=True)
    tables = sqlite3.connect(db_path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    assert tables.fetchall() == [("warroom_meta",)]  # not migrated
