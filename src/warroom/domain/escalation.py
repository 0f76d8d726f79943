"""Escalation ladders: who gets pulled in, when, and who that is at the moment.

A severity's ladder lists rungs in the order they fire. Each rung names who
(the rota, e.g. `On-call`, or `On-call secondary`; an incident role such as
`Tech lead`; a title from the policy's `roles`, e.g. `CTO`; a contact; or a
team as written), after how long since declaration, on which condition, and
how to notify (the severity's method unless the rung names its own).

The incident's escalation level says how far up the ladder it has gone:
rungs 1..level have been reached, automatically or by hand. The rules:

- A rung comes due `after` its time since declaration, counted on the
  severity's clock (working hours for a business-hours severity) and not
  counting time the incident spent resolved before a reopen.
- `unacknowledged` rungs fire only while nobody has acknowledged;
  `unresolved` rungs while the incident is unresolved. Acknowledging stops
  the first kind, resolving (or cancelling) stops all; a reopen makes
  `unresolved` rungs live again.
- Auto-advance moves the level past every due rung at once (`level_after`);
  stopped rungs in between are passed over. A rung below the level whose
  condition had already stopped at its time is reported as passed over, not
  engaged (someone may have engaged it by hand: the timeline has the record).
- A severity change swaps in the new severity's ladder. The level counts
  rungs of the current ladder (capped at its length); rungs whose time has
  already come are due at once, so an upgrade to P0 after 45 minutes calls
  the CTO now.
- People are resolved when the rung is reached: engaged rungs at their due
  time (or now, if engaged early by hand), due rungs now, waiting rungs at
  the moment they will fire, so a rota hand-over in between is honoured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from warroom.domain.business_hours import Spell, run_clock
from warroom.domain.models import Incident
from warroom.domain.policy import LadderRung, Policy, Severity
from warroom.domain.rota import Contact, on_call
from warroom.domain.vocabulary import parse_role
from warroom.errors import InvalidInput

ENGAGED = "engaged"  # reached: this rung's people are in
PASSED = "passed"  # below the level, but its condition had stopped at its time
DUE = "due"  # time has come and the condition holds: auto-advance now
WAITING = "waiting"  # its time is still to come and the condition holds
STOPPED = "stopped"  # will not fire: acknowledged / resolved


@dataclass(frozen=True)
class Responder:
    """Who a rung's `who` means: a person (with contact details) or a team as written."""

    who: str  # as the ladder says it: "On-call"
    name: str  # the person: "Ana Lima" (or the team: "Support team")
    via: str  # "rota", "incident role", "role", "contact" or "as written"
    contact: Contact | None = None


@dataclass(frozen=True)
class RungStatus:
    """One rung of the ladder as it stands at a moment."""

    level: int  # 1-based: the first rung is level 1
    rung: LadderRung
    due_at: dt.datetime
    state: str  # engaged / passed / due / waiting / stopped
    responder: Responder
    notify: str


@dataclass(frozen=True)
class LadderStatus:
    """The ladder of an incident at `now`: who is engaged, what comes next."""

    rungs: tuple[RungStatus, ...]
    level: int  # rungs reached so far (as stored, capped at the ladder's length)

    @property
    def engaged(self) -> tuple[RungStatus, ...]:
        """Rungs reached whose people are in."""
        return tuple(r for r in self.rungs if r.state == ENGAGED)

    @property
    def current(self) -> RungStatus | None:
        """The highest engaged rung, if any."""
        return self.engaged[-1] if self.engaged else None

    @property
    def due(self) -> tuple[RungStatus, ...]:
        """Rungs to engage now (their time has passed and the condition holds)."""
        return tuple(r for r in self.rungs if r.state == DUE)

    @property
    def next(self) -> RungStatus | None:
        """The next rung to fire: the first due or waiting one."""
        return next((r for r in self.rungs if r.state in (DUE, WAITING)), None)

    @property
    def next_at(self) -> dt.datetime | None:
        """When the next rung fires (in the past when it is already due)."""
        return self.next.due_at if self.next else None

    @property
    def level_after(self) -> int:
        """The level once every due rung has been engaged (auto-advance)."""
        return max((r.level for r in self.due), default=self.level)


def condition_holds(incident: Incident, rung: LadderRung, at: dt.datetime) -> bool:
    """Whether a rung's condition (unacknowledged / unresolved) still held at `at`."""
    if incident.resolved_at is not None and incident.resolved_at <= at:
        return False
    if rung.when == "unacknowledged":
        return incident.acknowledged_at is None or incident.acknowledged_at > at
    return True


def rung_due_at(
    incident: Incident,
    policy: Policy,
    severity: Severity,
    rung: LadderRung,
    pauses: Sequence[Spell] = (),
) -> dt.datetime:
    """When a rung of `severity`'s ladder comes due for `incident`."""
    return run_clock(incident.declared_at, rung.after, policy.clock_for(severity), pauses)


