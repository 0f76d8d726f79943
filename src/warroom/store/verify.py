"""`warroom verify`: is this file a sound warroom database? Read-only, names each problem.

The checks, each reported in words a person can act on:

- SQLite's own `PRAGMA integrity_check` (pages, b-trees, indexes) and
  `PRAGMA foreign_key_check` (rows pointing at rows that are not there);
- the full-text index `timeline_fts` (an external-content FTS5 index over the
  timeline): one index row per timeline entry, both ways, and FTS5's own
  `integrity-check` with rank 1 (the index compared with the text it was built
  from). That command is an INSERT, so it runs on a copy in memory: the file
  is only ever opened read-only;
- the schema: the warroom version and the migrations recorded, and every table,
  index and trigger this warroom's migrations create.

The file is opened read-only (`mode=ro`, or `immutable` when no writer has a log
open, which creates no -wal or -shm beside it). A file that is not a warroom
database is refused before anything is checked.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from warroom.errors import DatabaseRefused
from warroom.store import db as schema
from warroom.store.file_access import open_connection

SHOWN_PER_CHECK = 20  # a badly broken file lists this many lines of a check, then a count
INDEX = "timeline_fts"
REBUILD = f"INSERT INTO {INDEX}({INDEX}) VALUES('rebuild')"


@dataclass
class Verdict:
    """What `verify` found: no problems means the file is sound."""

    path: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incidents: int = 0
    entries: int = 0
    schema_version: int = 0
    newest: tuple[int, str] | None = None  # the last timeline entry: (id, logged_at)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(path: Path) -> Verdict:
    """Check the database at `path` without changing it; DatabaseRefused if not ours."""
    path = path.expanduser()
    if not path.exists():
        raise DatabaseRefused(f"{path} does not exist")
    if path.is_dir():
        raise DatabaseRefused(f"{path} is a directory, not a warroom database")
    try:
        conn = open_connection(path, "verify only reads", could_write=False)
    except sqlite3.Error as exc:
        raise DatabaseRefused(f"cannot open {path}: {exc}") from None
    verdict = Verdict(path)
    if schema.replicated(path):
        verdict.notes.append(
            f"Litestream replicates it (.{path.name}-litestream is beside it):"
            " consoles leave checkpoints to Litestream"
        )
    try:
        try:
            if not schema.check_ours(conn, path):
                raise DatabaseRefused(f"{path} is empty: not a warroom database")
        except sqlite3.DatabaseError as exc:
            # the schema itself is unreadable: whose file it is cannot be told
            verdict.problems.append(f"the schema cannot be read: {exc}")
            return verdict
        conn.execute("BEGIN")  # every check reads the same moment of a file still in use
        try:
            _check_integrity(conn, verdict)
            _check_foreign_keys(conn, verdict)
            _check_schema(conn, verdict)
            _count(conn, verdict)
            _check_search_index(conn, verdict)
            _check_timeline_counts(conn, verdict)
        finally:
            if conn.in_transaction:
                with suppress(sqlite3.Error):  # a read on a broken file may have ended it
                    conn.execute("ROLLBACK")
    finally:
        conn.close()
    return verdict


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple[object, ...]] | str:
    """The rows of `sql`, or SQLite's complaint when the file cannot answer it."""
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _add(verdict: Verdict, check: str, lines: list[str]) -> None:
    verdict.problems.extend(f"{check}: {line}" for line in lines[:SHOWN_PER_CHECK])
    if len(lines) > SHOWN_PER_CHECK:
        verdict.problems.append(f"{check}: ... and {len(lines) - SHOWN_PER_CHECK} more")


def _check_integrity(conn: sqlite3.Connection, verdict: Verdict) -> None:
    found = _rows(conn, "PRAGMA integrity_check")
    if isinstance(found, str):
        _add(verdict, "integrity_check", [found])
    elif found != [("ok",)]:
        _add(verdict, "integrity_check", [str(row[0]) for row in found])


def _check_foreign_keys(conn: sqlite3.Connection, verdict: Verdict) -> None:
    found = _rows(conn, "PRAGMA foreign_key_check")
    if isinstance(found, str):
        _add(verdict, "foreign_key_check", [found])
        return
    _add(
        verdict,
        "foreign_key_check",
        [
            f"{table} row {rowid} refers to a missing {parent} row"
            for table, rowid, parent, _ in found
        ],
    )


def _count(conn: sqlite3.Connection, verdict: Verdict) -> None:
    """How much the file holds, and its newest entry: what a replica's lag is measured by."""
    for attribute, table in (("incidents", "incidents"), ("entries", "timeline")):
        found = _rows(conn, f"SELECT count(*) FROM {table}")
        if isinstance(found, str):
            _add(verdict, table, [found])
        else:
            setattr(verdict, attribute, int(str(found[0][0])))
    newest = _rows(conn, "SELECT id, logged_at FROM timeline ORDER BY id DESC LIMIT 1")
    if not isinstance(newest, str) and newest:
        verdict.newest = (int(str(newest[0][0])), str(newest[0][1]))


