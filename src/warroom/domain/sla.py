"""SLA timers, right to the second: incident + policy + now -> timers.

Timers are computed, never stored: each deadline derives from stored
timestamps and the policy, so the console can ask once a second.

The timers, in display order:

- `ack`          Acknowledge by: declaration + ack; met when acknowledged.
- `first_update` First external update by: declaration + first_update; met
                 only by the first *external* (customer) update.
- `update`       Next update due: the last posted update (else declaration)
                 + update_every; each posted update starts the next beat.
                 A severity with one cadence has this one clock, which an
                 update to either audience meets. A severity with a cadence
                 per audience (`update_every: {internal: 15m, external: 30m}`)
                 has "Next internal update due", met only by internal posts,
                 and `external_update`.
- `external_update` Next customer update due: the last external update +
                 the external cadence; only with a cadence per audience, and
                 only once the first external update went out (before that,
                 `first_update` is the customer clock).
- `resolve`      Resolve by: declaration + resolve_within; met when resolved.
- `postmortem`   Post-mortem due: resolution + postmortem_due; only once
                 resolved; met when the post-mortem is marked done (closing
                 the incident is not the post-mortem).
- `escalation`   Next escalation: when the next ladder rung fires (see
                 escalation.py); absent when no rung is left to fire;
                 overdue while a due rung waits for auto-advance (never a
                 breach).

States: `ok`; `warning` once the time left is within the policy's warning
threshold (`warn_before`: a share of the timer's target, or a fixed lead);
`overdue` once the deadline has passed; `met` when done in time. Exactly at
the deadline a timer is still on time (remaining 0, warning); one second
later it is overdue. A timer that stopped late is `missed`: it no longer
ticks, its remaining frozen (negative) at the moment it stopped, so the miss
and its size stay visible ("missed by 5m02s").

Rules:

- Resolve stops the ack, first-update, update and resolve timers at the
  resolution: each is met if that came in time, else missed (frozen). The
  post-mortem timer starts then. An update posted after the resolution
  does not count on the update clocks (it cannot make a missed beat met).
  Cancelling an incident stops everything: a cancelled incident has no timers.
- Reopen: time spent resolved does not count on any clock. Each earlier
  (resolved, reopened) spell is skipped, so a resolve timer with ten minutes
  left at the resolution has ten minutes left after the reopen; a deadline
  that had already passed before the resolution stays where it was.
- Severity change at time c, for a timer still running with deadline D: the
  new severity's target T applies as `max(anchor + T, min(D, c + T))`. A
  downgrade (longer targets) counts the new target from the timer's start,
  as if the severity had always been the new one; an upgrade (shorter
  targets) gives the new, shorter window from the change, but never later
  than the old deadline. Timers already stopped are not touched, and a
  downgrade can lift an overdue timer (its breach stays in the timeline).
- Business hours: a severity marked `business_hours` counts its targets in
  working time (see business_hours.py); its deadlines are still instants and
  `remaining` is wall-clock time to them, while warning uses working time.
- An incident whose severity the policy does not know has no timers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from warroom.domain.business_hours import Spell, business_budget, clock_time_between, run_clock
from warroom.domain.escalation import Holders, next_rung
from warroom.domain.models import Engagement, Incident
from warroom.domain.policy import Policy, Severity
from warroom.domain.update_clocks import PostedUpdates, posted_from_row
from warroom.errors import InvalidInput

OK = "ok"
WARNING = "warning"
OVERDUE = "overdue"
MET = "met"
MISSED = "missed"  # stopped after its deadline: frozen, never ticking again

LABELS: dict[str, str] = {
    "ack": "Acknowledge by",
    "first_update": "First external update by",
    "update": "Next update due",
    "external_update": "Next customer update due",
    "resolve": "Resolve by",
    "postmortem": "Post-mortem due",
    "escalation": "Next escalation",
}


@dataclass(frozen=True, slots=True)
class SeverityChange:
    """A re-classification from the timeline: at `at`, `old` became `new`."""

    at: dt.datetime
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class IncidentHistory:
    """What the incident row alone does not say; the store derives it from the timeline.

    Everything is optional: without it the current severity counts from
    declaration, the first external update is taken to be the last posted
    one, and the incident is taken never to have been reopened.
    """

    severity_changes: tuple[SeverityChange, ...] = ()
    first_update_at: dt.datetime | None = None
    # (resolved_at, reopened_at) of every resolution a reopen undid, oldest first
    reopened: tuple[Spell, ...] = ()
    # the updates the clocks count, by audience (None: taken from the incident row)
    updates: PostedUpdates | None = None


@dataclass(frozen=True)
class Timer:
    """One countdown: its deadline, the time left (negative when overdue), its state."""

    name: str  # ack / first_update / update / external_update / resolve / postmortem / escalation
    label: str
    deadline: dt.datetime
    remaining: dt.timedelta
    state: str  # ok / warning / overdue / met / missed
    severity: str  # the severity whose target set the deadline
    done_at: dt.datetime | None = None  # when it was met or stopped
    business_hours: bool = False  # counts working hours only
    detail: str = ""  # e.g. who the next escalation calls
    audience: str = ""  # update clocks: internal / external; "" either audience


@dataclass(frozen=True)
class Breach:
    """A timer whose deadline passed before it was met: written once, at `deadline`."""

    timer: str
    label: str
    deadline: dt.datetime
    severity: str


INTERNAL_UPDATE = "Next internal update due"


def label_for(name: str, audience: str | None) -> str:
    """A timer's label (`LABELS`; the update timer for internal audiences says so)."""
    if name == "update" and audience == "internal":
        return INTERNAL_UPDATE
    return LABELS[name]


