"""Open a warroom database safely, migrate it, and run write transactions.

Several consoles share one file: WAL, a busy timeout, and `BEGIN IMMEDIATE`
for every write so a writer never fails with SQLITE_BUSY_SNAPSHOT. A file that
is not ours is refused before anything is written to it.

A new database is created 0600 in a 0700 folder (0660 in a setgid 2770 folder
for a team's Unix group); SQLite gives its -wal and -shm the database's mode.
A database this process cannot write is opened for reading only (see
file_access); a write on it fails with one "read-only: ..." line.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from warroom.errors import DatabaseRefused, WriteFailed
from warroom.paths import create_private_file, make_private_dir

# the timeline rows the clocks derive from, and of those the ones that can move a clock
# (in their own module, so that the reads need not import this one)
from warroom.store.clock_rows import CLOCK_MOVES as CLOCK_MOVES
from warroom.store.clock_rows import CLOCK_ROWS as CLOCK_ROWS
from warroom.store.file_access import Access as Access
from warroom.store.file_access import WarroomConnection as WarroomConnection
from warroom.store.file_access import access_for as access_for
from warroom.store.file_access import cannot_write, changed, no_room, open_connection
from warroom.store.file_access import read_only_reason as read_only_reason
from warroom.store.file_access import set_access as set_access

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

    migrations: Migrations  # built on first use: see `__getattr__`

APP_ID = "warroom"
REPLICATION_TABLES = "_litestream_"  # Litestream's own tables (`_litestream_seq`, `_lock`)
BUSY_TIMEOUT_MS = 5000

# (name, step) in order. sqlite-utils (~40 ms to import) is loaded only when a file
# is created or upgraded, or when something asks for more than the connection.
_STEPS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = []


def _migration(
    name: str,
) -> Callable[[Callable[[sqlite_utils.Database], None]], Callable[[sqlite_utils.Database], None]]:
    def register(
        step: Callable[[sqlite_utils.Database], None],
    ) -> Callable[[sqlite_utils.Database], None]:
        _STEPS.append((name, step))
        return step

    return register


@_migration("001_core")
def _core(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL,
            kind TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            impact_users TEXT NOT NULL DEFAULT '',
            impact_services TEXT NOT NULL DEFAULT '',
            impact_business TEXT NOT NULL DEFAULT '',
            commander TEXT NOT NULL DEFAULT '',
            drill INTEGER NOT NULL DEFAULT 0,
            declared_at TEXT NOT NULL,
            detected_at TEXT,
            acknowledged_at TEXT,
            mitigated_at TEXT,
            resolved_at TEXT,
            closed_at TEXT,
            last_update_at TEXT,
            escalation_level INTEGER NOT NULL DEFAULT 0,
            channel TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX incidents_status ON incidents(status);
        CREATE TABLE timeline (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            at TEXT NOT NULL,
            logged_at TEXT NOT NULL,
            author TEXT NOT NULL,
            os_user TEXT NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}',
            supersedes INTEGER REFERENCES timeline(id)
        );
        CREATE INDEX timeline_by_incident ON timeline(incident_id, at, id);
        CREATE TABLE roles (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            role TEXT NOT NULL,
            person TEXT NOT NULL,
            assigned_at TEXT NOT NULL,
            assigned_by TEXT NOT NULL,
            ended_at TEXT
        );
        CREATE INDEX roles_current ON roles(incident_id, role, ended_at);
        """
    )


@_migration("002_clocks")
def _clocks(db: sqlite_utils.Database) -> None:
    """Breaches and escalations are recorded once each; updates restart the update clock."""
    db.executescript(
        """
        CREATE TABLE sla_breaches (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            timer TEXT NOT NULL,
            deadline TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            UNIQUE (incident_id, timer, deadline)
        );
        CREATE TABLE escalations (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            level INTEGER NOT NULL,
            who TEXT NOT NULL,
            person TEXT NOT NULL,
            notify TEXT NOT NULL,
            engaged_at TEXT NOT NULL,
            how TEXT NOT NULL,
            by TEXT NOT NULL,
            UNIQUE (incident_id, level)
        );
        CREATE TABLE updates (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            audience TEXT NOT NULL,
            template TEXT NOT NULL,
            body TEXT NOT NULL,
            posted_at TEXT NOT NULL,
            author TEXT NOT NULL
        );
        CREATE INDEX updates_by_incident ON updates(incident_id, posted_at);
        """
    )


