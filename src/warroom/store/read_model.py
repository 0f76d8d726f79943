"""The read model: what the console and the CLI show about incidents, read once.

The store's queries return rows as domain records; this module assembles them
into the two things every reader shows, so the console's watcher, `warroom list`
and `warroom show` read the same fields in the same order:

- `IncidentList` (`incident_list`): the incidents in list order, with what
  their timers need and the breaches already on record;
- `IncidentView` (`incident_view`): one incident with its roles, engagements,
  checklists, follow-ups, timeline and clock inputs.

Timers are never read: `IncidentView.timers(policy, now)` computes them with
`domain.sla` from the stored times, like the console's clock board.
"""

from __future__ import annotations

import bisect
import datetime as dt
import importlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from warroom.domain import escalation, next_due, sla
from warroom.domain.models import (
    Engagement,
    FollowUp,
    Incident,
    RoleAssignment,
    TimelineEntry,
)
from warroom.domain.policy import Policy
from warroom.domain.policy_record import PolicyMismatch, mismatch, record_of
from warroom.domain.vocabulary import list_stage
from warroom.store import (
    outbox_queries,
    policy_record,
    queries,
    scribe_queries,
)

if TYPE_CHECKING:
    import sqlite_utils

    from warroom.domain.checklists import Checklist
    from warroom.store.alert_queries import alert_signals, incident_alerts
    from warroom.store.backup import backup as backup_copy
    from warroom.store.checklist_queries import checklists
    from warroom.store.engine_queries import engines
    from warroom.store.list_rows import ListedIncident, list_rows
    from warroom.store.list_rows import json_text as list_json
    from warroom.store.timeline_pages import PAGE as TIMELINE_PAGE
    from warroom.store.timeline_pages import PageRequest, TimelinePage, newest_of_kind
    from warroom.store.timeline_pages import is_big as timeline_is_big
    from warroom.store.timeline_pages import read_page as timeline_page
    from warroom.store.verify import verify as verify_file

# The edges (the CLI, the console) read through this module only, never a query
# module (an import-linter contract in pyproject.toml checks it). Beside the two
# assembled views, these are the narrower reads they need, named once here.
incident = queries.incident  # one incident; NotFound names an unknown id
incidents = queries.incidents  # every incident as stored (the report's population)
timeline = queries.timeline  # every row of an incident's timeline, oldest first
histories = queries.histories  # what the SLA timers need, per incident
ClockHistories = queries.ClockHistories  # the same, kept by a reader that reads again
recorded_breaches = queries.recorded_breaches  # (incident, timer, deadline) on record
search = scribe_queries.search  # entry ids whose text matches, through the FTS index
follow_ups = scribe_queries.follow_ups  # follow-ups, by incident or all
recorded_fingerprint = policy_record.recorded_fingerprint  # which policy is in effect now
recorded_policy = policy_record.recorded_policy  # the policy in effect, as recorded


def policy_mismatch(db: sqlite_utils.Database, policy: Policy) -> PolicyMismatch | None:
    """The mismatch between `policy` and the recorded one, reading only (None: they
    agree, or none is recorded yet)."""
    recorded = policy_record.recorded_policy(db)
    mine = record_of(policy)
    if recorded is None or recorded.fingerprint == mine.fingerprint:
        return None
    return mismatch(mine, recorded, policy)


pages = outbox_queries.pages  # who was paged, through what, when, and how it went
failed_pages = outbox_queries.failed_pages  # pages that gave up: shown loudly
# rows left out because a stored time could not be used: named to the person once
forget_unreadable = queries.forget_unreadable
unreadable_times = queries.unreadable_times
unreadable_warning = queries.unreadable_warning
# Read when first asked for (PEP 562), so a command that writes (`warroom log`, which
# opens the file through this module) does not import them: name -> (module, attribute).
_LATER: dict[str, tuple[str, str]] = {
    # a timeline too long to read whole, a page at a time (see store.timeline_pages)
    "PageRequest": ("timeline_pages", "PageRequest"),
    "TimelinePage": ("timeline_pages", "TimelinePage"),
    "timeline_is_big": ("timeline_pages", "is_big"),
    "timeline_page": ("timeline_pages", "read_page"),
    "newest_of_kind": ("timeline_pages", "newest_of_kind"),  # latest TODOs, decisions
    "TIMELINE_PAGE": ("timeline_pages", "PAGE"),  # entries read on each side of the reader
    # engines on record (fresh or stale: see domain.engine_presence)
    "engines": ("engine_queries", "engines"),
    "incident_alerts": ("alert_queries", "incident_alerts"),  # alerts, labels and links
    "alert_signals": ("alert_queries", "alert_signals"),  # what was heard, bodies as received
    "checklists": ("checklist_queries", "checklists"),  # an incident's, with who ticked what
    # the file as a whole: a consistent copy taken live, and its checks (`backup`, `verify`)
    "backup_copy": ("backup", "backup"),
    "verify_file": ("verify", "verify"),
    # `warroom list`: incidents as it shows them, with their next deadlines, in one read
    "list_rows": ("list_rows", "list_rows"),
    "ListedIncident": ("list_rows", "ListedIncident"),
    "list_json": ("list_rows", "json_text"),  # `warroom list --json`'s text
}


