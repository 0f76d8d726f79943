"""The incident report: how many incidents, how fast they were handled, which SLAs held.

Pure computation over incident records, their histories, the policy and
`now`; the CLI (`warroom report`) reads the store and prints the result.

What counts:

- Incidents declared in the period `since <= declared_at <= now` (no
  `since`: every incident up to now). Drills are left out everywhere and only
  counted, in `drills_excluded`; with `drills=True` it is the other way
  round: only drills are measured (how fast the team is in exercises) and
  real incidents are counted in `real_excluded`.
- Count by severity: the incident's current severity; every policy severity
  is listed, zeros included, in policy order (unknown names follow, sorted).
  Count by status: every status, in lifecycle order.
- Times are measured from when it started, not when it was declared (see
  `incident_record.response_times`): detect (impact start to detection),
  acknowledge (detection to acknowledgement), mitigate and resolve (impact
  start, else the first sign, to mitigation / resolution), and customer
  impact (impact start to impact end, both recorded). Detect counts only
  incidents with an impact start on record. Each over the incidents
  where both ends are known, for all and by the current severity; count,
  mean, median and p90.
- Time to acknowledge counts acknowledged incidents (cancelled ones included:
  someone did pick them up). Mitigate and resolve leave cancelled incidents
  out: they were called off, not fixed. A reopened incident counts to its
  last resolution, time spent resolved included.
- Percentiles are nearest-rank: the p-th percentile of n sorted values is the
  value at rank ceil(p * n / 100), so it is always a time that happened. The
  median is the 50th percentile, i.e. the lower middle value when n is even.
  An empty set has none (None).
- SLA compliance, per timer of `sla.timers` at `now` (ack, first_update,
  update, external_update, resolve, postmortem): `met`, `breached` (overdue
  while running, or missed: stopped late) and `running` (ok or warning: not decided yet).
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
from warroom.domain.incident_record import customer_impact, response_times
from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.domain.vocabulary import STATUSES

# The timers that are service-level targets, in display order.
SLA_TIMERS: tuple[str, ...] = (
    "ack",
    "first_update",
    "update",
    "external_update",
    "resolve",
    "postmortem",
)

# The measures of how fast, in display order: name -> what the text calls it.
MEASURES: dict[str, str] = {
    "detect": "detect",
    "acknowledge": "acknowledge",
    "mitigate": "mitigate",
    "resolve": "resolve",
    "impact": "customer impact",
}


@dataclass(frozen=True)
class DurationStats:
    """How long something took across incidents: how many, the mean, median and p90."""

    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None
    mean: dt.timedelta | None = None


@dataclass(frozen=True)
class TimeMeasure:
    """One measure (detect, acknowledge, ...) over all incidents and by severity."""

    name: str
    label: str
    overall: DurationStats
    by_severity: tuple[tuple[str, DurationStats], ...]  # severities with at least one


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
    times: tuple[TimeMeasure, ...] = ()
    drills: bool = False  # True: drills measured, real incidents left out
    real_excluded: int = 0


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
    """Count, median and p90 (nearest rank) and mean (to the second) of some durations."""
    found = list(values)
    mean = None
    if found:
        total = sum((v for v in found), dt.timedelta(0))
        mean = dt.timedelta(seconds=round(total.total_seconds() / len(found)))
    return DurationStats(len(found), percentile(found, 50), percentile(found, 90), mean)


def _measured(incident: Incident) -> dict[str, dt.timedelta]:
    """Measure name -> how long it took, for the measures this incident has both ends of."""
    found = {r.name: r.took for r in response_times(incident, ()) if r.took is not None}
    if incident.impact_started_at is None:  # no start on record: nothing to detect from
        found.pop("detect", None)
    if incident.status == "cancelled":  # called off, not fixed
        found.pop("mitigate", None)
        found.pop("resolve", None)
    impact = customer_impact(incident).took
    if impact is not None:
        found["impact"] = impact
    return found


def _times(incidents: list[Incident], policy: Policy) -> tuple[TimeMeasure, ...]:
    measured = [(i.severity, _measured(i)) for i in incidents]
    order = [name for name, _ in _by_severity(incidents, policy)]
    found = []
    for name, label in MEASURES.items():
        by_severity = tuple(
            (severity, duration_stats(m[name] for sev, m in measured if sev == severity))
            for severity in order
            if any(sev == severity and name in m for sev, m in measured)
        )
        overall = duration_stats(m[name] for _, m in measured if name in m)
        found.append(TimeMeasure(name, label, overall, by_severity))
    return tuple(found)


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
            state = {sla.MET: sla.MET, sla.OVERDUE: sla.OVERDUE, sla.MISSED: sla.OVERDUE}.get(
                timer.state, "running"
            )
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
    *,
    drills: bool = False,
) -> IncidentReport:
    """The report over `incidents` declared in [since, now], drills excluded (with
    `drills`: drills only).

    `histories` maps incident id to what the timeline says beyond the row
    (`queries.histories`); a missing id reads as no history. `breached` holds
    (incident id, timer) of every breach on the record.
    """
    in_period = [i for i in incidents if _in_period(i, since, now)]
    counted = [i for i in in_period if i.drill == drills]
    times = _times(counted, policy)
    by_name = {t.name: t.overall for t in times}
    return IncidentReport(
        since=since,
        until=now,
        incidents=len(counted),
        drills_excluded=0 if drills else len(in_period) - len(counted),
        by_severity=_by_severity(counted, policy),
        by_status=_by_status(counted),
        time_to_ack=by_name["acknowledge"],
        time_to_resolve=by_name["resolve"],
        sla=_compliance(counted, histories, policy, now, frozenset(breached)),
        times=times,
        drills=drills,
        real_excluded=len(in_period) - len(counted) if drills else 0,
    )
