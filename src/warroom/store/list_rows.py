"""`warroom list` read in one query: each incident's columns as stored, and its next
deadline as the service keeps it (store.next_due), for thousands of incidents at once.

A scripted `warroom list --json` on a file of 10,000 incidents spent most of its time
making records and working out clocks it then printed as text again. Here a row whose
stored times are all in the stored form (`to_iso`'s) keeps its columns as read, its
times as text, exactly what the JSON prints; any other row is read as `queries` reads
every incident (noted, read as unset or left out), so both print what the records would.
The deadlines kept by the service are used while they hold (same change number, same
rules, a moment they hold at); the other incidents' clocks are worked out as before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from warroom.domain import list_json, next_due, sla
from warroom.domain.next_due import Reading
from warroom.domain.policy import Policy
from warroom.domain.timefmt import EARLIEST, LATEST, to_iso
from warroom.domain.vocabulary import LISTED_STATUSES, OPEN_STATUSES
from warroom.store import next_due as kept_next_due
from warroom.store import queries

if TYPE_CHECKING:
    import sqlite_utils

FIELDS = list_json.FIELDS  # a listed incident's columns: the incident record's fields
TIMES = list_json.TIMES  # in the order `cli.json_shapes.incident_json` prints them
_TIME_AT = tuple(FIELDS.index(name) for name in TIMES)
_ID, _TITLE, _SEVERITY, _STATUS, _COMMANDER = (
    FIELDS.index(name) for name in ("id", "title", "severity", "status", "commander")
)
_DECLARED = FIELDS.index("declared_at")
_POSTMORTEM = FIELDS.index("postmortem_done_at")
_ENDS = (FIELDS.index("resolved_at"), FIELDS.index("closed_at"))  # where an age stops
_KEPT = ("holds_from", "name", "deadline", "severity", "target_us", "audience")
_JOINS = (
    " FROM incidents i LEFT JOIN next_due n ON n.incident_id = i.id AND n.rules = ?"
    " LEFT JOIN incident_changes c ON c.incident_id = i.id"
)
_VALID = "n.seq IS NOT NULL AND n.seq = coalesce(c.seq, 0)"  # the kept row is this change's
_SELECT = (
    "SELECT "
    + ", ".join(f"i.{c}" for c in FIELDS)
    + f", {_VALID}, "
    + ", ".join(f"n.{c}" for c in _KEPT)
    + _JOINS
)
# `--json`: the kept text (and what orders and dates it) in place of the columns
_SELECT_TEXT = (
    f"SELECT i.id, i.status, i.severity, i.declared_at, {_VALID} AND n.listed_head IS NOT NULL,"
    + ", ".join(f"n.{c}" for c in (*kept_next_due.LISTED, *_KEPT))
    + _JOINS
)
_EARLIEST, _LATEST = to_iso(EARLIEST), to_iso(LATEST)
# the stored form's shape (ASCII digits only); the date itself is checked by reading it
_STORED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z").fullmatch


class ListedIncident(NamedTuple):
    """An incident as the list shows it, with its most urgent running timer at the
    moment read (without who the next rung calls: the list does not show it): read as
    its columns (`FIELDS`, as stored: `drill` true or false as a number may be; times
    as the JSON prints them: `to_iso`, None when unset), or for `--json` as its kept
    text (`domain.list_json.parts`)."""

    id: int
    status: str
    severity: str
    declared_at: dt.datetime
    ended_at: dt.datetime | None  # where its age stops once resolved or closed
    timer: Reading | None
    columns: tuple[Any, ...] | None  # None: read as `text`
    text: tuple[str, str] | None = None

    @property
    def title(self) -> str:
        assert self.columns is not None
        return str(self.columns[_TITLE])

    @property
    def commander(self) -> str:
        assert self.columns is not None
        return str(self.columns[_COMMANDER])

    @property
    def age_until(self) -> dt.datetime | None:
        """`lifecycle.age_until` without `now`: None while it ticks (not read for a row
        read as its text)."""
        return None if self.status in OPEN_STATUSES else self.ended_at


_Found = list[tuple[tuple[int, int, dt.datetime, int], ListedIncident]]


def list_rows(
    db: sqlite_utils.Database,
    policy: Policy,
    now: dt.datetime,
    *,
    show_ended: bool = False,
    as_text: bool = False,
) -> list[ListedIncident]:
    """Live incidents (all of them with `show_ended`) in `read_model.list_order`, each
    with its most urgent running timer at `now` (`sla.next_running`). `as_text`: an
    incident whose text is kept (`--json`) is read as that text, without its columns."""
    rules = kept_next_due.rules(policy) or ""
    where = ""
    params: tuple[object, ...] = (rules,)
    if not show_ended:
        where = f" WHERE i.status IN ({','.join('?' * len(LISTED_STATUSES))})"
        params += tuple(sorted(LISTED_STATUSES))
    with queries.read_snapshot(db):  # the rows read whole and their clocks: one file
        found = _read(db, policy, now, where, params, rules, as_text)
    return found


def _read(
    db: sqlite_utils.Database,
    policy: Policy,
    now: dt.datetime,
    where: str,
    params: tuple[object, ...],
    rules: str,
    as_text: bool,
) -> list[ListedIncident]:
    reader = _Reader(policy, now)
    if not as_text:
        reader.read_columns(db.conn.execute(f"{_SELECT}{where} ORDER BY i.id", params))
    else:
        others = reader.read_texts(db.conn.execute(_SELECT_TEXT + where, params))
        others.sort()
        for chunk in range(0, len(others), 500):  # those read whole, by id
            ids = others[chunk : chunk + 500]
            marks = ",".join("?" * len(ids))
            sql = f"{_SELECT} WHERE i.id IN ({marks}) ORDER BY i.id"
            reader.read_columns(db.conn.execute(sql, (rules, *ids)))
    if reader.missing:
        _work_out(db, policy, now, reader.found, reader.missing)
    reader.found.sort(key=lambda pair: pair[0])
    return [listed for _, listed in reader.found]


# `read_model.list_stage`
_STAGES = dict.fromkeys(OPEN_STATUSES, 0) | {"resolved": 1}


class _Reader:
    """The rows of one list, as they are read (`found`), and those whose timer is to
    be worked out from their clock inputs (`missing`: id -> place in `found`)."""

    def __init__(self, policy: Policy, now: dt.datetime) -> None:
        self.policy, self.now = policy, now
        self.found: _Found = []
        self.missing: dict[int, tuple[int, ListedIncident]] = {}

    def read_texts(self, rows: Iterable[tuple[Any, ...]]) -> list[int]:
        """Rows of `_SELECT_TEXT`: the ids of those to read whole (no text kept for
        this change, or a declaration not in the stored form). The per-row work of
        `_timer` and `policy.rank` is written out here: this loop runs per incident."""
        others = []
        found, missing = self.found, self.missing
        policy, now = self.policy, self.now
        severities = policy.severities
        ranks = {s.name: n for n, s in enumerate(severities)}
        unknown_rank = len(severities)  # policy.rank's for a name it does not know
        staged = _STAGES.get
        read_time = dt.datetime.fromisoformat
        reading_at = next_due.reading_at
        make = tuple.__new__
        in_range = now < LATEST  # `next_due.holds_at`
        for row in rows:
            (incident_id, status, severity, declared, kept, head, tail) = row[:7]
            # read as `stored_time` reads the stored form (the text printed is the record's)
            if not kept or type(declared) is not str or len(declared) != 20:
                others.append(incident_id)
                continue
            if declared[19] != "Z" or not _EARLIEST <= declared < _LATEST:
                others.append(incident_id)
                continue
            try:
                declared_at = read_time(declared)
            except ValueError:
                others.append(incident_id)
                continue
            holds_from, name, deadline, index, target_us, audience = row[7:]
            timer = None
            holds = in_range and (holds_from is None or read_time(holds_from) <= now)
            if holds and name is not None:
                if type(index) is int and 0 <= index < unknown_rank:
                    sev = severities[index]
                    timer = reading_at(name, deadline, sev, target_us, audience or "", policy, now)
                else:
                    holds = False  # a severity this policy does not have: worked out
            # a tuple made as a NamedTuple's __new__ makes it, without its call (per row)
            fields = (incident_id, status, severity, declared_at, None, timer, None, (head, tail))
            listed = make(ListedIncident, fields)
            if not holds:
                missing[incident_id] = (len(found), listed)
            rank = ranks.get(severity, unknown_rank)
            found.append(((staged(status, 2), rank, declared_at, incident_id), listed))
        return others

    def read_columns(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows of `_SELECT`."""
        found, missing = self.found, self.missing
        timer_of = self._timer
        rank, staged = self.policy.rank, _STAGES.get
        running_statuses = next_due.CLOCK_STATUSES
        width = len(FIELDS)
        for row in rows:
            columns = row[:width]
            moments = _moments(columns)
            if moments is None:
                incident = queries.incident_of(dict(zip(FIELDS, columns, strict=True)))
                if incident is None:
                    continue  # noted, and left out as every list leaves it
                columns = list_json.columns_of(incident)
                moments = (incident.declared_at, incident.resolved_at or incident.closed_at)
            status, severity = columns[_STATUS], columns[_SEVERITY]
            running = status in running_statuses or (
                status == "closed" and columns[_POSTMORTEM] is None
            )
            timer = timer_of(row[width + 1 :]) if running and row[width] else False
            listed = ListedIncident(
                columns[_ID], status, severity, *moments, timer or None, columns
            )
            if running and timer is False:
                missing[columns[_ID]] = (len(found), listed)
            key = (staged(status, 2), rank(severity), moments[0], columns[_ID])
            found.append((key, listed))

    def _timer(self, kept: tuple[Any, ...]) -> Reading | Literal[False] | None:
        """The timer of a kept row at `now`: False when it does not hold then (or names
        a severity this policy does not have), so it is worked out."""
        holds_from, name, deadline, severity, target_us, audience = kept
        now = self.now
        read_time = dt.datetime.fromisoformat
        if now >= LATEST or (holds_from is not None and read_time(holds_from) > now):
            return False
        if name is None:
            return None
        severities = self.policy.severities
        if type(severity) is not int or not 0 <= severity < len(severities):
            return False
        return next_due.reading_at(
            name, deadline, severities[severity], target_us, audience or "", self.policy, now
        )


