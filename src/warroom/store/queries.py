"""Reads: rows from the store turned into domain records."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
import sqlite3
import sys
from _thread import _local as thread_local
from _thread import allocate_lock
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from warroom.domain.models import (
    INCIDENT_FIELDS,
    INCIDENT_TIME_AT,
    INCIDENT_TIMES,
    Engagement,
    Incident,
    RoleAssignment,
    TimelineEntry,
)
from warroom.domain.sla import IncidentHistory, SeverityChange
from warroom.domain.timefmt import EARLIEST, LATEST, stored_time, to_iso
from warroom.domain.update_clocks import PostedUpdates
from warroom.domain.vocabulary import LISTED_STATUSES, OPEN_STATUSES
from warroom.errors import NotFound, WarroomError
from warroom.store.clock_rows import CLOCK_MOVES

if TYPE_CHECKING:
    import sqlite_utils

_Record = TypeVar("_Record")

# -- stored times that cannot be used ------------------------------------------------
#
# A row written by hand, by an old version or by a bad import can hold a time
# that is not a time ('garbage') or lies where the clocks overflow (year 0999,
# 9999). Every row becomes a record through `_time` / `_required_time`: an
# optional time reads as unset, a row without its required time is left out,
# and either way the row is noted here, so one bad row never hides the rest and
# the CLI (stderr) and the console (a notification) can name it.

_unreadable: dict[tuple[str, str], str] = {}
# `_thread`'s lock and local are `threading`'s, without importing `threading` (a CLI's
# start-up)
_unreadable_lock = allocate_lock()
_noting = thread_local()  # `noted`: the lists this thread is collecting into


class UnreadableRow(WarroomError):
    """A record asked for by id whose stored time cannot be used."""


class _LeftOut(Exception):
    """A row without a usable required time (list reads leave it out)."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


def _note(row: str, column: str, value: object, outcome: str) -> str:
    shown = "NULL" if value is None else repr(value)
    line = f"{row} {column} {shown} ({outcome})"
    with _unreadable_lock:
        _unreadable[(row, column)] = line
    for collected in getattr(_noting, "lists", ()):
        collected.append(line)
    return line


@contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """One read transaction (unless the caller already holds one): every statement
    inside reads the file as it was at the first, whoever commits meanwhile."""
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


@contextmanager
def noted() -> Iterator[list[str]]:
    """The lines this thread notes (`_note`) inside the block, noted again or not."""
    collected: list[str] = []
    _noting.lists = (*getattr(_noting, "lists", ()), collected)
    try:
        yield collected
    finally:
        _noting.lists = tuple(c for c in _noting.lists if c is not collected)


def unreadable_times() -> list[str]:
    """One line per stored time found unusable since `forget_unreadable`, in the order
    found: `incident #3 declared_at '0999-01-01T00:00:00Z' (incident left out)`."""
    with _unreadable_lock:
        return list(_unreadable.values())


def forget_unreadable() -> None:
    """Start noting afresh (a CLI command, a console)."""
    with _unreadable_lock:
        _unreadable.clear()


# what `_clock_row` notes for a clock row whose data cannot be folded
_NOT_FOLDED = "left out of its clocks"


def unreadable_warning(lines: list[str]) -> str:
    """What to tell a person about `lines` (from `unreadable_times`), in one line."""
    folded = [line for line in lines if line.endswith(f"({_NOT_FOLDED})")]
    times = [line for line in lines if line not in folded]
    said = []
    if times:
        rows = "row has a stored time" if len(times) == 1 else "rows have stored times"
        said.append(
            f"{len(times)} {rows} that cannot be used (not a time, or outside "
            f"{EARLIEST:%Y}-{LATEST:%Y}): " + "; ".join(times)
        )
    if folded:
        rows = "row's data is" if len(folded) == 1 else "rows' data are"
        said.append(f"{len(folded)} timeline {rows} not what warroom writes: " + "; ".join(folded))
    return "; ".join(said)


def _time(value: object, row: str, column: str) -> dt.datetime | None:
    """An optional stored time; unusable: noted and read as not set."""
    if value is None or value == "":
        return None
    try:
        return stored_time(str(value))
    except ValueError:
        _note(row, column, value, "read as not set")
        return None


