"""The whole record of one incident, and how long things took (for the post-mortem).

The store reads an `IncidentRecord` in one snapshot; the post-mortem is
written from it. Durations are measured like this:

- When it started: `impact_started_at` (customer impact began), else the
  first sign: the earliest `at` of any timeline entry, `detected_at` or the
  declaration.
- When it was detected: `detected_at` (an alert's start), else the declaration.
- Time to detect: detected minus started (0 when detection came first).
- Time to acknowledge: acknowledged_at minus detected (the alert was there
  to be picked up from then).
- Time to mitigate / resolve: mitigated_at (the first move to monitoring,
  else the resolution) / resolved_at minus started; a reopened incident
  counts to its last resolution.
- Customer impact: impact_ended_at minus impact_started_at, when both are
  recorded (see `customer_impact`).
- Time at each severity: from the `severity` rows (data from/to), from the
  declaration to when the incident stopped being open (resolved or
  cancelled), clipped at `now` while it is live.
- Time in each status: from the `status` rows, from the declaration to the
  closing or cancellation; a live or resolved incident is clipped at `now`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from warroom.domain import sla
from warroom.domain.checklists import Checklist
from warroom.domain.models import Engagement, FollowUp, Incident, TimelineEntry
from warroom.domain.timeline_state import fold
from warroom.domain.vocabulary import FINAL_STATUSES, OPEN_STATUSES, ROLES, STATUSES

_ZERO = dt.timedelta(0)


@dataclass(frozen=True)
class RoleSpell:
    """A role held by a person, from `assigned_at` until `ended_at` (None: still)."""

    role: str
    person: str
    assigned_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class PostedUpdate:
    """A status update as it was sent (the composer lists them, the post-mortem quotes them)."""

    posted_at: dt.datetime
    audience: str
    author: str
    body: str
    template: str = ""


@dataclass(frozen=True)
class RecordedBreach:
    timer: str
    deadline: dt.datetime
    recorded_at: dt.datetime


Escalation = Engagement  # a rung reached: the record quotes what the console shows


@dataclass(frozen=True)
class IncidentRecord:
    """Everything the post-mortem is written from (timeline: every row, pins included)."""

    incident: Incident
    timeline: tuple[TimelineEntry, ...]
    roles: tuple[RoleSpell, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    updates: tuple[PostedUpdate, ...] = ()
    breaches: tuple[RecordedBreach, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    history: sla.IncidentHistory = field(default_factory=sla.IncidentHistory)


def stamp(at: dt.datetime) -> str:
    """`2026-11-24 00:05 UTC`."""
    return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def span(delta: dt.timedelta) -> str:
    """`45s`, `4m 10s`, `1h 4m`, `2d 3h`: the two largest units, zeros left out."""
    seconds = max(0, int(delta.total_seconds()))
    parts: list[tuple[int, str]] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count or parts:
            parts.append((count, unit))
    return " ".join(f"{n}{u}" for n, u in parts[:2] if n) or "0s"


def first_sign(incident: Incident, timeline: Sequence[TimelineEntry]) -> dt.datetime:
    """The earliest moment on record: the declaration, or an entry backdated before it
    (as it reads now: a struck entry is no evidence of anything)."""
    moments = [s.entry.at for s in fold(timeline) if not s.struck] + [incident.declared_at]
    if incident.detected_at is not None:
        moments.append(incident.detected_at)
    return min(moments)


def _status_moves(timeline: Sequence[TimelineEntry], to: tuple[str, ...]) -> list[dt.datetime]:
    return [e.at for e in timeline if e.kind == "status" and e.data.get("to") in to]


def ended_at(
    incident: Incident, timeline: Sequence[TimelineEntry], now: dt.datetime
) -> dt.datetime:
    """When the incident stopped being open (resolved or cancelled); `now` while live."""
    if incident.status in OPEN_STATUSES:
        return now
    stops = _status_moves(timeline, ("resolved", "cancelled"))
    return max(stops, default=incident.resolved_at or now)


def time_in(
    incident: Incident,
    timeline: Sequence[TimelineEntry],
    kind: str,
    initial: str,
    end: dt.datetime,
) -> dict[str, dt.timedelta]:
    """Time at each value of `kind` (`status`, `severity`) from declaration to `end`."""
    changes = sorted(
        (e.at, e.id, str(e.data["to"])) for e in timeline if e.kind == kind and "to" in e.data
    )
    totals: dict[str, dt.timedelta] = {}
    current, since = initial, incident.declared_at
    for at, _, new in changes:
        at = min(max(at, since), end)
        totals[current] = totals.get(current, _ZERO) + (at - since)
        current, since = new, at
    totals[current] = totals.get(current, _ZERO) + max(end - since, _ZERO)
    return totals


def time_at_severity(
    incident: Incident, timeline: Sequence[TimelineEntry], now: dt.datetime
) -> dict[str, dt.timedelta]:
    """Severity -> time spent at it, in the order the incident went through them."""
    first = next((e for e in timeline if e.kind == "severity" and "from" in e.data), None)
    initial = str(first.data["from"]) if first else incident.severity
    return time_in(incident, timeline, "severity", initial, ended_at(incident, timeline, now))


def time_in_status(
    incident: Incident, timeline: Sequence[TimelineEntry], now: dt.datetime
) -> dict[str, dt.timedelta]:
    """Status -> time spent in it, in lifecycle order (closed and cancelled have none)."""
    final = _status_moves(timeline, tuple(FINAL_STATUSES))
    end = max(final) if incident.status in FINAL_STATUSES and final else now
    totals = time_in(incident, timeline, "status", "investigating", end)
    order = {name: i for i, name in enumerate(STATUSES)}
    return {
        name: totals[name]
        for name in sorted(totals, key=lambda s: order.get(s, len(order)))
        if name not in FINAL_STATUSES
    }


@dataclass(frozen=True)
class ResponseTime:
    """One measure: how long it took (None: not yet), and between which moments."""

    name: str  # detect / acknowledge / mitigate / resolve
    took: dt.timedelta | None
    start: dt.datetime
    end: dt.datetime | None


def started_at(incident: Incident, timeline: Sequence[TimelineEntry]) -> dt.datetime:
    """When the incident started: customer impact's start, else the first sign."""
    return incident.impact_started_at or first_sign(incident, timeline)