def _moments(columns: tuple[Any, ...]) -> tuple[dt.datetime, dt.datetime | None] | None:
    """The declaration and the end (resolution, else close) of a row whose times are all
    in the stored form (`to_iso(stored_time(text)) == text`); None for any other row."""
    declared = ended = None
    for n in _TIME_AT:
        text = columns[n]
        if text is None:
            continue
        if type(text) is not str or _STORED(text) is None or not _EARLIEST <= text < _LATEST:
            return None
        try:
            at = dt.datetime.fromisoformat(text)
        except ValueError:  # 2026-02-30
            return None
        if n == _DECLARED:
            declared = at
        elif ended is None and n in _ENDS:
            ended = at
    return None if declared is None else (declared, ended)


def _work_out(
    db: sqlite_utils.Database,
    policy: Policy,
    now: dt.datetime,
    found: _Found,
    missing: dict[int, tuple[int, ListedIncident]],
) -> None:
    """The timers of the incidents without a kept deadline that holds, worked out from
    their clock inputs as `sla.next_running` does (in `found`, in place)."""
    ids = sorted(missing)
    records = {i.id: i for i in queries.incidents_by_id(db, ids, include_ended=True)}
    state = queries.clock_state(db, [i for i in ids if i in records])
    for incident_id in ids:
        place, listed = missing[incident_id]
        incident = records.get(incident_id)
        if incident is None:
            continue
        history, assigned, engaged = state[incident_id]
        found_next = sla.next_running(
            incident, policy, now, history, assigned=assigned, engaged=engaged
        )
        timer = sla.running_timer(found_next, policy, now)
        reading = None if timer is None else next_due.reading_of(timer)
        found[place] = (found[place][0], listed._replace(timer=reading))