def __getattr__(name: str) -> object:
    """One of `_LATER`, imported now and kept as this module's attribute."""
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _LATER[name]
    value = getattr(importlib.import_module(f"warroom.store.{module}"), attribute)
    globals()[name] = value
    return value


__all__ = [
    "CLOCK_STATUSES",
    "TIMELINE_PAGE",
    "ClockHistories",
    "ClockInputs",
    "Engagement",
    "IncidentList",
    "IncidentView",
    "ListedIncident",
    "PageRequest",
    "TimelinePage",
    "alert_signals",
    "backup_copy",
    "checklists",
    "ended_list",
    "engines",
    "failed_pages",
    "follow_ups",
    "forget_unreadable",
    "histories",
    "incident",
    "incident_alerts",
    "incident_list",
    "incident_view",
    "incidents",
    "list_json",
    "list_order",
    "list_rows",
    "list_stage",
    "newest_of_kind",
    "pages",
    "policy_mismatch",
    "recorded_breaches",
    "recorded_fingerprint",
    "recorded_policy",
    "search",
    "stage_from",
    "timeline",
    "timeline_is_big",
    "timeline_page",
    "unreadable_times",
    "unreadable_warning",
    "verify_file",
    "with_clocks",
    "with_ended",
]

# resolved still runs the post-mortem clock; closed and cancelled run none
CLOCK_STATUSES = next_due.CLOCK_STATUSES
clocks_run = next_due.clocks_run  # whether an incident has a clock still running


@dataclass(frozen=True, slots=True)
class ClockInputs:
    """What an incident's timers need besides the incident row."""

    history: sla.IncidentHistory
    assigned: dict[str, tuple[str, ...]]  # role key -> people, so the ladder names them
    engaged: tuple[Engagement, ...] = ()  # the ladder's calls on record, in the order made


def list_order(incident: Incident, policy: Policy) -> tuple[int, int, dt.datetime, int]:
    """The one order of every incident list: live, then resolved, then closed and
    cancelled; most severe first (unknown severities last), then the longest-running
    first (ties by id).

    Positions stay put while deadlines move (the `1`-`9` keys jump by position);
    the list's next-deadline column says what is most urgent.
    """
    return (
        list_stage(incident.status),
        policy.rank(incident.severity),
        incident.declared_at,
        incident.id,
    )


def stage_from(incidents: Sequence[Incident], stage: int, lo: int = 0) -> int:
    """Where `incidents`, in list order, reach `stage` (`list_stage`): the live ones end
    at stage 1, the resolved ones at 2 (10,000 incidents: no walk over every row)."""
    return bisect.bisect_left(incidents, stage, lo=lo, key=_stage)


def _stage(incident: Incident) -> int:
    return list_stage(incident.status)


def list_order_key(policy: Policy) -> Callable[[Incident], tuple[int, int, dt.datetime, int]]:
    """`list_order` under `policy` as one sort key for many incidents: the same tuples,
    with each (status, severity)'s place worked out once (a list has a handful of
    them; 10,000 incidents: start-up's sort 53 -> 44 M instructions)."""
    places: dict[tuple[str, str], tuple[int, int]] = {}

    def key(incident: Incident) -> tuple[int, int, dt.datetime, int]:
        pair = (incident.status, incident.severity)
        place = places.get(pair)
        if place is None:
            place = places[pair] = (list_stage(pair[0]), policy.rank(pair[1]))
        return (place[0], place[1], incident.declared_at, incident.id)

    return key