def _required_time(value: object, row: str, column: str, what: str) -> dt.datetime:
    """A stored time the row cannot do without; unusable: noted, and `_LeftOut`."""
    try:
        if value is None:
            raise ValueError("no time")
        return stored_time(str(value))
    except ValueError:
        raise _LeftOut(_note(row, column, value, f"{what} left out")) from None


def _readable(convert: Callable[[Any], _Record], rows: Iterable[Any]) -> list[_Record]:
    """`convert` of each row, leaving out (noted) the rows it cannot read."""
    found = []
    for row in rows:
        try:
            found.append(convert(row))
        except _LeftOut:
            continue
    return found


def _one(convert: Callable[[Any], _Record], row: Any) -> _Record:
    """`convert` of a row asked for by id; unreadable: one line that names it."""
    try:
        return convert(row)
    except _LeftOut as exc:
        raise UnreadableRow(f"cannot read {exc.line}") from None


# incident columns with few distinct values across incidents: one shared string each
_SHARED_COLUMNS = ("severity", "status", "kind", "commander", "postmortem_owner")


def _incident(row: sqlite3.Row | dict[str, Any]) -> Incident:
    values = dict(row)
    name = f"incident #{values['id']}"
    for key in INCIDENT_TIMES:
        if key != "declared_at" and values[key] is not None:  # None stays None
            values[key] = _time(values[key], name, key)
    values["declared_at"] = _required_time(row["declared_at"], name, "declared_at", "incident")
    values["drill"] = bool(values["drill"])
    for key in _SHARED_COLUMNS:
        values[key] = shared(values[key])
    return Incident(**values)


def incident_of(values: dict[str, Any]) -> Incident | None:
    """An incident row (column -> stored value) as `incidents` reads it: None when it
    is left out (noted, as every list leaves it out)."""
    try:
        return _incident(values)
    except _LeftOut:
        return None


# an incident row's columns in the record's field order, so a row becomes a record
# without a dict on the way (10,000 incidents: ~12 MB of dicts at start-up)
_INCIDENT_COLUMNS = ", ".join(INCIDENT_FIELDS)
_SHARED_AT = tuple(n for n, name in enumerate(INCIDENT_FIELDS) if name in _SHARED_COLUMNS)
_DRILL_AT = INCIDENT_FIELDS.index("drill")
# a row becomes its record through one function written for `Incident`'s fields
# (`_row_reader`), as `dataclasses` writes `__init__`: each field's slot set directly,
# the times parsed, the shared texts interned, in straight lines (10,000 incidents: the
# first read's 6,021 records ~300 -> ~150 M instructions beside ~200 M of SQLite's rows;
# `Incident(*values)` sets each field of the frozen record through `object.__setattr__`,
# by name); only for a record with no `__post_init__` whose fields are all slots (else
# `Incident(...)` itself)
_SLOTS_BUILD = (
    not hasattr(Incident, "__post_init__")
    and tuple(getattr(Incident, "__slots__", ())) == INCIDENT_FIELDS
)


@functools.cache
def _row_reader() -> Callable[[tuple[Any, ...]], Incident]:
    """The function that reads one `SELECT {_INCIDENT_COLUMNS}` row as `Incident(...)`
    of its values would (ValueError or TypeError: a time not in the stored form)."""
    names: dict[str, Any] = {"stored_time": stored_time, "intern": sys.intern}
    values = []
    for n in range(len(INCIDENT_FIELDS)):
        value = f"row[{n}]"
        if n in INCIDENT_TIME_AT:
            value = f"(None if {value} is None else stored_time({value}))"
        elif n in _SHARED_AT:
            value = f"(intern({value}) if type({value}) is str else {value})"
        elif n == _DRILL_AT:
            value = f"bool({value})"
        values.append(value)
    return _record_reader(Incident, INCIDENT_FIELDS, values, names, slots=_SLOTS_BUILD)


