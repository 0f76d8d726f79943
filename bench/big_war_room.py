"""Build a large war-room database for benchmarks: N incidents, M timeline rows.

Rows are bulk-inserted straight into the store (not through the service) so a
100,000-row file is built in seconds; the shapes match what the service writes.
The same arguments (fixed seed, fixed `now`) give the same rows every time.
Incident #1 is the busy one and the console's first: live, P0, the longest running.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

from warroom import store
from warroom.domain.timefmt import to_iso

KINDS = ("note", "decision", "action", "finding", "todo", "status")
STATUSES = ("investigating", "identified", "fixing", "monitoring", "resolved", "closed")


def build(
    path: Path,
    incidents: int,
    entries: int,
    now: dt.datetime,
    *,
    live_share: float = 0.2,
    seed: int = 7,
    one_incident: bool = False,
) -> None:
    """Create `path` with `incidents` incidents and `entries` timeline rows in all
    (every row on incident #1 with `one_incident`, else a tenth there and the rest spread)."""
    rng = random.Random(seed)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = store.connect(path)
    with store.transaction(db):
        incident_rows = []
        for n in range(1, incidents + 1):
            declared = now - dt.timedelta(minutes=rng.randint(5, 60 * 24 * 30))
            live = rng.random() < live_share
            if n == 1:
                declared, live = now - dt.timedelta(days=31), True
            incident_rows.append(
                (
                    n,
                    f"Incident {n}: {rng.choice(['API', 'DB', 'queue', 'CDN'])} degraded",
                    "P0" if n == 1 else rng.choice(["P0", "P1", "P2", "P3"]),
                    rng.choice(STATUSES[:4]) if live else rng.choice(STATUSES[4:]),
                    rng.choice(["availability", "performance", "security", "data"]),
                    "Benchmark incident",
                    "Bench",
                    0,
                    to_iso(declared),
                    f"#incident-{declared:%Y-%m-%d}-{n}",
                )
            )
        db.conn.executemany(
            "INSERT INTO incidents (id, title, severity, status, kind, summary, commander, drill,"
            " declared_at, channel) VALUES (?,?,?,?,?,?,?,?,?,?)",
            incident_rows,
        )
        db.conn.executemany(
            "INSERT INTO roles (incident_id, role, person, assigned_at, assigned_by)"
            " VALUES (?, 'commander', 'Bench', ?, 'Bench')",
            [(row[0], row[8]) for row in incident_rows],
        )

        def timeline_rows() -> Iterator[tuple[object, ...]]:
            for n in range(entries):
                busy = one_incident or n % 10 == 0
                incident_id = 1 if busy else rng.randint(1, incidents)
                at = now - dt.timedelta(seconds=rng.randint(60, 60 * 60 * 24 * 3))
                yield (
                    incident_id,
                    to_iso(at),
                    to_iso(at),
                    f"scribe{rng.randint(1, 9)}",
                    "bench",
                    rng.choice(KINDS),
                    f"entry {n}: " + " ".join(["observed"] * rng.randint(1, 20)),
                    json.dumps({}),
                )

        db.conn.executemany(
            "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text, data)"
            " VALUES (?,?,?,?,?,?,?,?)",
            timeline_rows(),
        )
        # when the schema was made: the fixed clock too, so the same arguments give the same rows
        db.conn.execute("UPDATE _sqlite_migrations SET applied_at = ?", (str(now),))
    db.conn.close()
