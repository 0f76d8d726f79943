"""`warroom list` read in one query: each incident's shown fields as stored, and its next
deadline as the service keeps it (store.next_due), for thousands of incidents at once.

A scripted `warroom list --json` on a file of 10,000 incidents spent most of its time
making records and working out clocks it then printed as text again. Here a row whose
stored times are all in the stored form (`to_iso`'s) keeps them as text, exactly what
the JSON prints; any other row is read as `queries` reads every
incident (noted, read as unset or left out), so both print what the records would.
The deadlines kept by the service are used while they hold (same change number, same
rules, a moment they hold at); the other incidents' clocks are worked out as before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from warroom.domain import next_due, sla
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.domain.timefmt import EARLIEST, LATEST, to_iso
from warroom.domain.vocabulary import LISTED_STATUSES, OPEN_STATUSES
from warroom.store import next_due as kept_next_due
from warroom.store import queries

if TYPE_CHECKING:
    import sqlite_utils

TIMES = queries.INCIDENT_TIMES  # in the order `cli.json_shapes.incident_json` prints them
_TEXTS = (
    "id",
    "title",
    "severity",
    "status",
    "kind",
    "summary",
    "impact_users",
    "impact_services",
    "impact_business",
    "commander",
    "drill",
    "channel",
    "postmortem_owner",
)
_EARLIEST, _LATEST = to_iso(EARLIEST), to_iso(LATEST)
_ENDS = (TIMES.index("resolved_at"), TIMES.index("closed_at"))  # where an age stops
_STATUS, _POSTMORTEM = _TEXTS.index("status"), TIMES.index("postmortem_done_at")
_KEPT = ("holds_from", "name", "deadline", "severity", "target_us", "audience")
_SELECT = (
    "SELECT "
    + ", ".join(f"i.{c}" for c in (*_TEXTS, *TIMES))
    + ", i.escalation_level, n.seq IS NOT NULL AND n.seq = coalesce(c.seq, 0), "
    + ", ".join(f"n.{c}" for c in _KEPT)
    + " FROM incidents i LEFT JOIN next_due n ON n.incident_id = i.id AND n.rules = ?"
    " LEFT JOIN incident_changes c ON c.incident_id = i.id"
)


class ListedIncident(NamedTuple):
    """An incident as the list shows it: its texts, its times as the JSON prints them
    (`to_iso`, None when unset), and its most urgent running timer at the moment read
    (without its `detail`, who the next rung calls: the list does not show it)."""

    id: int
    title: str
    severity: str
    status: str
    kind: str
    summary: str
    impact_users: str
    impact_services: str
    impact_business: str
    commander: str
    drill: bool
    channel: str
    postmortem_owner: str
    times: tuple[str | None, ...]  # TIMES
    declared_at: dt.datetime
    ended_at: dt.datetime | None  # where its age stops once resolved or closed
    timer: sla.Timer | None

    @property
    def age_until(self) -> dt.datetime | None:
        """`lifecycle.age_until` without `now`: None while it ticks."""
        return None if self.status in OPEN_STATUSES else self.ended_at


def list_rows(
    db: sqlite_utils.Database, policy: Policy, now: dt.datetime, *, show_ended: bool = False
) -> list[ListedIncident]:
    """Live incidents (all of them with `show_ended`) in `read_model.list_order`, each
    with its most urgent running timer at `now` (`sla.next_deadline`)."""
    rules = kept_next_due.rules(policy) or ""
    where = ""
    params: tuple[object, ...] = (rules,)
    if not show_ended:
        where = f" WHERE i.status IN ({','.join('?' * len(LISTED_STATUSES))})"
        params += tuple(sorted(LISTED_STATUSES))
    found: list[tuple[tuple[int, int, dt.datetime, int], ListedIncident]] = []
    missing: dict[int, tuple[int, ListedIncident]] = {}
    texts, times = len(_TEXTS), len(_TEXTS) + len(TIMES)
    valid = times + 1  # whether the kept row (from valid + 1 on) is for this change
    drill = _TEXTS.index("drill")
    severities = policy.severities
    rank = policy.rank
    for row in db.conn.execute(_SELECT + where + " ORDER BY i.id", params):
        stamps = row[texts:times]
        moments = _moments(stamps)
        incident: Incident | None = None
        if moments is not None:
            running = _clocks_run(row[_STATUS], stamps[_POSTMORTEM])
        else:
            names = (*_TEXTS, *TIMES, "escalation_level")
            incident = queries.incident_of(dict(zip(names, row[:valid], strict=True)))
            if incident is None:
                continue  # noted, and left out as every list leaves it
            running = next_due.clocks_run(incident)
        kept = _kept(row[valid + 1 :], severities) if running and row[valid] else None
        holds = kept is not None and next_due.holds_at(kept, now)
        timer = next_due.timer_at(kept, policy, now) if kept is not None and holds else None
        if incident is not None:
            listed = _listed(incident, timer)
        else:
            assert moments is not None
            texts_of = (*row[:drill], bool(row[drill]), *row[drill + 1 : texts])
            listed = ListedIncident._make((*texts_of, stamps, *moments, timer))
        if running and not holds:
            missing[listed.id] = (len(found), listed)
        key = (_stage(listed.status), rank(listed.severity), listed.declared_at, listed.id)
        found.append((key, listed))
    if missing:
        _work_out(db, policy, now, found, missing)
    found.sort(key=lambda pair: pair[0])
    return [listed for _, listed in found]


def _moments(stamps: tuple[str | None, ...]) -> tuple[dt.datetime, dt.datetime | None] | None:
    """The declaration and the end (resolution, else close) of a row whose times are all
    in the stored form (`to_iso(stored_time(text)) == text`); None for any other row."""
    declared = ended = None
    for n, text in enumerate(stamps):
        if text is None:
            continue
        if len(text) != 20 or text[19] != "Z" or not _EARLIEST <= text < _LATEST:
            return None
        try:
            at = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        if at.isoformat()[:19] != text[:19]:  # 2026-10-23 09:00:00Z: read, but not as printed
            return None
        if n == 0:
            declared = at
        elif n in _ENDS and ended is None:
            ended = at
    return None if declared is None else (declared, ended)


def _clocks_run(status: str, postmortem_done_at: str | None) -> bool:
    """`next_due.clocks_run` of a row read as text."""
    return status in next_due.CLOCK_STATUSES or (status == "closed" and postmortem_done_at is None)


def _stage(status: str) -> int:
    """`read_model.list_stage`."""
    if status in OPEN_STATUSES:
        return 0
    return 1 if status == "resolved" else 2


def _kept(columns: tuple[object, ...], severities: tuple[object, ...]) -> next_due.NextDue | None:
    """A kept row's deadline (None: one this policy cannot read)."""
    holds_from, name, deadline, severity, target_us, audience = columns
    since = None if holds_from is None else dt.datetime.fromisoformat(str(holds_from))
    if name is None:
        return next_due.NextDue(None, since)
    if not isinstance(severity, int) or not 0 <= severity < len(severities):
        return None
    found = sla.Deadline(
        str(name),
        dt.datetime.fromisoformat(str(deadline)),
        severities[severity],  # type: ignore[arg-type]
        dt.timedelta(microseconds=int(str(target_us))),
        None,
        str(audience or ""),
    )
    return next_due.NextDue(found, since)