def _record_reader(
    record: type[_Record],
    fields: tuple[str, ...],
    values: list[str],
    names: dict[str, Any],
    *,
    slots: bool,
) -> Callable[[tuple[Any, ...]], _Record]:
    """One function, written out and compiled, that makes a `record` of a row: each of
    its `fields` is the expression of `values` in the same place (`names` the names they
    use). `slots`: each slot set directly, else `record(...)` itself."""
    names = {**names, "Record": record, "new": object.__new__}
    if slots:
        lines = ["    made = new(Record)"]
        for n, name in enumerate(fields):
            names[f"set_{name}"] = getattr(record, name).__set__
            lines.append(f"    set_{name}(made, {values[n]})")
        lines.append("    return made")
    else:
        lines = [f"    return Record({', '.join(values)})"]
    exec("def read(row):\n" + "\n".join(lines), names)  # our own text, from the fields
    reader: Callable[[tuple[Any, ...]], _Record] = names["read"]
    return reader


def shared(value: Any) -> Any:
    """A text value many records repeat (a status, a timer's name, a person), as one
    string object for all of them (`sys.intern`: freed once no record holds it)."""
    return sys.intern(value) if type(value) is str else value


def _incident_rows(
    db: sqlite_utils.Database, condition: str, params: tuple[Any, ...] = ()
) -> list[Incident]:
    """The readable incidents `SELECT ... FROM incidents {condition}` finds, as
    `_readable(_incident, ...)` reads them (a row with a time that is not the stored
    form is read by `_incident` itself, which notes or leaves it out)."""
    found: list[Incident] = []
    read = _row_reader()
    for row in db.conn.execute(f"SELECT {_INCIDENT_COLUMNS} FROM incidents {condition}", params):
        try:
            found.append(read(row))
        except (ValueError, TypeError):
            found.extend(_readable(_incident, [dict(zip(INCIDENT_FIELDS, row, strict=True))]))
    return found