_LIST_SERIALS = itertools.count()


@dataclass(frozen=True)
class IncidentList:
    """Incidents in list order, with their clock inputs and recorded breaches."""

    incidents: tuple[Incident, ...]
    clocks: Mapping[int, ClockInputs]  # incidents whose clocks run (see CLOCK_STATUSES)
    # (incident id, timer, deadline) of every recorded breach of those incidents
    breaches: frozenset[tuple[int, str, str]] = frozenset()
    mark: int = -1  # the file's change number it was read at (`queries.change_mark`)
    show_ended: bool = False
    # start-up's first read (`clocks_first`): only the first rows' clock inputs are read;
    # `with_clocks` reads the rest
    partial: bool = False
    # start-up's first read of a long list (`first_page`): only its first rows, with how
    # many incidents are (live, resolved) in all; `after_page` reads the others
    page: tuple[int, int] | None = None
    # read again from another list (`previous`): (its `serial`, the incidents read again).
    # Every other row, clock input and breach is that list's very one, so a reader that
    # worked something out from it looks again at those incidents only
    since: tuple[int, frozenset[int]] | None = field(default=None, compare=False)
    # this list, for a later one's `since`
    serial: int = field(default_factory=lambda: next(_LIST_SERIALS), compare=False)

    @cached_property
    def by_id(self) -> dict[int, Incident]:
        return {i.id: i for i in self.incidents}

    @cached_property
    def breaches_of(self) -> dict[int, frozenset[tuple[int, str, str]]]:
        """`breaches` by incident (those with any): what a list read again from this one
        drops and compares, without a walk over every breach (~40,000 at 10,000
        incidents, ~10 ms each on a slow machine)."""
        return _by_incident(self.breaches)

    @cached_property
    def ids(self) -> tuple[int, ...]:
        """The incidents' ids, in the list's order."""
        return tuple(incident.id for incident in self.incidents)

    @cached_property
    def positions(self) -> dict[int, int]:
        """Each incident's place in `incidents`, by id."""
        return {incident.id: n for n, incident in enumerate(self.incidents)}

    def timers(self, incident_id: int, policy: Policy, now: dt.datetime) -> tuple[sla.Timer, ...]:
        """The incident's timers at `now` (none when its clocks do not run)."""
        clock = self.clocks.get(incident_id)
        incident = self.by_id.get(incident_id)
        if clock is None or incident is None:
            return ()
        return sla.timers(
            incident, policy, now, clock.history, assigned=clock.assigned, engaged=clock.engaged
        )

    def next_deadline(self, incident_id: int, policy: Policy, now: dt.datetime) -> sla.Timer | None:
        """The incident's most urgent running timer, or None (`most_urgent` of `timers`,
        with only that timer worked out: see `sla.next_running`)."""
        clock = self.clocks.get(incident_id)
        incident = self.by_id.get(incident_id)
        if clock is None or incident is None:
            return None
        found = sla.next_running(
            incident, policy, now, clock.history, assigned=clock.assigned, engaged=clock.engaged
        )
        return sla.running_timer(found, policy, now)


def incident_list(
    db: sqlite_utils.Database,
    policy: Policy,
    *,
    show_ended: bool = False,
    kept: ClockHistories | None = None,
    previous: IncidentList | None = None,
    breaches: bool = True,
    clocks_first: int | None = None,
) -> IncidentList:
    """Live incidents (all of them with `show_ended`) in `list_order`.

    `clocks_first`: a whole read reads the clock inputs and recorded breaches of the
    first this many rows only (the console's first screen; 10,000 incidents: ~40 ms
    less for the clock inputs, ~45 ms for the breaches, before it shows), and the list
    says it is `partial` until `with_clocks` reads the rest.

    `breaches=False`: the recorded breaches are not read (the list holds none), for a
    reader that never shows them (`warroom list`).

    A reader that reads again and again (the console's watcher) passes the list it
    read last and the `ClockHistories` it keeps: only incidents the file marks as
    changed since (`queries.changed_since`) are read again, the rest are the same
    objects (so the console knows what it need not redraw or recompute), and with
    no change at all `previous` itself is the answer.

    A whole read is five queries for any number of incidents: the incidents, then
    role holders, severity/status history and first updates, and recorded breaches
    of those whose clocks run.
    """
    mark = queries.change_mark(db)  # before the rows: a change meanwhile is read again
    if (
        previous is not None
        and previous.page is None  # a first page is not the list: every row is read
        and previous.show_ended == show_ended
        and 0 <= previous.mark <= mark
    ):
        if mark == previous.mark:
            return previous
        return _refreshed(db, policy, previous, mark, kept)
    found = queries.incidents(db, include_ended=show_ended)
    found.sort(key=list_order_key(policy))
    running = [i.id for i in found if clocks_run(i)]
    first = running
    if clocks_first is not None:
        first = [i.id for i in found[:clocks_first] if clocks_run(i)]
    return IncidentList(
        tuple(found),
        _clocks(db, first, kept, previous),
        queries.recorded_breaches(db, first) if breaches else frozenset(),
        mark,
        show_ended,
        partial=len(first) < len(running),
    )