def resolve_who(
    policy: Policy, who: str, at: dt.datetime, assigned: Mapping[str, str] | None = None
) -> Responder:
    """The person `who` means at `at`.

    In order: the rota (`On-call` -> primary, `On-call secondary` -> secondary),
    the incident's own role holders (`assigned`: role key such as `tech-lead`
    -> person), the policy's `roles` titles, a contact's name; otherwise the
    text as written (a team such as `Support team`).
    """
    key = who.strip().casefold()
    rota = policy.rota
    if rota is not None and key in (rota.name.casefold(), f"{rota.name} secondary".casefold()):
        pair = on_call(rota, at)
        person = pair.primary if key == rota.name.casefold() else pair.secondary
        if person:
            return Responder(who, person, "rota", policy.contact(person))
    if assigned:
        try:
            role = parse_role(who)
        except InvalidInput:
            role = ""
        if assigned.get(role):
            person = assigned[role]
            return Responder(who, person, "incident role", policy.contact(person))
    for title, person in policy.roles.items():
        if title.casefold() == key:
            return Responder(who, person, "role", policy.contact(person))
    contact = policy.contact(who)
    if contact is not None:
        return Responder(who, contact.name, "contact", contact)
    return Responder(who, who.strip(), "as written")


def _severity(policy: Policy, name: str) -> Severity | None:
    try:
        return policy.severity(name)
    except InvalidInput:
        return None


def _rung(
    incident: Incident,
    policy: Policy,
    severity: Severity,
    index: int,
    reached: int,
    now: dt.datetime,
    pauses: Sequence[Spell],
    assigned: Mapping[str, str] | None,
) -> RungStatus:
    rung = severity.ladder[index]
    due_at = rung_due_at(incident, policy, severity, rung, pauses)
    if index < reached:
        at = min(due_at, now)
        state = ENGAGED if condition_holds(incident, rung, at) else PASSED
    elif incident.status == "cancelled" or not condition_holds(incident, rung, now):
        at, state = due_at, STOPPED
    elif due_at <= now:
        at, state = now, DUE
    else:
        at, state = due_at, WAITING
    return RungStatus(
        level=index + 1,
        rung=rung,
        due_at=due_at,
        state=state,
        responder=resolve_who(policy, rung.who, at, assigned),
        notify=rung.notify or severity.notify,
    )


def ladder_status(
    incident: Incident,
    policy: Policy,
    now: dt.datetime,
    level: int | None = None,
    *,
    pauses: Sequence[Spell] = (),
    assigned: Mapping[str, str] | None = None,
) -> LadderStatus:
    """Where `incident` stands on its severity's ladder at `now`.

    `level` defaults to the incident's stored escalation level; `pauses` are
    the spells the incident spent resolved before a reopen; `assigned` maps
    incident role keys to people. An unknown severity has an empty ladder.
    """
    severity = _severity(policy, incident.severity)
    ladder = severity.ladder if severity else ()
    reached = max(0, min(incident.escalation_level if level is None else level, len(ladder)))
    rungs: list[RungStatus] = []
    for index in range(len(ladder)):
        assert severity is not None
        try:
            rungs.append(_rung(incident, policy, severity, index, reached, now, pauses, assigned))
        except OverflowError:  # due past year 9999 (or its rota week is): it never comes
            continue
    return LadderStatus(rungs=tuple(rungs), level=reached)


def stops_at(incident: Incident, rung: LadderRung) -> dt.datetime | None:
    """The moment `condition_holds` turns false for good (None: it holds on)."""
    ends = [incident.resolved_at]
    if rung.when == "unacknowledged":
        ends.append(incident.acknowledged_at)
    present = [e for e in ends if e is not None]
    return min(present) if present else None


def upcoming(
    incident: Incident,
    policy: Policy,
    *,
    pauses: Sequence[Spell] = (),
    assigned: Mapping[str, str] | None = None,
) -> tuple[tuple[dt.datetime, dt.datetime | None], ...]:
    """(due at, stops at) of each rung above the incident's level, in order: at any
    `now`, `ladder_status(...).next` is the first whose stop is None or after `now`.

    Only the incident and its pauses move these, so a reader that asks every second
    keeps them between changes. Rungs `ladder_status` leaves out (a time past year
    9999, a rota week that far) are left out here too.
    """
    severity = _severity(policy, incident.severity)
    if severity is None or incident.status == "cancelled":
        return ()
    ladder = severity.ladder
    reached = max(0, min(incident.escalation_level, len(ladder)))
    found: list[tuple[dt.datetime, dt.datetime | None]] = []
    for rung in ladder[reached:]:
        try:
            due_at = rung_due_at(incident, policy, severity, rung, pauses)
            resolve_who(policy, rung.who, due_at, assigned)  # as a waiting rung is named
        except OverflowError:
            continue
        found.append((due_at, stops_at(incident, rung)))
    return tuple(found)