def _rows(
    db: sqlite_utils.Database, sql: str, params: tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def incident(db: sqlite_utils.Database, incident_id: int) -> Incident:
    """One incident, or NotFound naming the id."""
    rows = _rows(db, "SELECT * FROM incidents WHERE id = ?", (incident_id,))
    if not rows:
        raise NotFound(f"no incident #{incident_id}")
    return _one(_incident, rows[0])


def incidents(db: sqlite_utils.Database, *, include_ended: bool = False) -> list[Incident]:
    """Incidents in id order; live and resolved ones only (`LISTED_STATUSES`) unless
    `include_ended`."""
    if include_ended:
        return _incident_rows(db, "ORDER BY id")
    marks = ",".join("?" * len(LISTED_STATUSES))
    return _incident_rows(
        db, f"WHERE status IN ({marks}) ORDER BY id", tuple(sorted(LISTED_STATUSES))
    )


def incident_batch(
    db: sqlite_utils.Database, after_id: int, limit: int, *, ended: bool
) -> tuple[list[Incident], int | None]:
    """Up to `limit` incidents with ids above `after_id`, in id order, and the last id
    read (None: none left), so a reader can take them a few hundred at a time: the
    closed and cancelled ones with `ended` (every status but `LISTED_STATUSES`), else
    the live and resolved ones."""
    marks = ",".join("?" * len(LISTED_STATUSES))
    among = f"status NOT IN ({marks})" if ended else f"status IN ({marks})"
    ids = [
        int(r[0])
        for r in db.conn.execute(
            f"SELECT id FROM incidents WHERE id > ? AND {among} ORDER BY id LIMIT ?",
            (after_id, *sorted(LISTED_STATUSES), limit),
        )
    ]
    if not ids:
        return [], None
    found = _incident_rows(
        db,
        f"WHERE id BETWEEN ? AND ? AND {among} ORDER BY id",
        (ids[0], ids[-1], *sorted(LISTED_STATUSES)),
    )
    return found, ids[-1]


# the stored form of a time (`timefmt.to_iso`), which sorts as text as it does as time
_STORED_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"
# ... within the range warroom keeps (`timefmt.stored_time` reads no other)
_STORED_RANGE = (to_iso(EARLIEST), to_iso(LATEST))


def listed_counts(db: sqlite_utils.Database) -> tuple[int, int, bool]:
    """How many incidents are live and how many resolved, and whether every one of them
    was declared at a time in the stored form and in range (then SQLite's order of the
    text is the order of the times: see `first_listed`). One pass over the listed rows.
    (A day that does not exist, 2026-02-30, is counted here and left out by the list.)"""
    marks = ",".join("?" * len(LISTED_STATUSES))
    live, resolved, odd = db.conn.execute(
        "SELECT count(*) - coalesce(sum(status = 'resolved'), 0),"
        " coalesce(sum(status = 'resolved'), 0),"
        " coalesce(sum(NOT (typeof(declared_at) = 'text' AND declared_at GLOB ?"
        " AND declared_at >= ? AND declared_at < ?)), 0)"
        f" FROM incidents WHERE status IN ({marks})",
        (_STORED_GLOB, *_STORED_RANGE, *sorted(LISTED_STATUSES)),
    ).fetchone()
    return int(live), int(resolved), not odd


def first_listed(
    db: sqlite_utils.Database, ranks: Mapping[str, int], unknown: int, limit: int
) -> list[Incident]:
    """The first `limit` live and resolved incidents in the list's order, sorted by
    SQLite: live before resolved, then by severity (`ranks`, any other name `unknown`),
    declared first, id. The same order as `read_model.list_order` only when every
    declared time is in the stored form (`listed_counts` says so)."""
    marks = ",".join("?" * len(LISTED_STATUSES))
    rank = " ".join("WHEN ? THEN ?" for _ in ranks)
    order = f"CASE severity {rank} ELSE ? END" if ranks else "?"
    return _incident_rows(
        db,
        f"WHERE status IN ({marks}) ORDER BY status = 'resolved', {order}, declared_at, id LIMIT ?",
        (
            *sorted(LISTED_STATUSES),
            *itertools.chain.from_iterable(ranks.items()),
            unknown,
            limit,
        ),
    )


def incidents_by_id(
    db: sqlite_utils.Database, incident_ids: Iterable[int], *, include_ended: bool = False
) -> list[Incident]:
    """The readable ones of these incidents (live and resolved ones only unless
    `include_ended`)."""
    found: list[Incident] = []
    for chunk in _chunks(sorted(incident_ids)):
        marks = ",".join("?" * len(chunk))
        found.extend(
            i
            for i in _incident_rows(db, f"WHERE id IN ({marks})", tuple(chunk))
            if include_ended or i.status in LISTED_STATUSES
        )
    return found


def _entry(row: dict[str, Any]) -> TimelineEntry:
    try:
        at, logged_at = stored_time(row["at"]), stored_time(row["logged_at"])
    except (ValueError, TypeError):  # named only when bad: a timeline can be 100,000 rows
        name = f"timeline entry #{row['id']} of incident #{row['incident_id']}"
        at = _required_time(row["at"], name, "at", "entry")
        logged_at = _required_time(row["logged_at"], name, "logged_at", "entry")
    return TimelineEntry(
        id=row["id"],
        incident_id=row["incident_id"],
        at=at,
        logged_at=logged_at,
        author=row["author"],
        os_user=row["os_user"],
        kind=row["kind"],
        text=row["text"],
        data=json.loads(row["data"]) if row["data"] not in ("{}", "", None) else {},
        supersedes=row["supersedes"],
    )


ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(TimelineEntry))
# a timeline row's columns in the record's field order: a row becomes its record as an
# incident row does (`_row_reader`): each slot set directly, no dict on the way (a busy
# incident's 1,600 rows, read whole for a key: ~29 -> ~20 ms on a slow host)
_ENTRY_COLUMNS = ", ".join(ENTRY_FIELDS)
_ENTRY_SLOTS_BUILD = (
    not hasattr(TimelineEntry, "__post_init__")
    and tuple(getattr(TimelineEntry, "__slots__", ())) == ENTRY_FIELDS
)
# entry columns with few distinct values across a timeline: one shared string each
_ENTRY_SHARED = ("author", "os_user", "kind")


@functools.cache
def _entry_reader() -> Callable[[tuple[Any, ...]], TimelineEntry]:
    """The function that reads one `SELECT {_ENTRY_COLUMNS}` row as `_entry` reads its
    dict (ValueError or TypeError: a time not in the stored form)."""
    names: dict[str, Any] = {"stored_time": stored_time, "intern": sys.intern, "loads": json.loads}
    values = []
    for n, name in enumerate(ENTRY_FIELDS):
        value = f"row[{n}]"
        if name in ("at", "logged_at"):
            value = f"stored_time({value})"
        elif name in _ENTRY_SHARED:
            value = f"(intern({value}) if type({value}) is str else {value})"
        elif name == "data":
            value = f'(loads({value}) if {value} not in ("{{}}", "", None) else {{}})'
        values.append(value)
    return _record_reader(TimelineEntry, ENTRY_FIELDS, values, names, slots=_ENTRY_SLOTS_BUILD)