LISTED_BATCH = 500  # live and resolved incidents read at a time after the first page


def first_page(
    db: sqlite_utils.Database,
    policy: Policy,
    rows: int,
    kept: ClockHistories | None = None,
) -> IncidentList | None:
    """Start-up's first read of a long list: the first `rows` live and resolved
    incidents in `list_order`, sorted by SQLite (10,000 incidents: ~5 ms, where reading
    and sorting all ~6,000 listed ones took 50-130 ms before anything showed), with
    their clock inputs and recorded breaches, and how many are live and resolved in all
    (`page`). `after_page` adds the others. None when no more than `rows` are listed (a
    whole read is as quick) or a declared time is not in the stored form (SQLite's
    order of the text would not be the list's)."""
    with queries.read_snapshot(db):  # the counts and the rows of one moment
        mark = queries.change_mark(db)
        live, resolved, sortable = queries.listed_counts(db)
        if live + resolved <= rows or not sortable:
            return None
        ranks = {name: policy.rank(name) for name in policy.severity_names}
        found = queries.first_listed(db, ranks, len(policy.severities), rows)
        found.sort(key=list_order_key(policy))  # as SQLite did: the list's one order
        first = [i.id for i in found if clocks_run(i)]
        clocks = _clocks(db, first, kept, None)
        breaches = queries.recorded_breaches(db, first)
    return IncidentList(
        tuple(found), clocks, breaches, mark, show_ended=False, partial=True, page=(live, resolved)
    )


def after_page(
    db: sqlite_utils.Database,
    policy: Policy,
    page: IncidentList,
    between: Callable[[], object] | None = None,
) -> IncidentList:
    """`page` (`first_page`) with every other live and resolved incident, read
    `LISTED_BATCH` at a time (`between` is called after each batch), in `list_order`.
    The page's rows are its very objects, and the list keeps the page's change number,
    so that reading it again (`incident_list(previous=...)`) reads every incident
    changed since the page was read (a row of the page among them). It has the page's
    clock inputs and breaches only: `with_clocks` reads the others'."""
    held = page.by_id
    found = list(page.incidents)
    after: int | None = 0
    while after is not None:
        batch, after = queries.incident_batch(db, after, LISTED_BATCH, ended=False)
        found.extend(i for i in batch if i.id not in held)
        if between is not None and after is not None:
            between()
    found.sort(key=list_order_key(policy))
    return IncidentList(
        tuple(found), page.clocks, page.breaches, page.mark, page.show_ended, partial=True
    )


def with_clocks(
    db: sqlite_utils.Database,
    listed: IncidentList,
    kept: ClockHistories | None = None,
    batch: int | None = None,
    between: Callable[[], object] | None = None,
) -> IncidentList:
    """`listed` (its very incidents) with the clock inputs and recorded breaches of every
    incident whose clocks run: those a `partial` list lacks are read now (the list
    itself when it is whole). The list keeps its change number, so reading it again
    reads what changed since (a breach recorded meanwhile is read then, if not now).
    `batch`: read that many incidents at a time, calling `between` after each."""
    if not listed.partial:
        return listed
    missing = [i.id for i in listed.incidents if clocks_run(i) and i.id not in listed.clocks]
    found = dict(listed.clocks)
    breaches = set(listed.breaches)
    step = batch or len(missing) or 1
    for start in range(0, len(missing), step):
        ids = missing[start : start + step]
        found.update(_clocks(db, ids, kept, None))
        breaches.update(queries.recorded_breaches(db, ids))
        if between is not None and start + step < len(missing):
            between()
    clocks = {i.id: found[i.id] for i in listed.incidents if i.id in found}  # list order
    return IncidentList(
        listed.incidents, clocks, frozenset(breaches), listed.mark, listed.show_ended
    )