def _listed(incident: Incident, timer: sla.Timer | None) -> ListedIncident:
    """An incident read as a record, as the list shows it."""
    i = incident
    stamps = tuple(None if t is None else to_iso(t) for t in (getattr(i, n) for n in TIMES))
    return ListedIncident(
        i.id,
        i.title,
        i.severity,
        i.status,
        i.kind,
        i.summary,
        i.impact_users,
        i.impact_services,
        i.impact_business,
        i.commander,
        i.drill,
        i.channel,
        i.postmortem_owner,
        stamps,
        i.declared_at,
        i.resolved_at or i.closed_at,
        timer,
    )


def _work_out(
    db: sqlite_utils.Database,
    policy: Policy,
    now: dt.datetime,
    found: list[tuple[tuple[int, int, dt.datetime, int], ListedIncident]],
    missing: dict[int, tuple[int, ListedIncident]],
) -> None:
    """The timers of the incidents without a kept deadline that holds, worked out from
    their clock inputs as `sla.next_deadline` does (in `found`, in place)."""
    ids = sorted(missing)
    records = {i.id: i for i in queries.incidents_by_id(db, ids, include_ended=True)}
    state = queries.clock_state(db, [i for i in ids if i in records])
    for incident_id in ids:
        place, listed = missing[incident_id]
        incident = records.get(incident_id)
        if incident is None:
            continue
        history, assigned, engaged = state[incident_id]
        timer = sla.next_deadline(
            incident, policy, now, history, assigned=assigned, engaged=engaged
        )
        if timer is not None and timer.detail:  # as a kept deadline's (a list shows none)
            timer = dataclasses.replace(timer, detail="")
        found[place] = (found[place][0], listed._replace(timer=timer))