def _entry_rows(
    db: sqlite_utils.Database, condition: str, params: tuple[Any, ...] = ()
) -> list[TimelineEntry]:
    """The readable entries `SELECT ... FROM timeline {condition}` finds, as
    `_readable(_entry, ...)` reads them (a row with a time that is not the stored form
    is read by `_entry` itself, which notes or leaves it out)."""
    found: list[TimelineEntry] = []
    read = _entry_reader()
    rows = db.conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM timeline {condition}", params)
    for row in rows.fetchall():
        try:
            found.append(read(row))
        except (ValueError, TypeError):
            found.extend(_readable(_entry, [dict(zip(ENTRY_FIELDS, row, strict=True))]))
    return found


def timeline(db: sqlite_utils.Database, incident_id: int) -> list[TimelineEntry]:
    """An incident's timeline, oldest first, ordered by when things happened."""
    return _entry_rows(db, "WHERE incident_id = ? ORDER BY at, id", (incident_id,))


def timeline_rows(db: sqlite_utils.Database, ids: Iterable[int]) -> list[TimelineEntry]:
    """Timeline rows by id, in timeline order (rows that cannot be read left out, noted)."""
    return _entry_rows(
        db,
        "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY at, id",
        (json.dumps(sorted(set(ids))),),
    )


def timeline_count(db: sqlite_utils.Database, incident_id: int) -> int:
    return int(
        db.conn.execute(
            "SELECT count(*) FROM timeline WHERE incident_id = ?", (incident_id,)
        ).fetchone()[0]
    )


def roles(db: sqlite_utils.Database, incident_id: int) -> list[RoleAssignment]:
    """Who holds each role now (history is kept with ended_at set)."""
    rows = _rows(
        db,
        "SELECT * FROM roles WHERE incident_id = ? AND ended_at IS NULL ORDER BY id",
        (incident_id,),
    )
    return _readable(
        lambda r: RoleAssignment(
            incident_id=r["incident_id"],
            role=r["role"],
            person=r["person"],
            assigned_at=_required_time(
                r["assigned_at"],
                f"role #{r['id']} of incident #{incident_id}",
                "assigned_at",
                "role",
            ),
            assigned_by=r["assigned_by"],
        ),
        rows,
    )


def newest_row(db: sqlite_utils.Database) -> int:
    """The id of the file's newest timeline row (0: none). Rows are never deleted, and
    each commit's ids are greater than every id before it: a read that sees this row
    sees every row up to it."""
    return int(db.conn.execute("SELECT coalesce(max(id), 0) FROM timeline").fetchone()[0])


def timeline_since(
    db: sqlite_utils.Database, incident_id: int, after_id: int = 0
) -> list[TimelineEntry]:
    """Entries written after row `after_id` (the timeline is append-only).

    After the first read only a few rows are new: `+incident_id` makes SQLite
    walk the rowid range from `after_id` instead of the incident's whole index.
    """
    column = "+incident_id" if after_id else "incident_id"
    return _entry_rows(
        db, f"WHERE {column} = ? AND id > ? ORDER BY at, id", (incident_id, after_id)
    )


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


# an incident's clock rows, as `_history` folds them: sorted like the timeline (by
# the stored `at` text, then id)
_ClockRow = tuple[str, int, str, dt.datetime, dict[str, Any]]  # at text, id, kind, at, data

_CLOCK_ROW_COLUMNS = "SELECT id, incident_id, kind, at, data FROM timeline"


def _clock_row(
    entry_id: int, incident_id: int, kind: str, at_text: Any, data_text: Any
) -> _ClockRow | None:
    """A `severity`/`status` row as `_history` folds it; None (noted) for an unusable time."""
    name = f"timeline entry #{entry_id} of incident #{incident_id}"
    try:
        at = _required_time(at_text, name, "at", "entry")
    except _LeftOut:
        return None
    try:
        data = json.loads(data_text or "{}")
    except ValueError:
        data = None
    if not _foldable(kind, data):  # not what warroom writes (an older import took it)
        _note(name, "data", data_text, _NOT_FOLDED)
        return None
    return (str(at_text), entry_id, kind, at, data)