def _clocks(
    db: sqlite_utils.Database,
    running: list[int],
    kept: ClockHistories | None,
    previous: IncidentList | None,
) -> dict[int, ClockInputs]:
    """Clock inputs of `running`; one equal to `previous`'s is `previous`'s object."""
    clocks = {
        incident_id: ClockInputs(history, assigned, engaged)
        for incident_id, (history, assigned, engaged) in queries.clock_state(
            db, running, kept
        ).items()
    }
    if previous is not None:
        for incident_id, inputs in clocks.items():
            before = previous.clocks.get(incident_id)
            if before is not None and before == inputs:
                clocks[incident_id] = before
    return clocks


def _by_incident(
    breaches: frozenset[tuple[int, str, str]],
) -> dict[int, frozenset[tuple[int, str, str]]]:
    """`breaches` grouped by incident."""
    found: dict[int, set[tuple[int, str, str]]] = {}
    for breach in breaches:
        found.setdefault(breach[0], set()).add(breach)
    return {incident_id: frozenset(held) for incident_id, held in found.items()}


def _refreshed(
    db: sqlite_utils.Database,
    policy: Policy,
    previous: IncidentList,
    mark: int,
    kept: ClockHistories | None,
) -> IncidentList:
    """`previous` with the incidents changed since it was read, read again."""
    changed = queries.changed_since(db, previous.mark)
    fresh = {
        i.id: i for i in queries.incidents_by_id(db, changed, include_ended=previous.show_ended)
    }
    keys = {i.id: list_order(i, policy) for i in fresh.values()}
    before = previous.by_id
    # the new list's incidents by id: the previous one's, copied in C, with those read
    # again (10,000 incidents: a walk over every row for each commit's read, twice)
    by_id = dict(before)
    for incident_id in changed:
        by_id.pop(incident_id, None)
    by_id.update(fresh)
    positions: dict[int, int] | None = None
    if fresh.keys() == changed and all(
        i in before and list_order(before[i], policy) == keys[i] for i in changed
    ):  # the same incidents in the same places (a retitle, a role, a clock row): swap
        positions = previous.positions
        swapped = list(previous.incidents)
        for incident_id, incident in fresh.items():
            swapped[positions[incident_id]] = incident
        found = swapped
    else:
        found = [i for i in previous.incidents if i.id not in changed] + list(fresh.values())
        found.sort(key=list_order_key(policy))
    running = [i for i in changed if i in fresh and clocks_run(fresh[i])]
    clocks = dict(previous.clocks)
    for incident_id in changed:
        clocks.pop(incident_id, None)
    clocks.update(_clocks(db, running, kept, previous))
    # those of the incidents read again dropped and read again, found by incident (a
    # walk over the ~40,000 recorded at 10,000 incidents was ~25 ms of each commit's read)
    was_of = previous.breaches_of
    stale = [was_of[i] for i in changed if i in was_of]
    read = queries.recorded_breaches(db, running)
    breaches_of = dict(was_of)
    for incident_id in changed:
        breaches_of.pop(incident_id, None)
    for incident_id, held in _by_incident(read).items():
        breaches_of[incident_id] = held
    breaches = previous.breaches - frozenset().union(*stale) if stale else previous.breaches
    listed = IncidentList(
        tuple(found),
        clocks,
        breaches | read if read else breaches,
        mark,
        previous.show_ended,
        partial=previous.partial,
        since=(previous.serial, frozenset(changed)),
    )
    # what was worked out above is what the cached properties would work out again (the
    # same contents; a dict's keys perhaps in another order: nothing walks them in order)
    vars(listed)["by_id"] = by_id
    vars(listed)["breaches_of"] = breaches_of
    if positions is not None:  # the same places, the same ids in them
        vars(listed)["positions"] = positions
        vars(listed)["ids"] = previous.ids
    return listed


# closed and cancelled incidents read at a time by `ended_list` (each batch ~15 ms of
# the interpreter at 10,000 incidents: a reader beside the console pauses between them)
ENDED_BATCH = 200