@_migration("003_checklists")
def _checklists(db: sqlite_utils.Database) -> None:
    """Runbooks attached to an incident, items copied so every console ticks one list."""
    db.executescript(
        """
        CREATE TABLE checklists (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            runbook_id TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            attached_at TEXT NOT NULL,
            attached_by TEXT NOT NULL,
            detached_at TEXT
        );
        CREATE UNIQUE INDEX checklists_attached
            ON checklists(incident_id, runbook_id) WHERE detached_at IS NULL;
        CREATE TABLE checklist_items (
            id INTEGER PRIMARY KEY,
            checklist_id INTEGER NOT NULL REFERENCES checklists(id),
            position INTEGER NOT NULL,
            key TEXT NOT NULL,
            section TEXT NOT NULL,
            depth INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            command TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT '',
            within_seconds INTEGER,
            ask TEXT NOT NULL DEFAULT '',
            answer TEXT,
            done_by TEXT,
            done_at TEXT,
            UNIQUE (checklist_id, key)
        );
        """
    )


@_migration("004_drafts")
def _drafts(db: sqlite_utils.Database) -> None:
    """A status update being written: one draft per incident, kept until posted."""
    db.executescript(
        """
        CREATE TABLE drafts (
            incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
            template TEXT NOT NULL,
            body TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            author TEXT NOT NULL
        );
        """
    )


@_migration("005_scribe")
def _scribe(db: sqlite_utils.Database) -> None:
    """Follow-ups, the post-mortem owner, and full-text search over the timeline.

    Pins and corrections are timeline rows (kind `pin`; `supersedes`), so they
    reach every console the way entries do.
    """
    db.executescript(
        """
        ALTER TABLE incidents ADD COLUMN postmortem_owner TEXT NOT NULL DEFAULT '';
        CREATE TABLE follow_ups (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            text TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            due TEXT,
            priority TEXT NOT NULL DEFAULT 'medium',
            status TEXT NOT NULL DEFAULT 'open',
            from_entry INTEGER REFERENCES timeline(id),
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE INDEX follow_ups_by_incident ON follow_ups(incident_id, status);
        CREATE UNIQUE INDEX follow_ups_promoted ON follow_ups(from_entry)
            WHERE from_entry IS NOT NULL;
        CREATE VIRTUAL TABLE timeline_fts USING fts5(
            text, content='timeline', content_rowid='id', tokenize='unicode61'
        );
        CREATE TRIGGER timeline_fts_insert AFTER INSERT ON timeline BEGIN
            INSERT INTO timeline_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER timeline_fts_delete AFTER DELETE ON timeline BEGIN
            INSERT INTO timeline_fts(timeline_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        INSERT INTO timeline_fts(timeline_fts) VALUES ('rebuild');
        """
    )