def _foldable(kind: str, data: object) -> bool:
    """Whether `_history` can fold a clock row's data: an object whose `from`/`to` are
    texts when there (a severity change has both)."""
    if not isinstance(data, dict):
        return False
    ends = [data[k] for k in ("from", "to") if k in data]
    if not all(isinstance(end, str) for end in ends):
        return False
    return kind != "severity" or "from" not in data or "to" in data


def _moves(rows: list[_ClockRow]) -> Iterable[tuple[str, dt.datetime, dict[str, Any]]]:
    return ((kind, at, data) for _, _, kind, at, data in rows)


def _clock_rows(
    db: sqlite_utils.Database, incident_ids: list[int], up_to: int | None = None
) -> dict[int, list[_ClockRow]]:
    """Each incident's clock rows (ids up to `up_to` when given), in timeline order."""
    found: dict[int, list[_ClockRow]] = {i: [] for i in incident_ids}
    bound = "" if up_to is None else " AND id <= ?"
    for chunk in _chunks(incident_ids):
        marks = ",".join("?" * len(chunk))
        params = [*chunk] if up_to is None else [*chunk, up_to]
        for entry_id, incident_id, kind, at_text, data_text in db.conn.execute(
            f"{_CLOCK_ROW_COLUMNS} WHERE incident_id IN ({marks}) AND {CLOCK_MOVES}{bound}"
            " ORDER BY incident_id, at, id",
            params,
        ):
            row = _clock_row(entry_id, incident_id, kind, at_text, data_text)
            if row is not None:
                found[incident_id].append(row)
    return found


_Updates = tuple[dt.datetime | None, PostedUpdates]  # (first external, last by audience)


def _first_updates(db: sqlite_utils.Database, incident_ids: list[int]) -> dict[int, _Updates]:
    """Each incident's first external update and last update by audience, counting only
    updates posted while it was open (one posted after the resolution meets no clock).
    Only usable times count (a stored year 0999 would sort first as text)."""
    found: dict[int, dict[str, tuple[dt.datetime | None, dt.datetime | None]]] = {}
    for chunk in _chunks(incident_ids):
        marks = ",".join("?" * len(chunk))
        for incident_id, audience, first, last in db.conn.execute(
            "SELECT u.incident_id, u.audience, min(u.posted_at), max(u.posted_at)"
            " FROM updates u JOIN incidents i ON i.id = u.incident_id"
            f" WHERE u.incident_id IN ({marks}) AND u.posted_at >= ? AND u.posted_at < ?"
            " AND (i.resolved_at IS NULL OR u.posted_at <= i.resolved_at)"
            " GROUP BY u.incident_id, u.audience",
            (*chunk, f"{EARLIEST:%Y-%m-%d}", f"{LATEST:%Y-%m-%d}"),
        ):
            name = f"update of incident #{incident_id}"
            found.setdefault(incident_id, {})[audience] = (
                _time(first, name, "posted_at"),
                _time(last, name, "posted_at"),
            )
    result: dict[int, _Updates] = {}
    for incident_id, by_audience in found.items():
        internal = by_audience.get("internal", (None, None))
        external = by_audience.get("external", (None, None))
        result[incident_id] = (external[0], PostedUpdates(internal[1], external[1]))
    return result


_NO_UPDATES: _Updates = (None, PostedUpdates())


def histories(db: sqlite_utils.Database, incident_ids: list[int]) -> dict[int, IncidentHistory]:
    """What the timers need beyond the incident row, derived from the timeline.

    Severity changes come from `severity` rows; each reopen (a move out of
    `resolved` back to an open status) pairs with the resolution it undid.
    Two queries per 500 incidents; `ClockHistories` keeps them between reads.
    """
    rows = _clock_rows(db, incident_ids)
    first_updates = _first_updates(db, incident_ids)
    return {i: _history(_moves(rows[i]), first_updates.get(i, _NO_UPDATES)) for i in incident_ids}