def ended_list(
    db: sqlite_utils.Database,
    policy: Policy,
    *,
    between: Callable[[], object] | None = None,
) -> IncidentList:
    """The closed and cancelled incidents only, in `list_order`, read `ENDED_BATCH` at
    a time (`between` is called after each batch), for `with_ended` to add to a list
    of the live ones read before."""
    mark = queries.change_mark(db)  # before the rows: a change meanwhile is read again
    found: list[Incident] = []
    clocks: dict[int, ClockInputs] = {}
    breaches: set[tuple[int, str, str]] = set()
    after: int | None = 0
    while after is not None:
        batch, after = queries.incident_batch(db, after, ENDED_BATCH, ended=True)
        running = [i.id for i in batch if clocks_run(i)]
        clocks.update(_clocks(db, running, None, None))
        breaches.update(queries.recorded_breaches(db, running))
        found.extend(batch)
        if between is not None:
            between()
    found.sort(key=list_order_key(policy))
    in_order = {i.id: clocks[i.id] for i in found if i.id in clocks}
    return IncidentList(tuple(found), in_order, frozenset(breaches), mark, show_ended=True)


def with_ended(live: IncidentList, ended: IncidentList) -> IncidentList:
    """Every incident: `live` (the live and resolved ones, as its very objects) and then
    `ended`'s (`ended_list`), at the older of the two change numbers, so that reading
    it again (`incident_list(previous=...)`) reads every incident changed since either
    was read. An incident in both (it ended or reopened between the reads) is `live`'s
    row there, and read again."""
    listed = live.by_id
    extra = tuple(i for i in ended.incidents if i.id not in listed)
    clocks = dict(live.clocks)
    clocks.update((i.id, ended.clocks[i.id]) for i in extra if i.id in ended.clocks)
    added = {i.id for i in extra}
    breaches = live.breaches | {b for b in ended.breaches if b[0] in added}
    return IncidentList(
        live.incidents + extra,
        clocks,
        breaches,
        min(live.mark, ended.mark),
        show_ended=True,
        partial=live.partial,
    )


def one_look(db: sqlite_utils.Database) -> AbstractContextManager[None]:
    """Every read inside sees the file as it was at the first (one read transaction,
    unless one is open already), whoever commits meanwhile."""
    return queries.read_snapshot(db)


def kinds_since(db: sqlite_utils.Database, incident_id: int, after: int) -> frozenset[str]:
    """The kinds of the incident's timeline rows written after row `after` (a console's
    watcher asks whether what was just written can move a deadline), read by the
    shorter walk: the file's rows since `after`, by id, or the incident's own rows, by
    its index (a quiet incident's newest row far back: a walk of the 100,000 rows
    since took 13 ms; an incident of 200,000 rows walked whole, 11 ms)."""
    sql = (
        "SELECT DISTINCT kind FROM timeline WHERE id > ? AND +incident_id = ?"
        if _walk_by_id(db, incident_id, after)
        else "SELECT DISTINCT kind FROM timeline WHERE id > ? AND incident_id = ?"
    )
    return frozenset(str(kind) for (kind,) in db.conn.execute(sql, (after, incident_id)))


def _walk_by_id(db: sqlite_utils.Database, incident_id: int, after: int) -> bool:
    """Whether the file's rows since `after` are no more than the incident's rows."""
    newest = queries.newest_row(db)
    if newest - after <= _KINDS_BY_ID:
        return True
    (rows,) = db.conn.execute(
        "SELECT coalesce(sum(written), 0) FROM timeline_counts WHERE incident_id = ?",
        (incident_id,),
    ).fetchone()
    return bool(newest - after <= rows)


# `kinds_since`: up to this many rows since, walked by id without counting the incident's
_KINDS_BY_ID = 2000


