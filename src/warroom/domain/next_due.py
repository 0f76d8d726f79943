"""The deadline an incident list shows for each incident, worked out once per change.

`warroom list` shows each incident's most urgent running timer (`sla.next_running`).
Which timer that is, and its deadline, follow from the stored times and the policy
alone; only the countdown and its state (ok / warning / overdue) move with the
clock. So the service works the deadline out when an incident's clock inputs change
(in the same transaction) and keeps it (`store.next_due`); a reader turns it into a
timer at its own `now` (`timer_at`), as `sla.next_running` would have.

One thing in it does depend on the moment it is worked out at: a ladder rung whose
condition is `unacknowledged` or `unresolved` stops at the acknowledgement or the
resolution, which may be recorded as happening later than now (a typed time). So a
kept deadline holds from the latest of those moments on (`NextDue.holds_from`), and
up to `LATEST`; a reader at an earlier moment works it out afresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from warroom.domain import sla
from warroom.domain.escalation import Holders
from warroom.domain.models import Engagement, Incident
from warroom.domain.policy import Policy, Severity
from warroom.domain.timefmt import LATEST, to_iso
from warroom.domain.vocabulary import OPEN_STATUSES

# resolved still runs the post-mortem clock; closed and cancelled run none
CLOCK_STATUSES = OPEN_STATUSES | {"resolved"}


def clocks_run(incident: Incident) -> bool:
    """Whether the incident has a clock still running: open or resolved, or closed
    with its post-mortem not yet done (closing is not the post-mortem)."""
    return incident.status in CLOCK_STATUSES or (
        incident.status == "closed" and incident.postmortem_done_at is None
    )


@dataclass(frozen=True, slots=True)
class NextDue:
    """The running timer `sla.next_running` reads (None: none runs), without the moment
    it is read at; the same for every moment from `holds_from` (None: any) to `LATEST`."""

    deadline: sla.Deadline | None
    holds_from: dt.datetime | None


def worked_out(
    incident: Incident,
    policy: Policy,
    history: sla.IncidentHistory,
    *,
    assigned: Holders,
    engaged: Sequence[Engagement],
) -> NextDue:
    """The incident's next deadline, for every moment after the stored times it turns on."""
    moments = [m for m in (incident.acknowledged_at, incident.resolved_at) if m is not None]
    # any moment after them reads the same; the declaration when there are none
    at = max(moments, default=incident.declared_at)
    found = sla.next_running(incident, policy, at, history, assigned=assigned, engaged=engaged)
    return NextDue(None if found is None else found[0], max(moments, default=None))


def holds_at(due: NextDue, now: dt.datetime) -> bool:
    """Whether `due` is what `sla.next_running` reads at `now`."""
    return (due.holds_from is None or due.holds_from <= now) and now < LATEST


def timer_at(due: NextDue, policy: Policy, now: dt.datetime) -> sla.Timer | None:
    """The timer `sla.next_running` returns at `now` (`holds_at`), without the
    escalation's `detail` (who the next rung calls: a list does not show it)."""
    return None if due.deadline is None else sla.timer_of(due.deadline, policy, now)


def keeps(policy: Policy) -> bool:
    """Whether deadlines under `policy` can be kept: not when a severity counts business
    hours (those deadlines also follow the zone's rules, which the system's time-zone
    data can change; they are worked out at each read)."""
    return policy.business_hours is None or not any(s.business_hours for s in policy.severities)


class Reading(NamedTuple):
    """A running timer (the list's next deadline: not done, so never missed either) as a
    list shows it at one moment: `sla.Timer`'s fields the list prints, with its
    countdown (`sla.countdown`) and its deadline as printed (`to_iso`) worked out once;
    a tuple, made for thousands of incidents at a time."""

    name: str
    label: str
    deadline: dt.datetime
    remaining: dt.timedelta
    state: str  # OK, WARNING or OVERDUE
    severity: str
    shown: str
    audience: str
    printed_deadline: str  # to_iso(deadline)


def reading_of(timer: sla.Timer) -> Reading:
    """Running `timer` (`sla.running_timer`) as a list shows it (without its `detail`)."""
    t = timer
    if t.done_at is not None:
        raise ValueError(f"the {t.name} timer is done: a list shows running timers only")
    return Reading(
        t.name, t.label, t.deadline, t.remaining, t.state, t.severity, sla.countdown(t),
        t.audience, to_iso(t.deadline),
    )  # fmt: skip


_ZERO = dt.timedelta(0)


def reading_at(
    name: str,
    deadline: str,
    severity: Severity,
    target_us: int,
    audience: str,
    policy: Policy,
    now: dt.datetime,
) -> Reading:
    """`reading_of(sla.timer_of(Deadline(name, <deadline>, severity, <target>, None,
    audience), policy, now))` of a kept deadline (`keeps(policy)`: no business hours;
    not yet met; `deadline` as `isoformat` wrote it, `target_us` in microseconds),
    without making the two records on the way (a test holds the two equal)."""
    at = dt.datetime.fromisoformat(deadline)
    remaining = at - now
    if remaining < _ZERO:
        state = sla.OVERDUE
    else:
        target = dt.timedelta(microseconds=target_us)
        reached = policy.warning_for(severity).reached(remaining, target)
        state = sla.WARNING if reached else sla.OK
    label = sla.label_for(name, audience)
    shown = sla.format_countdown(remaining)
    printed = to_iso(at)
    # made as Reading's __new__ makes it, without its call (a list makes thousands)
    fields = (name, label, at, remaining, state, severity.name, shown, audience, printed)
    return tuple.__new__(Reading, fields)