def _severity_of(policy: Policy, name: str) -> Severity | None:
    """`_Clocks.lookup`, without working out the incident's clocks."""
    try:
        return policy.severity(name)
    except InvalidInput:
        return None


class _Clocks:
    """The incident's severities over time and how their clocks run."""

    def __init__(self, incident: Incident, policy: Policy, history: IncidentHistory) -> None:
        self.policy = policy
        self.changes = sorted(history.severity_changes, key=lambda c: c.at)
        self.pauses = history.reopened
        first = self.changes[0].old if self.changes else incident.severity
        self.initial = self.lookup(first) or self.lookup(incident.severity)

    def lookup(self, name: str) -> Severity | None:
        return _severity_of(self.policy, name)

    def severity_at(self, at: dt.datetime) -> Severity | None:
        severity = self.initial
        for change in self.changes:
            if change.at <= at:
                severity = self.lookup(change.new) or severity
        return severity

    def run(self, start: dt.datetime, severity: Severity, target: dt.timedelta) -> dt.datetime:
        return run_clock(start, target, self.policy.clock_for(severity), self.pauses)

    def deadline(
        self,
        anchor: dt.datetime,
        target: Callable[[Severity], dt.timedelta],
        stop: dt.datetime | None,
    ) -> tuple[dt.datetime, Severity] | None:
        """The deadline of a timer started at `anchor`, re-targeted by later changes."""
        severity = self.severity_at(anchor)
        if severity is None:
            return None
        due = self.run(anchor, severity, target(severity))
        for change in self.changes:
            new = self.lookup(change.new)
            if new is None or change.at <= anchor or (stop is not None and change.at >= stop):
                continue
            from_anchor = self.run(anchor, new, target(new))
            from_change = self.run(change.at, new, target(new))
            due, severity = max(from_anchor, min(due, from_change)), new
        return due, severity


def _first(*moments: dt.datetime | None) -> dt.datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None


def _timer(
    name: str,
    deadline: dt.datetime,
    severity: Severity,
    target: dt.timedelta,
    policy: Policy,
    now: dt.datetime,
    done_at: dt.datetime | None,
    detail: str = "",
    audience: str = "",
) -> Timer:
    hours = policy.clock_for(severity)
    if done_at is not None:
        remaining = deadline - done_at
        state = MET if done_at <= deadline else MISSED
    else:
        remaining = deadline - now
        if remaining < dt.timedelta(0):
            state = OVERDUE
        else:
            left = clock_time_between(now, deadline, hours)
            window = business_budget(hours, target) if hours else target
            state = WARNING if policy.warning_for(severity).reached(left, window) else OK
    label = label_for(name, audience)
    return Timer(
        name=name,
        label=label,
        deadline=deadline,
        remaining=remaining,
        state=state,
        severity=severity.name,
        done_at=done_at,
        business_hours=hours is not None,
        detail=detail,
        audience=audience,
    )