def change_mark(db: sqlite_utils.Database) -> int:
    """The number of the latest change to what an incident list shows (migration
    010's `incident_changes`, kept by triggers in the file)."""
    row = db.conn.execute("SELECT coalesce(max(seq), 0) FROM incident_changes").fetchone()
    return int(row[0])


def changed_at(db: sqlite_utils.Database, incident_id: int) -> int:
    """The number of the incident's latest change to what a list shows (0: none)."""
    row = db.conn.execute(
        "SELECT seq FROM incident_changes WHERE incident_id = ?", (incident_id,)
    ).fetchone()
    return int(row[0]) if row else 0


def changed_since(db: sqlite_utils.Database, mark: int) -> set[int]:
    """Incidents whose list row, clock inputs or recorded breaches changed after `mark`
    (deleted incidents too)."""
    return {
        int(r[0])
        for r in db.conn.execute("SELECT incident_id FROM incident_changes WHERE seq > ?", (mark,))
    }


class ClockHistories:
    """`histories` kept between reads by one reader (the console's watcher).

    After the first read, only incidents the file marks as changed since the last
    read (`changed_since`: a clock row, an update, a role) are read again, whole;
    the others' histories are the same objects as before. A change number lower
    than the last seen (a file replaced, or restored from a copy) starts afresh.
    """

    def __init__(self) -> None:
        self._forget()

    def _forget(self) -> None:
        self._built: dict[int, IncidentHistory] = {}
        self._mark = -1

    def histories(
        self, db: sqlite_utils.Database, incident_ids: list[int]
    ) -> dict[int, IncidentHistory]:
        """Like `histories(db, incident_ids)`; an unchanged incident's is the same object."""
        mark = change_mark(db)  # read before the rows: a change meanwhile is read again
        if mark < self._mark:
            self._forget()
        if self._mark >= 0 and mark > self._mark:
            for incident_id in changed_since(db, self._mark):
                self._built.pop(incident_id, None)
        self._mark = mark
        missing = [i for i in incident_ids if i not in self._built]
        if missing:
            self._built.update(histories(db, missing))
        return {i: self._built[i] for i in incident_ids}


def _history(
    rows: Iterable[tuple[str, dt.datetime, dict[str, Any]]], updates: _Updates
) -> IncidentHistory:
    """From an incident's `severity` and `status` rows (kind, at, data), in timeline order."""
    changes: list[SeverityChange] = []
    spells: list[tuple[dt.datetime, dt.datetime]] = []
    resolved_at: dt.datetime | None = None
    for kind, at, data in rows:
        if kind == "severity" and "from" in data:
            changes.append(SeverityChange(at, data["from"], data["to"]))
        elif kind == "status" and data.get("to") == "resolved":
            resolved_at = at
        elif kind == "status" and data.get("from") == "resolved" and resolved_at is not None:
            if data.get("to") in OPEN_STATUSES:
                spells.append((resolved_at, at))
            resolved_at = None
    return IncidentHistory(
        severity_changes=tuple(changes),
        first_update_at=updates[0],
        reopened=tuple(spells),
        updates=updates[1],
    )


def history(db: sqlite_utils.Database, incident_id: int) -> IncidentHistory:
    """One incident's history (see `histories`)."""
    return histories(db, [incident_id])[incident_id]


def role_holders(db: sqlite_utils.Database, incident_id: int) -> dict[str, tuple[str, ...]]:
    """Role key -> people holding it (in the order assigned), for naming an
    incident's own people on the ladder."""
    return holders_of(roles(db, incident_id))


def holders_of(assignments: Iterable[RoleAssignment]) -> dict[str, tuple[str, ...]]:
    """Role key -> people, from current role assignments in the order assigned."""
    found: dict[str, tuple[str, ...]] = {}
    for role in assignments:
        found[role.role] = (*found.get(role.role, ()), role.person)
    return found


def _engagement(row: dict[str, Any], incident: str) -> Engagement:
    """An `escalations` row; `incident` names it (`#12`) if its time cannot be used."""
    value = row["engaged_at"]
    try:  # the usual stored time, without building the line that would name a bad one
        engaged_at = stored_time(str(value)) if value is not None else None
    except ValueError:
        engaged_at = None
    if engaged_at is None:
        engaged_at = _required_time(
            value,
            f"escalation to level {row['level']} of incident {incident}",
            "engaged_at",
            "escalation",
        )
    return Engagement(
        row["level"],
        row["who"],
        row["person"],
        row["notify"],
        engaged_at,
        row["how"],
        row["by"],
        row.get("severity") or "",
    )


