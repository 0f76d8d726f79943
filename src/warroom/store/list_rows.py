"""`warroom list` read in one query: each incident's columns as stored, and its next
deadline as the service keeps it (store.next_due), for thousands of incidents at once.

A scripted `warroom list --json` on a file of 10,000 incidents spent most of its time
making records and working out clocks it then printed as text again. Here a row whose
stored times are all in the stored form (`to_iso`'s) keeps its columns as read, its
times as text, exactly what the JSON prints; any other row is read as `queries` reads
every incident (noted, read as unset or left out), so both print what the records would.
The deadlines kept by the service are used while they hold (same change number, same
rules, a moment they hold at); the other incidents' clocks are worked out as before.

`--json` (`json_text`) reads, for each incident whose kept row holds, only the text the
service keeps beside its deadline (domain.list_json.kept: three columns a row), and
reads the others whole as above.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from warroom.domain import list_json, next_due, sla
from warroom.domain.list_json import MAX_RANK
from warroom.domain.models import INCIDENT_FIELDS, INCIDENT_TIME_AT
from warroom.domain.next_due import Reading
from warroom.domain.policy import Policy
from warroom.domain.policy_record import unknown_severity
from warroom.domain.timefmt import EARLIEST, LATEST, in_stored_form
from warroom.domain.vocabulary import LIST_STAGES, LISTED_STATUSES, OPEN_STATUSES, list_stage
from warroom.store import next_due as kept_next_due
from warroom.store import queries

if TYPE_CHECKING:
    import sqlite_utils

# a listed incident's columns are the incident record's fields (INCIDENT_FIELDS)
_ID, _TITLE, _SEVERITY, _STATUS, _COMMANDER = (
    INCIDENT_FIELDS.index(name) for name in ("id", "title", "severity", "status", "commander")
)
_DECLARED = INCIDENT_FIELDS.index("declared_at")
_POSTMORTEM = INCIDENT_FIELDS.index("postmortem_done_at")
_ENDS = (
    INCIDENT_FIELDS.index("resolved_at"),
    INCIDENT_FIELDS.index("closed_at"),
)  # where an age stops
_KEPT = ("holds_from", "name", "deadline", "severity", "target_us", "audience")
_JOINS = (
    " FROM incidents i LEFT JOIN next_due n ON n.incident_id = i.id AND n.rules = ?"
    " LEFT JOIN incident_changes c ON c.incident_id = i.id"
)
_VALID = "n.seq IS NOT NULL AND n.seq = coalesce(c.seq, 0)"  # the kept row is this change's
_SELECT = (
    "SELECT "
    + ", ".join(f"i.{c}" for c in INCIDENT_FIELDS)
    + f", {_VALID}, "
    + ", ".join(f"n.{c}" for c in _KEPT)
    + _JOINS
)
# `--json`: the kept text while it holds at the list's moment (`holds_from`, as the
# service writes it: UTC isoformat, which sorts as time against the moment's), else
# the id of an incident read whole
_SELECT_KEPT = (
    "SELECT CASE WHEN n.seq = coalesce(c.seq, 0) AND (n.holds_from IS NULL"
    " OR n.holds_from <= ?) THEN n.listed_head END, n.listed_tail, i.id" + _JOINS
)


class ListedIncident(NamedTuple):
    """An incident as the list shows it, with its most urgent running timer at the
    moment read (without who the next rung calls: the list does not show it), read as
    its columns (`INCIDENT_FIELDS`, as stored: `drill` true or false as a number may be; times
    as the JSON prints them: `to_iso`, None when unset)."""

    id: int
    status: str
    severity: str
    declared_at: dt.datetime
    ended_at: dt.datetime | None  # where its age stops once resolved or closed
    timer: Reading | None
    columns: tuple[Any, ...]

    @property
    def title(self) -> str:
        return str(self.columns[_TITLE])

    @property
    def commander(self) -> str:
        return str(self.columns[_COMMANDER])

    @property
    def age_until(self) -> dt.datetime | None:
        """`lifecycle.age_until` without `now`: None while it ticks."""
        return None if self.status in OPEN_STATUSES else self.ended_at


_Found = list[tuple[tuple[int, int, dt.datetime, int], ListedIncident]]


def _where(show_ended: bool) -> tuple[str, tuple[str, ...]]:
    if show_ended:
        return "", ()
    statuses = tuple(sorted(LISTED_STATUSES))
    return f" WHERE i.status IN ({','.join('?' * len(statuses))})", statuses


def list_rows(
    db: sqlite_utils.Database,
    policy: Policy,
    now: dt.datetime,
    *,
    show_ended: bool = False,
) -> list[ListedIncident]:
    """Live incidents (all of them with `show_ended`) in `read_model.list_order`, each
    with its most urgent running timer at `now` (`sla.next_running`)."""
    rules = kept_next_due.rules(policy) or ""
    where, statuses = _where(show_ended)
    with queries.read_snapshot(db):  # the rows read whole and their clocks: one file
        return _read(db, policy, now, where, (rules, *statuses), None)


def json_text(
    db: sqlite_utils.Database, policy: Policy, now: dt.datetime, *, show_ended: bool = False
) -> str:
    """`list_rows` as `warroom list --json` prints them (`domain.list_json.joined`): an
    incident whose text is kept and holds at `now` from that text, any other read
    whole, in one read transaction."""
    rules = kept_next_due.rules(policy)
    where, statuses = _where(show_ended)
    heads: list[str] = []
    tails: list[str] = []
    with queries.read_snapshot(db):
        if rules is None or not EARLIEST <= now < LATEST or len(policy.severities) > MAX_RANK:
            whole = _read(db, policy, now, where, (rules or "", *statuses), None)
        else:
            moment = now.astimezone(dt.UTC).isoformat()
            others = []
            for head, tail, incident_id in db.conn.execute(
                _SELECT_KEPT + where, (moment, rules, *statuses)
            ):
                if head is None:
                    others.append(incident_id)
                else:
                    heads.append(head)
                    tails.append(tail)
            whole = _read(db, policy, now, where, (rules, *statuses), others) if others else []
    q = list_json.Quoted()
    known: dict[str, bool] = {}
    for row in whole:
        if row.severity not in known:
            known[row.severity] = unknown_severity(policy, row.severity) is None
        age = int((now - row.declared_at).total_seconds())
        text = list_json.row_text(row.columns, age, row.timer, known[row.severity], q)
        place = list_stage(row.status)
        key = list_json.order_key(place, policy.rank(row.severity), row.declared_at, row.id)
        head, tail = list_json.whole(text, key)
        heads.append(head)
        tails.append(tail)
    return list_json.joined(heads, tails, now)


def _read(
    db: sqlite_utils.Database,
    policy: Policy,
    now: dt.datetime,
    where: str,
    params: tuple[object, ...],
    ids: list[int] | None,
) -> list[ListedIncident]:
    """The rows read whole (`ids`: only those), each with its timer."""
    reader = _Reader(policy, now)
    if ids is None:
        reader.read_columns(db.conn.execute(f"{_SELECT}{where} ORDER BY i.id", params))
    else:
        ids = sorted(ids)
        for chunk in range(0, len(ids), 500):
            some = ids[chunk : chunk + 500]
            sql = f"{_SELECT} WHERE i.id IN ({','.join('?' * len(some))}) ORDER BY i.id"
            reader.read_columns(db.conn.execute(sql, (params[0], *some)))
    if reader.missing:
        _work_out(db, policy, now, reader.found, reader.missing)
    reader.found.sort(key=lambda pair: pair[0])
    return [listed for _, listed in reader.found]


class _Reader:
    """The rows of one list, as they are read (`found`), and those whose timer is to
    be worked out from their clock inputs (`missing`: id -> place in `found`)."""

    def __init__(self, policy: Policy, now: dt.datetime) -> None:
        self.policy, self.now = policy, now
        self.found: _Found = []
        self.missing: dict[int, tuple[int, ListedIncident]] = {}

    def read_columns(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows of `_SELECT`."""
        found, missing = self.found, self.missing
        timer_of = self._timer
        rank, staged = self.policy.rank, LIST_STAGES.get
        running_statuses = next_due.CLOCK_STATUSES
        width = len(INCIDENT_FIELDS)
        for row in rows:
            columns = row[:width]
            moments = _moments(columns)
            if moments is None:
                incident = queries.incident_of(dict(zip(INCIDENT_FIELDS, columns, strict=True)))
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
    for n in INCIDENT_TIME_AT:
        text = columns[n]
        if text is None:
            continue
        at = in_stored_form(text)
        if at is None:
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