@dataclass(frozen=True, slots=True)
class Deadline:
    """A timer's deadline without the moment it is read at (`timers` adds that)."""

    name: str
    deadline: dt.datetime
    severity: Severity
    target: dt.timedelta
    done_at: dt.datetime | None  # met or stopped: its state no longer moves
    audience: str = ""  # update clocks: internal / external; "" either audience


def deadlines(
    incident: Incident,
    policy: Policy,
    history: IncidentHistory | None = None,
    *,
    running_only: bool = False,
) -> tuple[Deadline, ...]:
    """The deadlines of every timer but the escalation, in display order.

    They change only when the incident or its history does, so a reader that
    shows them every second (the console) keeps them between changes.
    `running_only`: only those still running (no `done_at`), the others not worked out.
    """
    if incident.status == "cancelled":
        return ()
    history = history or IncidentHistory()
    clocks = _Clocks(incident, policy, history)
    declared, resolved = incident.declared_at, incident.resolved_at
    posted = history.updates or posted_from_row(incident)
    first_external = history.first_update_at
    if history.updates is None:
        first_external = first_external or posted.last_any_at
    current = clocks.lookup(incident.severity)
    split = current is not None and current.external_update_every is not None
    Plan = tuple[str, dt.datetime, Callable[[Severity], dt.timedelta], dt.datetime | None, str]
    plan: list[Plan] = [
        ("ack", declared, lambda s: s.ack, _first(incident.acknowledged_at, resolved), ""),
        ("first_update", declared, lambda s: s.first_update, _first(first_external, resolved), ""),
    ]
    if split:
        plan.append(
            (
                "update",
                posted.last_internal_at or declared,
                lambda s: s.update_every,
                resolved,
                "internal",
            )
        )
        if posted.last_external_at is not None:
            plan.append(
                ("external_update", posted.last_external_at, _external_every, resolved, "external")
            )
    else:
        plan.append(
            ("update", posted.last_any_at or declared, lambda s: s.update_every, resolved, "")
        )
    plan.append(("resolve", declared, lambda s: s.resolve_within, resolved, ""))
    if resolved is not None:
        plan.append(
            ("postmortem", resolved, lambda s: s.postmortem_due, incident.postmortem_done_at, "")
        )
    found: list[Deadline] = []
    for name, anchor, target, done_at, audience in plan:
        if running_only and done_at is not None:
            continue
        try:
            result = clocks.deadline(anchor, target, done_at)
        except OverflowError:  # a deadline past year 9999 never comes: no timer to show
            continue
        if result is not None:
            deadline, severity = result
            found.append(Deadline(name, deadline, severity, target(severity), done_at, audience))
    return tuple(found)


def _external_every(severity: Severity) -> dt.timedelta:
    """The customer cadence; a severity with one cadence uses it for both audiences."""
    return severity.external_update_every or severity.update_every


def is_overdue(deadline: Deadline, now: dt.datetime) -> bool:
    """Whether the timer of `deadline` reads overdue at `now` (as `timers` says)."""
    if deadline.done_at is not None:
        return deadline.done_at > deadline.deadline
    return deadline.deadline - now < dt.timedelta(0)


def timers(
    incident: Incident,
    policy: Policy,
    now: dt.datetime,
    history: IncidentHistory | None = None,
    *,
    assigned: Holders | None = None,
    engaged: Sequence[Engagement] | None = None,  # the ladder's calls on record
) -> tuple[Timer, ...]:
    """Every timer of `incident` at `now`, in display order (see the module doc).

    `assigned` (incident role key -> person) lets the next escalation name the
    incident's own Tech lead rather than the ladder's title.
    """
    if incident.status == "cancelled":
        return ()
    history = history or IncidentHistory()
    found = [timer_of(d, policy, now) for d in deadlines(incident, policy, history)]
    escalation = _escalation(incident, policy, now, history, assigned, engaged)
    if escalation is not None:
        found.append(timer_of(escalation[0], policy, now, escalation[1]))
    return tuple(found)


def timer_of(deadline: Deadline, policy: Policy, now: dt.datetime, detail: str = "") -> Timer:
    """The timer of `deadline` at `now`."""
    d = deadline
    return _timer(
        d.name, d.deadline, d.severity, d.target, policy, now, d.done_at, detail, d.audience
    )