@_migration("006_clock_rows")
def _clock_rows(db: sqlite_utils.Database) -> None:
    """An index of the timeline rows the SLA clocks read (severity and status
    changes), in timeline order: every console re-reads them after any commit."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS timeline_clock_rows ON timeline(incident_id, at, id)"
        f" WHERE {CLOCK_ROWS}"
    )


@_migration("007_postmortem_and_impact")
def _postmortem_and_impact(db: sqlite_utils.Database) -> None:
    """The post-mortem marked done (its own clock, not closing), and when customer
    impact started and ended (detected_at is in 001)."""
    db.executescript(
        """
        ALTER TABLE incidents ADD COLUMN postmortem_done_at TEXT;
        ALTER TABLE incidents ADD COLUMN impact_started_at TEXT;
        ALTER TABLE incidents ADD COLUMN impact_ended_at TEXT;
        """
    )


@_migration("008_roles_and_pages")
def _roles_and_pages(db: sqlite_utils.Database) -> None:
    """Calls are matched to rungs by who was called, not by level: after a severity
    change a level means another rung, so `UNIQUE (incident_id, level)` goes (the
    table is rebuilt, rows kept), and each call records the ladder it came from.
    A call found vacant (nobody held the role) is a row with an empty person."""
    db.executescript(
        """
        CREATE TABLE escalations_008 (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            level INTEGER NOT NULL,
            who TEXT NOT NULL,
            person TEXT NOT NULL,
            notify TEXT NOT NULL,
            engaged_at TEXT NOT NULL,
            how TEXT NOT NULL,
            by TEXT NOT NULL,
            severity TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO escalations_008 (id, incident_id, level, who, person, notify, engaged_at,
            how, by)
            SELECT id, incident_id, level, who, person, notify, engaged_at, how, by
            FROM escalations;
        DROP TABLE escalations;
        ALTER TABLE escalations_008 RENAME TO escalations;
        CREATE INDEX escalations_by_incident ON escalations(incident_id, engaged_at);
        """
    )


@_migration("009_policy_record")
def _policy_record(db: sqlite_utils.Database) -> None:
    """The policy in effect, recorded (a copy, its fingerprint, where it came from and who
    recorded it; the newest row rules), so a console or command opened with another policy
    can say what differs; and the two checklist-item fields that follow the policy's
    moments: what an item's `within` counts from (NULL: declaration) and the events that
    tick it by themselves (space-separated; NULL: none); and who detached a checklist
    (the system detaches an untouched one that no longer applies, and may attach it
    again; one a person took off stays off)."""
    db.executescript(
        """
        CREATE TABLE policy_record (
            id INTEGER PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            source TEXT NOT NULL,
            modified TEXT,
            text TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL
        );
        ALTER TABLE checklist_items ADD COLUMN within_from TEXT;
        ALTER TABLE checklist_items ADD COLUMN done_when TEXT;
        ALTER TABLE checklists ADD COLUMN detached_by TEXT;
        """
    )


# what an incident's row in a list is read from: a change to any of these marks the
# incident in `incident_changes` (a trigger in the file, so every writer marks, whatever
# its version or door), and a reader that reads again re-reads only marked incidents
_LISTED_FROM = {
    "incidents": ("id", ""),
    "roles": ("incident_id", ""),
    "updates": ("incident_id", ""),
    "sla_breaches": ("incident_id", ""),
    "escalations": ("incident_id", ""),  # the ladder reads the calls on record
    "timeline": ("incident_id", CLOCK_ROWS),  # only the rows the clocks derive from
}


def _marks(incident: str, only_if: str = "") -> str:
    """Trigger statements that number `incident`'s change as the newest. An UPDATE and
    an INSERT of what is missing, never a conflict clause: the outer statement's (an
    INSERT OR IGNORE of a breach) would override it inside the trigger."""
    newest = "(SELECT coalesce(max(seq), 0) + 1 FROM incident_changes)"
    where = f" AND {only_if}" if only_if else ""
    return (
        f" UPDATE incident_changes SET seq = {newest} WHERE incident_id = {incident}{where};"
        f" INSERT INTO incident_changes (incident_id, seq) SELECT {incident}, {newest}"
        " WHERE NOT EXISTS (SELECT 1 FROM incident_changes"
        f" WHERE incident_id = {incident}){where};"
    )


@_migration("010_change_log")
def _change_log(db: sqlite_utils.Database) -> None:
    """`incident_changes`: each incident's latest change, numbered across the file
    (one row per incident, so it never grows with the timeline)."""
    script = [
        "CREATE TABLE IF NOT EXISTS incident_changes"
        " (incident_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS incident_changes_seq ON incident_changes(seq)",
    ]
    for table, (column, only) in _LISTED_FROM.items():
        for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            when = ""
            if only:
                rows = ("old", "new") if event == "UPDATE" else (row,)
                when = " WHEN " + " OR ".join(f"{r}.{only}" for r in rows)
            body = _marks(f"{row}.{column}")
            if event == "UPDATE" and column != "id":  # a row moved to another incident
                body += _marks(f"old.{column}", f"old.{column} IS NOT new.{column}")
            script.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_marks"
                f" AFTER {event} ON {table}{when} BEGIN{body} END"
            )
    for statement in script:  # one by one: executescript would commit the upgrade's lock
        db.conn.execute(statement)


@_migration("011_timeline_pages")
def _timeline_pages(db: sqlite_utils.Database) -> None:
    """What a console reads a huge timeline by, a page at a time (store.timeline_pages):
    rows of a kind in timeline order (counts and pages under a filter, pins), and the
    row that corrects a row (whether a row is the current version of its entry)."""
    for statement in (
        "CREATE INDEX IF NOT EXISTS timeline_kinds ON timeline(incident_id, kind, at, id)",
        "CREATE INDEX IF NOT EXISTS timeline_corrections ON timeline(supersedes, incident_id)"
        " WHERE supersedes IS NOT NULL",
    ):  # one by one: executescript would commit the upgrade's lock
        db.conn.execute(statement)


@_migration("015_clock_moves")
def _clock_moves(db: sqlite_utils.Database) -> None:
    """Index only the clock rows that can move a clock: an incident whose status went
    investigating -> fixing -> monitoring many times is not walked row by row (the
    1M-row bench incident: 545 ms -> 3 ms), and the wider index of 006 goes."""
    db.conn.execute(
        "CREATE INDEX IF NOT EXISTS timeline_clock_moves ON timeline(incident_id, at, id)"
        f" WHERE {CLOCK_MOVES}"
    )
    db.conn.execute("DROP INDEX IF EXISTS timeline_clock_rows")


@_migration("014_alerts")
def _alerts(db: sqlite_utils.Database) -> None:
    """Alerts from monitoring: one row per alert on an incident (its latest state, keyed
    by source and de-duplication key), and every signal received for it with the body
    exactly as it came. An incident's row in a list does not read these (its declaration
    and status moves do, through `incidents` and `timeline`), so they carry no marks."""
    db.executescript(
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            group_key TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            title TEXT NOT NULL,
            severity_hint TEXT NOT NULL DEFAULT '',
            labels TEXT NOT NULL DEFAULT '{}',
            links TEXT NOT NULL DEFAULT '[]',
            starts_at TEXT,
            starts_at_ns INTEGER,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE INDEX alerts_by_key ON alerts(source, key, id);
        CREATE INDEX alerts_by_incident ON alerts(incident_id, id);
        CREATE INDEX alerts_by_group ON alerts(source, group_key, id) WHERE group_key != '';
        CREATE TABLE alert_signals (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            received_at TEXT NOT NULL,
            status TEXT NOT NULL,
            event TEXT NOT NULL DEFAULT '',
            item TEXT NOT NULL DEFAULT '',
            payload TEXT NOT NULL
        );
        CREATE INDEX alert_signals_by_alert ON alert_signals(alert_id, id);
        """
    )


