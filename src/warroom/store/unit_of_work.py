"""One user or system action as one write transaction, with its timeline row.

`begin(db, actor, now)` opens the transaction exactly as `db.transaction` does
(BEGIN IMMEDIATE on a WAL file with a busy timeout, so a writer that reads
before it writes never fails with SQLITE_BUSY_SNAPSHOT; SQLite errors come out
as WriteFailed with a reason a person can act on; any error rolls back) and
hands the action a `UnitOfWork`: who acts, when, the connection for the area's
store functions (`store/*_writes.py`), and `append_timeline`, the one place a
timeline row is written.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from warroom.domain.models import Actor
from warroom.domain.timefmt import to_iso
from warroom.domain.vocabulary import SYSTEM_AUTHOR
from warroom.errors import NotFound
from warroom.store.db import transaction

if TYPE_CHECKING:
    import sqlite_utils


class UnitOfWork:
    """One open write transaction, for one actor at one moment (`now`).

    `db` lets the store's query functions read inside the transaction (what they
    read is what the write will see); `conn` is for the area's write statements.
    """

    def __init__(self, db: sqlite_utils.Database, actor: Actor, now: dt.datetime) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.actor = actor
        self.now = now

    @property
    def stamp(self) -> str:
        """`now` as it is stored."""
        return to_iso(self.now)

    def append_timeline(
        self,
        incident_id: int,
        kind: str,
        text: str,
        *,
        at: dt.datetime | None = None,
        data: dict[str, Any] | None = None,
        supersedes: int | None = None,
        automatic: bool = False,
    ) -> int:
        """Write one timeline row; returns its id. `at`: when it happened (default now).

        `automatic`: the system's own event (a breach, a rung reached on time) is
        signed as warroom; the console that noticed it is kept as `noticed_by`.
        """
        if automatic:
            data = {**(data or {}), "noticed_by": self.actor.name}
        # the row's id taken under the write lock (what SQLite would pick), so that its
        # `root` (its entry's first version: db migration 018) is written with it
        row_id = int(
            self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM timeline").fetchone()[0]
        )
        root = row_id
        if supersedes is not None:
            found = self.conn.execute(
                "SELECT root FROM timeline WHERE id = ?", (supersedes,)
            ).fetchone()
            root = int(found[0]) if found is not None and found[0] is not None else supersedes
        cursor = self.conn.execute(
            "INSERT INTO timeline (id, incident_id, at, logged_at, author, os_user, kind, text,"
            " data, supersedes, root) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row_id,
                incident_id,
                to_iso(at or self.now),
                self.stamp,
                SYSTEM_AUTHOR if automatic else self.actor.name,
                self.actor.os_user,
                kind,
                text,
                json.dumps(data or {}, sort_keys=True),
                supersedes,
                root,
            ),
        )
        return int(cursor.lastrowid or 0)

    def incident_fields(self, incident_id: int, *columns: str) -> dict[str, Any]:
        """The incident's current `columns`, read under the write lock; NotFound if absent."""
        cols = ", ".join(columns)
        row = self.conn.execute(
            f"SELECT {cols} FROM incidents WHERE id = ?", (incident_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no incident #{incident_id}")
        return dict(zip(columns, row, strict=True))

    def require_incident(self, incident_id: int) -> None:
        """NotFound unless the incident exists."""
        self.incident_fields(incident_id, "id")


@contextmanager
def begin(db: sqlite_utils.Database, actor: Actor, now: dt.datetime) -> Iterator[UnitOfWork]:
    """Open one unit of work; it commits when the block ends and rolls back on any error."""
    with transaction(db):
        yield UnitOfWork(db, actor, now)