def _escalation(
    incident: Incident,
    policy: Policy,
    now: dt.datetime,
    history: IncidentHistory,
    assigned: Holders | None,
    engaged: Sequence[Engagement] | None,
) -> tuple[Deadline, str] | None:
    """The next escalation's deadline and who it calls (its timer's detail), or None
    when no rung is to come (or the incident's severity is not in the policy)."""
    current = _severity_of(policy, incident.severity)
    step = next_rung(
        incident, policy, now, pauses=history.reopened, assigned=assigned, engaged=engaged
    )
    if current is None or step is None:
        return None
    deadline = Deadline("escalation", step.due_at, current, step.rung.after, None)
    return deadline, step.responder.name or f"nobody holds {step.rung.who}"


def running_timer(
    found: tuple[Deadline, str] | None, policy: Policy, now: dt.datetime
) -> Timer | None:
    """The timer of `next_running`'s deadline at `now` (None: none runs)."""
    return None if found is None else timer_of(found[0], policy, now, found[1])


def next_running(
    incident: Incident,
    policy: Policy,
    now: dt.datetime,
    history: IncidentHistory | None = None,
    *,
    assigned: Holders | None = None,
    engaged: Sequence[Engagement] | None = None,
) -> tuple[Deadline, str] | None:
    """The deadline of `most_urgent(timers(...))` and its detail, with only that one
    worked out (None: no timer runs); `running_timer` makes it the timer.

    A running timer (not met, not stopped) has no `done_at`, so the least time
    left is the earliest deadline; ties go to the first in display order, the
    escalation last, as `most_urgent` does. For a list of thousands of incidents.
    """
    if incident.status == "cancelled":
        return None
    history = history or IncidentHistory()
    running = deadlines(incident, policy, history, running_only=True)
    first = min(running, key=lambda d: d.deadline, default=None)
    escalation = _escalation(incident, policy, now, history, assigned, engaged)
    if escalation is not None and (first is None or escalation[0].deadline < first.deadline):
        return escalation
    return None if first is None else (first, "")


def breaches(
    incident: Incident,
    policy: Policy,
    now: dt.datetime,
    history: IncidentHistory | None = None,
) -> tuple[Breach, ...]:
    """Timers whose deadline has passed unmet, with that deadline.

    The store writes each breach once (keyed by timer and deadline), dated at
    the deadline. A due escalation is not a breach: it is the ladder's next
    step, and auto-advance takes it.
    """
    return tuple(
        Breach(t.name, t.label, t.deadline, t.severity)
        for t in timers(incident, policy, now, history)
        if t.state in (OVERDUE, MISSED) and t.name != "escalation"
    )


def span(seconds: int) -> str:
    """A length of time with its units, never like a clock time: `45s`, `9m13s`
    (to the second within the hour), `3h44m`, `2d 03h`."""
    if seconds >= 86400:
        days, rest = divmod(seconds, 86400)
        return f"{days}d {rest // 3600:02d}h"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def format_countdown(remaining: dt.timedelta) -> str:
    """`in 4m12s`, `in 3h44m`, `in 2d 03h`, `due now` at the deadline itself;
    `OVERDUE 4m12s` once past it. A countdown always carries its units (and
    `in` while time is left), so it never reads as a clock time such as `13:00`.

    Part seconds round up while time is left (`due now` only at the deadline).
    """
    total = remaining.total_seconds()
    if total < 0:
        return f"OVERDUE {span(math.ceil(-total))}"
    if total == 0:
        return "due now"
    return f"in {span(math.ceil(total))}"


def countdown(timer: Timer) -> str:
    """What a timer reads: `met` once met, `missed by 5m02s` once stopped late,
    else its countdown."""
    if timer.state == MET:
        return "met"
    if timer.state == MISSED:
        return f"missed by {span(math.ceil(-timer.remaining.total_seconds()))}"
    return format_countdown(timer.remaining)


def most_urgent(found: tuple[Timer, ...]) -> Timer | None:
    """The running timer with the least time left (overdue ones first); None if all are met."""
    running = [t for t in found if t.state != MET and t.done_at is None]
    return min(running, key=lambda t: t.remaining, default=None)
