"""A file Litestream replicates: consoles leave checkpoints to it, and its tables are not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from warroom import store
from warroom.cli import cli


def autocheckpoint(path: Path) -> int:
    database = store.connect(path)
    try:
        return int(database.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    finally:
        database.conn.close()


def test_consoles_leave_checkpoints_to_litestream_on_a_file_it_replicates(tmp_path: Path) -> None:
    path = tmp_path / "warroom.db"
    assert autocheckpoint(path) == 1000  # SQLite's default: a file nobody replicates
    (tmp_path / ".warroom.db-litestream").mkdir()  # what `litestream replicate` makes beside it
    assert autocheckpoint(path) == 0
    other = tmp_path / "other.db"  # the folder of another file changes nothing for this one
    assert autocheckpoint(other) == 1000


def test_a_file_litestream_reached_first_is_still_made_a_warroom_database(tmp_path: Path) -> None:
    path = tmp_path / "warroom.db"
    conn = sqlite3.connect(path)  # what Litestream does to an empty file it is told to watch
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)")
    conn.execute("CREATE TABLE _litestream_lock (id INTEGER)")
    conn.commit()
    conn.close()
    declared = CliRunner().invoke(cli, ["--db", str(path), "declare", "-s", "P2", "-t", "Outage"])
    assert declared.exit_code == 0, declared.output
    verified = CliRunner().invoke(cli, ["--db", str(path), "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_file_with_other_tables_beside_litestreams_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)")
    conn.execute("CREATE TABLE orders (id INTEGER)")
    conn.commit()
    conn.close()
    refused = CliRunner().invoke(cli, ["--db", str(path), "declare", "-s", "P2", "-t", "Outage"])
    assert refused.exit_code == 1
    assert "is a SQLite database but not a warroom one" in refused.stderr