@_migration("016_outbox")
def _outbox(db: sqlite_utils.Database) -> None:
    """Pages to people (store/outbox_writes.py): `page_events`, each event that should
    reach someone, once (its key is UNIQUE, so a sweep run twice queues nothing twice);
    `outbox`, one message to one recipient through one channel, written in the same
    transaction as its cause and claimed by a deliverer with a lease. A channel is
    kept as written (`${NAME}` placeholders), never with its secrets filled in."""
    script = """
        CREATE TABLE page_events (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            key TEXT NOT NULL UNIQUE,
            event TEXT NOT NULL,
            at TEXT NOT NULL,
            pages INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX page_events_by_incident ON page_events(incident_id, event);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            event_id INTEGER NOT NULL REFERENCES page_events(id),
            idempotency_key TEXT NOT NULL UNIQUE,
            event TEXT NOT NULL,
            recipient TEXT NOT NULL,
            channel TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            hook_values TEXT NOT NULL DEFAULT '{}',
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT NOT NULL,
            lease_owner TEXT NOT NULL DEFAULT '',
            lease_until TEXT,
            last_attempt_at TEXT,
            last_error TEXT NOT NULL DEFAULT '',
            delivered_at TEXT
        );
        CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE state = 'pending';
        CREATE INDEX outbox_by_incident ON outbox(incident_id, id);
        CREATE INDEX outbox_failed ON outbox(incident_id) WHERE state = 'failed'
        """
    for statement in script.split(";"):  # one by one: executescript would commit the lock
        db.conn.execute(statement)


@_migration("017_engines")
def _engines(db: sqlite_utils.Database) -> None:
    """Engines (`warroom engine`) running on this file: one row each while it runs, its
    heartbeat moved every few seconds, the row removed when it stops cleanly. A
    console says from it whether ladders advance with no console open."""
    db.conn.execute(
        """
        CREATE TABLE IF NOT EXISTS engines (
            id INTEGER PRIMARY KEY,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            listen TEXT NOT NULL DEFAULT '',
            version TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL
        )
        """
    )


