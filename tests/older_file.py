"""A file as an older warroom left it, for the tests that open one and see it upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from warroom import store


def older_file(
    db_path: Path, stop_before: str, *, version: str | None = None
) -> sqlite3.Connection:
    """The file at `db_path` with the migrations before `stop_before` applied, its schema
    version recorded (`version`, else the number applied) and one incident, #1 'old one';
    the open connection (autocommit), to add what the test needs and close."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("CREATE TABLE warroom_meta (key TEXT PRIMARY KEY, value TEXT)")
    store.migrations.apply(sqlite_utils.Database(conn), stop_before=stop_before)
    if version is None:
        version = str(conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0])
    conn.execute(
        "INSERT INTO warroom_meta VALUES ('app', 'warroom'), ('schema_version', ?)", (version,)
    )
    conn.execute(
        "INSERT INTO incidents (title, severity, status, kind, declared_at)"
        " VALUES ('old one', 'P2', 'investigating', 'data', '2026-01-01T00:00:00Z')"
    )
    return conn