def _check_search_index(conn: sqlite3.Connection, verdict: Verdict) -> None:
    check = f"full-text index {INDEX}"
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if INDEX not in tables:
        return  # a file from before the index: the schema check names what is missing
    missing = _rows(
        conn, f"SELECT id FROM timeline WHERE id NOT IN (SELECT id FROM {INDEX}_docsize)"
    )
    extra = _rows(conn, f"SELECT id FROM {INDEX}_docsize WHERE id NOT IN (SELECT id FROM timeline)")
    lines = []
    for found, what in (
        (missing, "not in the index"),
        (extra, "in the index but not the timeline"),
    ):
        if isinstance(found, str):
            lines.append(found)
        elif found:
            ids = ", ".join(f"#{row[0]}" for row in found[:10])
            more = f" and {len(found) - 10} more" if len(found) > 10 else ""
            lines.append(f"{len(found)} timeline entries {what}: {ids}{more}")
    broken = _fts_integrity(conn)
    if broken:
        lines.append(f"FTS5 integrity-check with the timeline failed ({broken})")
    if lines:
        lines.append(f"searches miss or mis-find entries; rebuild it with: {REBUILD}")
    _add(verdict, check, lines)


def _check_timeline_counts(conn: sqlite3.Connection, verdict: Verdict) -> None:
    """The counts kept for long timelines (migration 020) against the rows: a tool that
    replaced rows with its recursive triggers off leaves them off (a scrollbar too long,
    places shifted)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "timeline_counts" not in tables:
        return  # a file from before the counts: the schema check names what is missing
    counted, kept = _rows(conn, schema.COUNTED), _rows(conn, schema.KEPT_COUNTS)
    if isinstance(counted, str) or isinstance(kept, str):
        _add(verdict, "timeline counts", [c for c in (counted, kept) if isinstance(c, str)])
        return
    differ = sorted({row[0] for row in set(counted) ^ set(kept)}, key=str)
    if not differ:
        return
    ids = ", ".join(f"#{incident}" for incident in differ[:10])
    more = f" and {len(differ) - 10} more" if len(differ) > 10 else ""
    _add(
        verdict,
        "timeline counts",
        [
            f"the counts kept for the timelines of incidents {ids}{more} differ from their"
            " rows (a long timeline's scrollbar and places are off)",
            f"count them again with: {schema.RECOUNT_ALL}",
        ],
    )


def _fts_integrity(conn: sqlite3.Connection) -> str | None:
    """FTS5's own check, on a copy in memory (the command writes, the file is read-only)."""
    copy = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.backup(copy)
        copy.execute(f"INSERT INTO {INDEX}({INDEX}, rank) VALUES('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        copy.close()
    return None


def _check_schema(conn: sqlite3.Connection, verdict: Verdict) -> None:
    meta = dict(conn.execute("SELECT key, value FROM warroom_meta").fetchall())
    version = int(meta.get("schema_version", "0"))
    verdict.schema_version = version
    known = schema.migration_names()
    recorded = _rows(
        conn, "SELECT name FROM _sqlite_migrations WHERE migration_set = 'warroom' ORDER BY id"
    )
    if isinstance(recorded, str):
        _add(verdict, "schema", [f"the migrations record cannot be read: {recorded}"])
        return
    names = [str(row[0]) for row in recorded]
    lines = [
        f"migration {name} is recorded but unknown to this warroom"
        for name in names
        if name not in known
    ]
    if len(names) != version:
        lines.append(f"schema version {version}, but {len(names)} migrations are recorded")
    if version < schema.SCHEMA_VERSION:
        verdict.notes.append(
            f"schema {version} of {schema.SCHEMA_VERSION}: warroom upgrades it when it opens"
            " it to write"
        )
    else:
        lines += [f"migration {name} is not recorded" for name in known if name not in names]
        present = set(conn.execute("SELECT type, name FROM sqlite_master").fetchall())
        for kind, name in sorted(_expected_objects() - present):
            lines.append(f"{kind} {name} is missing")
    _add(verdict, "schema", lines)


@cache
def _expected_objects() -> frozenset[tuple[str, str]]:
    """Every table, index and trigger this warroom's migrations make, built in memory."""
    import sqlite_utils

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("CREATE TABLE warroom_meta (key TEXT PRIMARY KEY, value TEXT)")
        schema.migrations.apply(sqlite_utils.Database(conn, execute_plugins=False))
        rows = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%'"
        ).fetchall()
    finally:
        conn.close()
    return frozenset((str(kind), str(name)) for kind, name in rows)