@_migration("018_timeline_roots")
def _timeline_roots(db: sqlite_utils.Database) -> None:
    """Each timeline row's `root`: the id of its entry's first version (its own id, or
    that of the row its correction chain starts from). A long timeline pages by
    `(at, root)` (store.timeline_pages) as the console folds it (domain.timeline_state),
    so a correction keeps its entry's place among entries of the same time; the two
    indexes are what the paging keyset walks (the one by kind replaces `timeline_kinds`).
    The unit of work sets `root` on every row it writes; a row written any other way
    (an import, an older tool) gets it from the trigger."""
    conn = db.conn
    conn.execute("ALTER TABLE timeline ADD COLUMN root INTEGER")
    conn.execute("UPDATE timeline SET root = id")
    roots: dict[int, int] = {}
    corrections = conn.execute(
        "SELECT id, supersedes FROM timeline WHERE supersedes IS NOT NULL ORDER BY id"
    ).fetchall()
    for row_id, supersedes in corrections:  # a correction comes after what it corrects
        roots[row_id] = roots.get(supersedes, supersedes)
    conn.executemany(
        "UPDATE timeline SET root = ? WHERE id = ?", [(r, i) for i, r in roots.items()]
    )
    for statement in (
        "CREATE INDEX IF NOT EXISTS timeline_order ON timeline(incident_id, at, root)",
        "CREATE INDEX IF NOT EXISTS timeline_kind_order ON timeline(incident_id, kind, at, root)",
        "DROP INDEX IF EXISTS timeline_kinds",
        "CREATE TRIGGER IF NOT EXISTS timeline_root AFTER INSERT ON timeline"
        " WHEN new.root IS NULL BEGIN UPDATE timeline SET root = coalesce("
        "(SELECT p.root FROM timeline p WHERE p.id = new.supersedes), new.id)"
        " WHERE id = new.id; END",
    ):  # one by one: executescript would commit the upgrade's lock
        conn.execute(statement)


@_migration("019_next_due")
def _next_due(db: sqlite_utils.Database) -> None:
    """`next_due`: each incident's next deadline as `warroom list` shows it, kept by
    the service (see store.next_due), filled here under the recorded policy."""
    from warroom.store import next_due

    next_due.create(db)


# -- 020: each incident's timeline counted as it is written --------------------------------


def _hour(row: str) -> str:
    """The hour a row's stored `at` falls in (its first 13 characters, `2026-01-01T09`): the
    counts' bucket. A prefix keeps the order: a key before the hour is before its start."""
    return f"substr({row}.at, 1, 13)"


# corrections `c` of the incident's rows of a kind and hour, in the same incident (what the
# paging count subtracts: store.timeline_pages); `{counted}`: the counts' row
_REPLACED = (
    "(SELECT count(*) FROM timeline c CROSS JOIN timeline t ON t.id = c.supersedes"
    " WHERE c.supersedes IS NOT NULL AND +c.incident_id = {counted}.incident_id"
    " AND t.incident_id = {counted}.incident_id AND t.kind = {counted}.kind"
    f" AND {_hour('t')} = {{counted}}.hour)"
)


def _counts_of(row: str) -> str:
    """The condition on `timeline_counts` for `row`'s incident, kind and hour."""
    return f"incident_id = {row}.incident_id AND kind = {row}.kind AND hour = {_hour(row)}"


def _count_row(row: str, written: str, replaced: str) -> str:
    """Trigger statements adding to the counts of `row`'s incident, kind and hour, their
    row made if missing. An UPDATE and an INSERT when it changed nothing (`changes()`
    in a trigger: its own last statement's), never a conflict clause (the outer
    statement's would override it: see `_marks`)."""
    return (
        f" UPDATE timeline_counts SET written = written + {written},"
        f" replaced = replaced + {replaced} WHERE {_counts_of(row)};"
        " INSERT INTO timeline_counts (incident_id, kind, hour, written, replaced)"
        f" SELECT {row}.incident_id, {row}.kind, {_hour(row)}, {written}, {replaced}"
        " WHERE changes() = 0;"
    )


def _target_replaced(row: str, step: str) -> str:
    """A trigger statement moving the `replaced` count of the row `row` corrects (if it
    is in the same incident) by `step`."""
    return (
        f" UPDATE timeline_counts SET replaced = replaced + {step}"
        f" WHERE (incident_id, kind, hour) = (SELECT t.incident_id, t.kind, {_hour('t')}"
        f" FROM timeline t WHERE t.id = {row}.supersedes AND t.incident_id = {row}.incident_id"
        f" AND t.id IS NOT {row}.id);"
    )


def _recount(incidents: str) -> str:
    """Statements counting `incidents`' timelines again (rows moved between incidents,
    kinds or hours, or their corrections redirected: nothing warroom does)."""
    return (
        f" DELETE FROM timeline_counts WHERE incident_id IN ({incidents});"
        " INSERT INTO timeline_counts (incident_id, kind, hour, written, replaced)"
        f" SELECT incident_id, kind, {_hour('timeline')}, count(*), 0 FROM timeline"
        f" WHERE incident_id IN ({incidents}) GROUP BY 1, 2, 3;"
        f" UPDATE timeline_counts SET replaced = {_REPLACED.format(counted='timeline_counts')}"
        f" WHERE incident_id IN ({incidents});"
    )