def engagements(db: sqlite_utils.Database, incident_id: int) -> list[Engagement]:
    """The calls the incident's ladders have made (vacant ones too), in the order made."""
    return engagements_of(db, [incident_id])[incident_id]


def engagements_of(
    db: sqlite_utils.Database, incident_ids: list[int]
) -> dict[int, list[Engagement]]:
    """Each incident's calls in the order made: one query per 500 incidents, read in
    the order of the index on (incident, time), so SQLite sorts nothing."""
    found: dict[int, list[Engagement]] = {i: [] for i in incident_ids}
    for chunk in _chunks(incident_ids):
        marks = ",".join("?" * len(chunk))
        cursor = db.conn.execute(
            f"SELECT * FROM escalations WHERE incident_id IN ({marks})"
            " ORDER BY incident_id, engaged_at, id",
            tuple(chunk),
        )
        names = [d[0] for d in cursor.description]
        column = {name: n for n, name in enumerate(names)}
        level, who, person, notify = (column[c] for c in ("level", "who", "person", "notify"))
        incident, at, how, by = (column[c] for c in ("incident_id", "engaged_at", "how", "by"))
        severity = column.get("severity")
        for values in cursor:
            try:  # the usual row, straight from its columns
                engaged_at = stored_time(values[at])
            except (ValueError, TypeError):  # noted and left out, or read, as `_engagement` does
                try:
                    engaged = _engagement(
                        dict(zip(names, values, strict=True)), f"#{values[incident]}"
                    )
                except _LeftOut:
                    continue
            else:
                engaged = Engagement(
                    values[level],
                    shared(values[who]),
                    shared(values[person]),
                    shared(values[notify]),
                    engaged_at,
                    shared(values[how]),
                    shared(values[by]),
                    shared((values[severity] if severity is not None else None) or ""),
                )
            found[values[incident]].append(engaged)
    return found


def clock_state(
    db: sqlite_utils.Database, incident_ids: list[int], kept: ClockHistories | None = None
) -> dict[int, tuple[IncidentHistory, dict[str, tuple[str, ...]], tuple[Engagement, ...]]]:
    """History, role holders and ladder calls for each incident, for computing its
    timers (the histories from `kept` when given, reading only what is new)."""
    holders: dict[int, dict[str, tuple[str, ...]]] = {i: {} for i in incident_ids}
    groups: dict[tuple[str, ...], tuple[str, ...]] = {}
    for chunk in _chunks(incident_ids):
        marks = ",".join("?" * len(chunk))
        for incident_id, role, person in db.conn.execute(
            f"SELECT incident_id, role, person FROM roles WHERE incident_id IN ({marks})"
            " AND ended_at IS NULL ORDER BY id",
            chunk,
        ):
            held = holders[incident_id]
            role = shared(role)
            people = (*held.get(role, ()), shared(person))
            # the same people hold roles on many incidents: one tuple for each group
            held[role] = groups.setdefault(people, people)
    found = histories(db, incident_ids) if kept is None else kept.histories(db, incident_ids)
    calls = engagements_of(db, incident_ids)
    return {i: (found[i], holders[i], tuple(calls[i])) for i in incident_ids}


def recorded_breaches(
    db: sqlite_utils.Database, incident_ids: list[int]
) -> frozenset[tuple[int, str, str]]:
    """(incident, timer, deadline) of each breach already in the record: one query per
    500 incidents (SQLite's limit on bound values)."""
    found: set[tuple[int, str, str]] = set()
    for start in range(0, len(incident_ids), 500):
        chunk = incident_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        # the caller's own id objects (the incidents'), not one more int per breach
        ids = {i: i for i in chunk}
        found.update(
            (ids.get(n := int(r[0]), n), shared(str(r[1])), str(r[2]))
            for r in db.conn.execute(
                "SELECT incident_id, timer, deadline FROM sla_breaches"
                f" WHERE incident_id IN ({marks})",
                chunk,
            )
        )
    return frozenset(found)