def detected_at(incident: Incident) -> dt.datetime:
    """When it was detected: `detected_at` (an alert's start), else the declaration."""
    return incident.detected_at or incident.declared_at


def response_times(incident: Incident, timeline: Sequence[TimelineEntry]) -> list[ResponseTime]:
    """Time to detect, acknowledge, mitigate and resolve (see the module doc)."""
    start, detected = started_at(incident, timeline), detected_at(incident)
    found = [ResponseTime("detect", max(detected - start, _ZERO), start, detected)]
    for name, since, at in (
        ("acknowledge", detected, incident.acknowledged_at),
        ("mitigate", start, incident.mitigated_at or incident.resolved_at),  # resolving mitigates
        ("resolve", start, incident.resolved_at),
    ):
        took = None if at is None else max(at - since, _ZERO)
        found.append(ResponseTime(name, took, since, at))
    return found


@dataclass(frozen=True)
class CustomerImpact:
    """How long customers were affected; `took` None when start or end is not recorded."""

    took: dt.timedelta | None
    start: dt.datetime | None
    end: dt.datetime | None

    def said(self) -> str:
        """`2h 5m (09:40 → 11:45 UTC)`, or what is missing."""
        if self.start is None:
            return "not recorded (no impact start: `warroom times ID --impact-start`)"
        if self.end is None or self.took is None:
            return f"from {stamp(self.start)}; impact end not recorded yet"
        return f"{span(self.took)} ({stamp(self.start)} → {stamp(self.end)})"


def customer_impact(incident: Incident) -> CustomerImpact:
    """Customer impact from impact_started_at to impact_ended_at (both recorded)."""
    start, end = incident.impact_started_at, incident.impact_ended_at
    took = max(end - start, _ZERO) if start is not None and end is not None else None
    return CustomerImpact(took, start, end)


def participants(record: IncidentRecord) -> dict[str, list[str]]:
    """Person -> what they did: each role held (when it changed hands) and each escalation."""
    held: dict[str, list[str]] = {}
    handed: set[str] = set()  # roles with an earlier holder: say when each took over
    for spell in record.roles:
        since = f" from {stamp(spell.assigned_at)}" if spell.role in handed else ""
        until = f" until {stamp(spell.ended_at)}" if spell.ended_at else ""
        handed.add(spell.role)
        held.setdefault(spell.person, []).append(
            f"{ROLES.get(spell.role, spell.role)}{since}{until}"
        )
    for e in record.escalations:
        if e.person:  # a rung nobody held called nobody
            held.setdefault(e.person, []).append(f"escalated to as {e.who}")
    return held