# every incident's timeline counted again (`warroom verify` names it when the counts kept
# differ from the rows: a writer that replaced rows without recursive triggers)
RECOUNT_ALL = _recount("SELECT id FROM incidents").strip()

# the counts the rows give, and the counts kept (`warroom verify` compares them)
COUNTED = (
    f"SELECT g.incident_id, g.kind, g.hour, g.n, {_REPLACED.format(counted='g')} FROM"
    f" (SELECT incident_id, kind, {_hour('timeline')} AS hour, count(*) AS n FROM timeline"
    " GROUP BY 1, 2, 3) g"
)
KEPT_COUNTS = (
    "SELECT incident_id, kind, hour, written, replaced FROM timeline_counts"
    " WHERE written != 0 OR replaced != 0"
)


@_migration("020_timeline_counts")
def _timeline_counts(db: sqlite_utils.Database) -> None:
    """`timeline_counts`: each incident's timeline rows counted by kind and hour, and how
    many of them a correction replaced, kept by triggers in the file (so every writer
    keeps it, whatever its version or door). A long timeline's total for its scrollbar
    is then a sum of a few rows, not a count of its million, and an entry's place a sum
    up to its hour and a count within it (store.timeline_pages)."""
    conn = db.conn
    corrects_new = "FROM timeline c WHERE c.supersedes = new.id AND c.incident_id = new.incident_id"
    own_corrections = (  # rows correcting this one, written before it (a hand-made file)
        f" UPDATE timeline_counts SET replaced = replaced + (SELECT count(*) {corrects_new})"
        f" WHERE {_counts_of('new')} AND EXISTS (SELECT 1 {corrects_new});"
    )
    gone_corrections = (  # rows that corrected the one deleted (and itself, if it did)
        "(SELECT count(*) FROM timeline c WHERE c.supersedes = old.id"
        " AND c.incident_id = old.incident_id) + (old.supersedes IS old.id)"
    )
    counted_by = ("id", "incident_id", "kind", "at", "supersedes")
    moved = " OR ".join(f"old.{c} IS NOT new.{c}" for c in counted_by)
    for statement in (
        "CREATE TABLE IF NOT EXISTS timeline_counts (incident_id INTEGER NOT NULL,"
        " kind TEXT NOT NULL, hour TEXT NOT NULL, written INTEGER NOT NULL,"
        " replaced INTEGER NOT NULL, PRIMARY KEY (incident_id, kind, hour)) WITHOUT ROWID",
        "DELETE FROM timeline_counts",
        "INSERT INTO timeline_counts (incident_id, kind, hour, written, replaced)"
        f" SELECT incident_id, kind, {_hour('timeline')}, count(*), 0 FROM timeline"
        " GROUP BY 1, 2, 3",
        "CREATE TRIGGER IF NOT EXISTS timeline_counts_insert AFTER INSERT ON timeline BEGIN"
        + _count_row("new", "1", "0")
        + _target_replaced("new", "1")
        + own_corrections
        + " END",
        "CREATE TRIGGER IF NOT EXISTS timeline_counts_delete AFTER DELETE ON timeline BEGIN"
        + _count_row("old", "-1", f"-({gone_corrections})")
        + _target_replaced("old", "-1")
        + " END",
        "CREATE TRIGGER IF NOT EXISTS timeline_counts_update"
        f" AFTER UPDATE OF {', '.join(counted_by)} ON timeline"
        f" WHEN {moved} BEGIN" + _recount("old.incident_id, new.incident_id") + " END",
    ):  # one by one: executescript would commit the upgrade's lock
        conn.execute(statement)
    # the corrections are few: counted by the kind and hour of the row each replaced
    replaced = conn.execute(
        f"SELECT t.incident_id, t.kind, {_hour('t')}, count(*) FROM timeline c"
        " CROSS JOIN timeline t ON t.id = c.supersedes"
        " WHERE c.supersedes IS NOT NULL AND +c.incident_id = t.incident_id"
        " GROUP BY 1, 2, 3"
    ).fetchall()
    conn.executemany(
        "UPDATE timeline_counts SET replaced = ? WHERE incident_id = ? AND kind = ? AND hour = ?",
        [(n, incident, kind, hour) for incident, kind, hour, n in replaced],
    )


# -- 021: the list's text kept beside each incident's next deadline -----------------------


@_migration("021_list_rows")
def _list_rows(db: sqlite_utils.Database) -> None:
    """`next_due` keeps each incident's text as `warroom list --json` prints it (the
    parts that do not move with the clock; see store.next_due), written by the next
    command for every incident."""
    from warroom.store import next_due

    next_due.add_listed(db)


