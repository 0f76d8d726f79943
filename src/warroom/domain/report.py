"""The incident report: how many incidents, how fast they were handled, which SLAs held.

Pure computation over incident records, their histories, the policy and
`now`; the CLI (`warroom report`) reads the store and prints the result.

What counts:

- Incidents declared in the period `since <= declared_at <= now` (no
  `since`: every incident up to now). Drills are left out everywhere and only
  counted, in `drills_excluded`.
- Count by severity: the incident's current severity; every policy severity
  is listed, zeros included, in policy order (unknown names follow, sorted).
  Count by status: every status, in lifecycle order.
- Time to acknowledge: `acknowledged_at - declared_at`, over incidents that
  were acknowledged (cancelled ones included: someone did pick them up).
- Time to resolve: `resolved_at - declared_at`, over incidents resolved now
  (or closed after resolving). Cancelled incidents are left out: they were
  called off, not fixed. A reopened incident counts from declaration to its
  last resolution, time spent resolved included.
- Percentiles are nearest-rank: the p-th percentile of n sorted values is the
  value at rank ceil(p * n / 100), so it is always a time that happened. The
  median is the 50th percentile, i.e. the lower middle value when n is even.
  An empty set has none (None).
- SLA compliance, per timer of `sla.timers` at `now` (ack, first_update,
  update, resolve, postmortem): `met`, `breached` (overdue, whether still
  running or stopped late) and `running` (ok or warning: not decided yet).
  The share met is over decided timers only. Cancelled incidents have no
  timers. A timer with a breach on the record counts as breached even if it
  reads met now: an incident that missed one update and kept the next has
  breached the update SLA. The escalation timer is
  a ladder step, never a breach, so it is not an SLA here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from warroom.domain import sla
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.domain.vocabulary import STATUSES

# The timers that are service-level targets, in display order.
SLA_TIMERS: tuple[str, ...] = ("ack", "first_update", "update", "resolve", "postmortem")


@dataclass(frozen=True)
class DurationStats:
    """How long something took across incidents: how many, the median and the p90."""

    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None


@dataclass(frozen=True)
class TimerCompliance:
    """One SLA timer across incidents: how many met it, breached it, are still running."""

    timer: str  # ack / first_update / update / resolve / postmortem
    label: str
    met: int = 0
    breached: int = 0
    running: int = 0

    @property
    def decided(self) -> int:
        """Timers that are met or breached (running ones may still go either way)."""
        return self.met + self.breached

    @property
    def met_percent(self) -> float | None:
        """The share of decided timers that were met, 0-100; None when none is decided."""
        return 100 * self.met / self.decided if self.decided else None


@dataclass(frozen=True)
class IncidentReport:
    """Incidents declared in [since, until], drills excluded (see the module doc)."""

    since: dt.datetime | None
    until: dt.datetime
    incidents: int
    drills_excluded: int
    by_severity: tuple[tuple[str, int], ...]
    by_status: tuple[tuple[str, int], ...]
    time_to_ack: DurationStats
    time_to_resolve: DurationStats
    sla: tuple[TimerCompliance, ...]


def percentile(values: Iterable[dt.timedelta], p: int) -> dt.timedelta | None:
    """The nearest-rank p-th percentile (0 < p <= 100): sorted[ceil(p*n/100) - 1]; None if empty."""
    if not 0 < p <= 100:
        raise ValueError(f"percentile {p} is not between 1 and 100")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = -(-p * len(ordered) // 100)  # ceil in integers, no float rounding at the edges
    return ordered[max(rank, 1) - 1]


def duration_stats(values: Iterable[dt.timedelta]) -> DurationStats:
    """Count, median and p90 (nearest rank) of some durations."""
    found = list(values)
    return DurationStats(len(found), percentile(found, 50), percentile(found, 90))


def _in_period(incident: Incident, since: dt.datetime | None, until: dt.datetime) -> bool:
    return (since is None or incident.declared_at >= since) and incident.declared_at <= until


def _by_severity(incidents: list[Incident], policy: Policy) -> tuple[tuple[str, int], ...]:
    counts = dict.fromkeys(policy.severity_names, 0)
    for unknown in sorted({i.severity for i in incidents} - set(counts)):
        counts[unknown] = 0
    for incident in incidents:
        counts[incident.severity] += 1
    return tuple(counts.items())


def _by_status(incidents: list[Incident]) -> tuple[tuple[str, int], ...]:
    counts = dict.fromkeys(STATUSES, 0)
    for incident in incidents:
        counts[incident.status] = counts.get(incident.status, 0) + 1
    return tuple(counts.items())


def _compliance(
    incidents: list[Incident],
    histories: Mapping[int, sla.IncidentHistory],
    policy: Policy,
    now: dt.datetime,
    breached: Collection[tuple[int, str]],
) -> tuple[TimerCompliance, ...]:
    tally = {name: {sla.MET: 0, sla.OVERDUE: 0, "running": 0} for name in SLA_TIMERS}
    for incident in incidents:
        for timer in sla.timers(incident, policy, now, histories.get(incident.id)):
            if timer.name not in tally:
                continue
            state = timer.state if timer.state in (sla.MET, sla.OVERDUE) else "running"
            if (incident.id, timer.name) in breached:
                state = sla.OVERDUE
            tally[timer.name][state] += 1
    return tuple(
        TimerCompliance(
            timer=name,
            label=sla.LABELS[name],
            met=counts[sla.MET],
            breached=counts[sla.OVERDUE],
            running=counts["running"],
        )
        for name, counts in tally.items()
    )


def build_report(
    incidents: Iterable[Incident],
    histories: Mapping[int, sla.IncidentHistory],
    policy: Policy,
    now: dt.datetime,
    since: dt.datetime | None = None,
    breached: Collection[tuple[int, str]] = (),
) -> IncidentReport:
    """The report over `incidents` declared in [since, now], drills excluded.

    `histories` maps incident id to what the timeline says beyond the row
    (`queries.histories`); a missing id reads as no history. `breached` holds
    (incident id, timer) of every breach on the record.
    """
    in_period = [i for i in incidents if _in_period(i, since, now)]
    counted = [i for i in in_period if not i.drill]
    to_ack = [i.acknowledged_at - i.declared_at for i in counted if i.acknowledged_at is not None]
    to_resolve = [
        i.resolved_at - i.declared_at
        for i in counted
        if i.resolved_at is not None and i.status != "cancelled"
    ]
    return IncidentReport(
        since=since,
        until=now,
        incidents=len(counted),
        drills_excluded=len(in_period) - len(counted),
        by_severity=_by_severity(counted, policy),
        by_status=_by_status(counted),
        time_to_ack=duration_stats(to_ack),
        time_to_resolve=duration_stats(to_resolve),
        sla=_compliance(counted, histories, policy, now, frozenset(breached)),
    )