@dataclass(frozen=True)
class IncidentView:
    """One incident as the detail panes and `warroom show` present it."""

    incident: Incident
    roles: tuple[RoleAssignment, ...]  # current holders, in the order assigned
    clock: ClockInputs
    engagements: tuple[Engagement, ...]  # the ladder's calls, in the order made
    checklists: tuple[Checklist, ...]  # attached runbooks, items numbered 1..n
    follow_ups: tuple[FollowUp, ...]  # in the order made
    # timeline rows after `timeline_after` (all of them unless asked otherwise), by `at`
    timeline: tuple[TimelineEntry, ...] = ()
    breaches: frozenset[tuple[str, str]] = field(default=frozenset())  # (timer, deadline)
    # the file's newest timeline row as this was read: when rows were read (a
    # `timeline_after`), the incident's rows up to it are all in `timeline` or were read
    # before, so a reader that follows the incident reads after it next, not after the
    # incident's own newest row (a quiet incident's row far back: every row written
    # since, in any incident, walked at each look)
    newest_row: int = 0

    @property
    def assigned(self) -> dict[str, str]:
        """Role key -> person (several people holding a role: their names joined)."""
        return {role: ", ".join(people) for role, people in self.clock.assigned.items()}

    @property
    def holders(self) -> dict[str, tuple[str, ...]]:
        """Role key -> the people holding it, in the order assigned."""
        return self.clock.assigned

    @property
    def answers(self) -> dict[str, str]:
        """Question -> answer of every answered `ask:` item (for update templates)."""
        from warroom.domain import checklists as checklist_rules

        return checklist_rules.answers(self.checklists)

    def timers(self, policy: Policy, now: dt.datetime) -> tuple[sla.Timer, ...]:
        """Every timer at `now`, computed from the stored times (never stored)."""
        return sla.timers(
            self.incident,
            policy,
            now,
            self.clock.history,
            assigned=self.clock.assigned,
            engaged=self.engagements,
        )

    def ladder(self, policy: Policy, now: dt.datetime) -> escalation.LadderStatus:
        """Where the incident stands on its severity's escalation ladder at `now`."""
        return escalation.ladder_status(
            self.incident,
            policy,
            now,
            pauses=self.clock.history.reopened,
            assigned=self.clock.assigned,
            engaged=self.engagements,
        )


def incident_view(
    db: sqlite_utils.Database,
    incident_id: int,
    *,
    timeline_after: int | None = 0,
    listed: IncidentList | None = None,
) -> IncidentView:
    """One incident (NotFound naming the id), with everything it shows.

    `timeline_after`: read only timeline rows with a greater id (the timeline
    is append-only; the console reads what is new), None for no timeline.
    `listed`: an `IncidentList` that holds the incident; its incident row,
    and clock inputs are used rather than read again, unless the incident changed
    since the list was read (then its rows read here could show what the list's row
    does not: an acknowledgement's entry beside "not acknowledged"). Everything is
    read in one look at the file.
    """
    with one_look(db):
        return _incident_view(db, incident_id, timeline_after, listed)


def _incident_view(
    db: sqlite_utils.Database,
    incident_id: int,
    timeline_after: int | None,
    listed: IncidentList | None,
) -> IncidentView:
    from warroom.store import checklist_queries

    newest_row = queries.newest_row(db)
    incident = clock = None
    if (
        listed is not None
        and incident_id in listed.by_id
        and queries.changed_at(db, incident_id) <= listed.mark
    ):
        incident = listed.by_id[incident_id]
        clock = listed.clocks.get(incident_id)
    if incident is None:
        incident = queries.incident(db, incident_id)
    roles = queries.roles(db, incident_id)
    engaged = tuple(queries.engagements(db, incident_id))
    if clock is None or clock.engaged != engaged:
        history = clock.history if clock else queries.history(db, incident_id)
        clock = ClockInputs(history, queries.holders_of(roles), engaged)
    # read here even beside a list that holds them: one indexed lookup, where an index of
    # every incident's breaches by incident took 4.5 MiB at 10,000 incidents
    breaches = frozenset(
        (timer, deadline) for _, timer, deadline in queries.recorded_breaches(db, [incident_id])
    )
    if timeline_after is None:
        entries: list[TimelineEntry] = []
    elif timeline_after == 0:
        entries = queries.timeline(db, incident_id)
    else:
        entries = queries.timeline_since(db, incident_id, timeline_after)
    return IncidentView(
        incident=incident,
        roles=tuple(roles),
        clock=clock,
        engagements=engaged,
        checklists=tuple(checklist_queries.checklists(db, incident_id)),
        follow_ups=tuple(scribe_queries.follow_ups(db, incident_id)),
        timeline=tuple(entries),
        breaches=breaches,
        newest_row=newest_row,
    )