SCHEMA_VERSION = len(_STEPS)


@cache
def _migrations() -> Migrations:
    """sqlite-utils' Migrations("warroom") over `_STEPS`: what `migrations` is."""
    from sqlite_utils.migrations import Migrations

    built = Migrations("warroom")
    for name, step in _STEPS:
        built(name=name)(step)
    return built


def __getattr__(name: str) -> Any:
    if name == "migrations":
        return _migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Database:
    """What `connect` returns: the connection as `conn` (all the store reads and
    writes with), and anything else asked of it answered by sqlite-utils'
    Database over that connection, built on first use (tests, import, demo)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._full: Any = None

    def _database(self) -> Any:
        if self._full is None or self._full.conn is not self.conn:
            import sqlite_utils

            # recursive_triggers is already on (`connect`); no plugin discovery
            self._full = sqlite_utils.Database(
                self.conn, execute_plugins=False, recursive_triggers=False
            )
        return self._full

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database(), name)

    def __getitem__(self, table: str) -> Any:
        return self._database()[table]


def _check_ours(conn: sqlite3.Connection, path: Path) -> bool:
    """True when the file is an initialised warroom database, False when empty.

    Raises DatabaseRefused for somebody else's database or a newer warroom's.
    """
    try:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.DatabaseError as exc:
        # SQLite reads the header and refuses before it writes anything. (The file is
        # never opened by hand: closing any descriptor of it would drop the locks this
        # process's other connections hold, and another process could then delete the WAL.)
        if "not a database" in str(exc) or "encrypted" in str(exc):
            refused = f"{path} is not a SQLite database; refusing to touch it"
            raise DatabaseRefused(refused) from None
        raise
    # Litestream adds these to a file it replicates, even to one warroom has not filled yet
    if not {name for name in tables if not name.startswith(REPLICATION_TABLES)}:
        return False
    if "warroom_meta" not in tables:
        raise DatabaseRefused(
            f"{path} is a SQLite database but not a warroom one "
            f"(it has tables: {', '.join(sorted(tables)[:5])}); refusing to touch it"
        )
    meta = dict(conn.execute("SELECT key, value FROM warroom_meta").fetchall())
    if meta.get("app") != APP_ID:
        raise DatabaseRefused(f"{path} is not a warroom database; refusing to touch it")
    version = int(meta.get("schema_version", "0"))
    if version > SCHEMA_VERSION:
        raise DatabaseRefused(
            f"{path} was written by a newer warroom (schema {version}; "
            f"this warroom knows up to {SCHEMA_VERSION}); upgrade warroom to open it"
        )
    return True


def connect(
    path: Path | str, *, create: bool = True, read_only: bool | None = None
) -> sqlite_utils.Database:
    """Open (and if needed create and migrate) the warroom database at `path`.

    `read_only` (default: as `set_access` said for this path) opens it for reading
    only; a file this process cannot write is opened that way too. The returned
    connection is in autocommit mode; write with `transaction()`. Each thread
    must open its own.
    """
    path = Path(path)
    access = access_for(path)
    explicit = access.read_only if read_only is None else read_only
    exists = path.exists() and path.stat().st_size > 0
    if path.exists() and path.is_dir():
        raise DatabaseRefused(f"{path} is a directory, not a warroom database")
    if not exists and not create:
        raise DatabaseRefused(
            f"{path} does not exist (declare an incident or open the console to create it)"
        )
    if not exists and explicit:
        raise DatabaseRefused(f"read-only: {path} does not exist, and --read-only creates nothing")
    if not exists:
        try:
            make_private_dir(path.parent, share_group=access.share_group)
            create_private_file(path, share_group=access.share_group)
        except OSError as exc:
            raise WriteFailed(f"cannot create {path}: {exc.strerror or exc}") from None
    blocked = cannot_write(path) if exists else None
    reason = "opened with --read-only" if explicit else blocked
    try:
        conn = open_connection(path, reason, could_write=blocked is None)
    except sqlite3.Error as exc:
        raise DatabaseRefused(f"cannot open {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            initialised = _check_ours(conn, path)
        except sqlite3.OperationalError as exc:
            if not (exists and reason is None and no_room(exc)):
                raise
            # too little room for the -shm: read the file as it is, and say so on writes
            conn.close()
            why = f"there is no room to write in {path.parent} ({exc})"
            conn = open_connection(path, why, could_write=False)
            reason = why
            initialised = _check_ours(conn, path)
        if (not initialised or _needs_migration(conn)) and reason is not None:
            raise DatabaseRefused(
                f"read-only: {path} needs upgrading by a warroom that can write it ({reason})"
            )
        if not initialised or _needs_migration(conn):
            _initialise(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils' Database sets it
        if replicated(path):
            conn.execute("PRAGMA wal_autocheckpoint = 0")  # Litestream checkpoints: see there
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseRefused(f"cannot use {path}: {exc}") from None
    except BaseException:
        conn.close()
        raise
    conn.reopen = lambda: connect(path, create=False, read_only=read_only)
    return cast("sqlite_utils.Database", _Database(conn))


def _needs_migration(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM warroom_meta WHERE key = 'schema_version'").fetchone()
    return row is None or int(row[0]) < SCHEMA_VERSION


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch a new file to WAL. SQLite answers `locked` at once, without the busy
    timeout, while another process switches the same fresh file: wait and look again."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _initialise(conn: sqlite3.Connection) -> None:
    """Create or upgrade the schema under one exclusive write lock.

    Two consoles opening a fresh file at once: the second waits for the lock,
    then finds nothing pending.
    """
    import sqlite_utils

    _use_wal(conn)
    # no plugin discovery: it scans installed packages on every open (~25 ms a process)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS warroom_meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT OR IGNORE INTO warroom_meta VALUES ('app', ?)", (APP_ID,))
        _migrations().apply(db)
        conn.execute(
            "INSERT OR REPLACE INTO warroom_meta VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken with BEGIN IMMEDIATE; rolled back on error.

    SQLite errors come out as WriteFailed with a reason a person can act on.
    """
    conn = db.conn
    if (why := getattr(conn, "read_only", None)) is not None:
        raise WriteFailed(f"read-only: {why}; nothing was saved")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise WriteFailed(_reason(exc)) from None
    try:
        yield db
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise WriteFailed(_reason(exc)) from None
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _reason(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return "the database is busy (another console holds the lock); nothing was saved"
    if "readonly" in text:
        return "the database is read-only; nothing was saved"
    if "full" in text:
        return "the disk is full; nothing was saved"
    return f"the database refused the write ({text}); nothing was saved"


def data_version(db: sqlite_utils.Database) -> int:
    """SQLite's change counter: moves when *another* connection commits.

    A snapshot (read-only, of a file nobody had open) cannot see commits: once
    the file moves on or a writer arrives, it is reopened in place and the
    counter moves, so a watcher that polls this follows the file all the same.
    """
    conn = db.conn
    if changed(conn) and isinstance(conn, WarroomConnection) and conn.reopen is not None:
        fresh = conn.reopen().conn
        assert isinstance(fresh, WarroomConnection)
        fresh.generation = conn.generation + 1
        db.conn = fresh
        conn.close()
    generation = getattr(db.conn, "generation", 0)
    return int(db.conn.execute("PRAGMA data_version").fetchone()[0]) + (generation << 32)


def mark_demo(db: sqlite_utils.Database) -> None:
    """Label a database as demo data, so `warroom demo` may replace it later."""
    with transaction(db):
        db.conn.execute("INSERT OR REPLACE INTO warroom_meta VALUES ('demo', '1')")


def is_demo(db: sqlite_utils.Database) -> bool:
    row = db.conn.execute("SELECT value FROM warroom_meta WHERE key = 'demo'").fetchone()
    return row is not None and row[0] == "1"


# -- for `warroom backup` and `warroom verify` (store.backup, store.verify) -----------------


def check_ours(conn: sqlite3.Connection, path: Path) -> bool:
    """`_check_ours` for a connection opened elsewhere: True when initialised,
    False when empty, DatabaseRefused for somebody else's file or a newer warroom's."""
    return _check_ours(conn, path)


def replicated(path: Path) -> bool:
    """Whether Litestream replicates this file: its folder `.NAME-litestream` is beside it.

    Litestream must be the only one to checkpoint a file it replicates. A console's
    automatic checkpoint can restart the WAL in the moment Litestream lets go of
    its read lock to checkpoint itself, and Litestream 0.5 can then ship pages that
    do not belong together: a replica that restores to a malformed file (seen with
    three consoles logging at full speed). So consoles on a replicated file leave
    checkpoints to Litestream (`min-checkpoint-page-count`, `checkpoint-interval`).
    """
    return path.with_name(f".{path.name}-litestream").is_dir()


def migration_names() -> list[str]:
    """The migrations this warroom knows, in the order they apply."""
    return [name for name, _ in _STEPS]
