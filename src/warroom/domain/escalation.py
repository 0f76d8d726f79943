"""Escalation ladders: who gets pulled in, when, and who that is at the moment.

A severity's ladder lists rungs in the order they fire. Each rung names who
(the rota, e.g. `On-call`, or `On-call secondary`; an incident role such as
`Tech lead`; a title from the policy's `roles`, e.g. `CTO`; a contact; or a
team as written), after how long since declaration, on which condition, for
which incident kinds (all unless it names some), and how to notify (the
severity's method unless the rung names its own).

What has been called is what the record says: each engagement (`escalations`
rows) names the rung's `who`, the person called, when and how. A rung of the
current ladder is engaged when the record has its `who` (so after an upgrade
to P0 the On-call already paged stays engaged, and the Eng lead nobody called
is due, not ticked). Records of rungs the current ladder does not have (the
P1 Tech lead after an upgrade) are kept as `earlier`. The rules:

- A rung comes due `after` its time since declaration, counted on the
  severity's clock (working hours for a business-hours severity) and not
  counting time the incident spent resolved before a reopen.
- `unacknowledged` rungs fire only while nobody has acknowledged;
  `unresolved` rungs while the incident is unresolved; `always` rungs are a
  plain timer (acknowledged or not, resolved or not; only cancelling stops
  them). A reopen makes `unresolved` rungs live again.
- A rung whose `who` names a role or rota slot nobody holds is *vacant*: when
  it is reached it is recorded as such (person empty) and the call falls
  through to the next rung at once (`fall_through`), with a warning; never
  "escalated to nobody".
- People are resolved when the rung is reached: engaged rungs are who the
  record says was called, due rungs now, waiting rungs at the moment they
  will fire, so a rota hand-over in between is honoured.

Without a record (`engaged=None`: old callers, tests of the rules alone) the
stored escalation level says how far up the ladder the incident has gone, as
before: rungs 1..level count as reached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from warroom.domain.business_hours import Spell, run_clock
from warroom.domain.models import Engagement, Incident
from warroom.domain.policy import LadderRung, Policy, Severity
from warroom.domain.rota import Contact, on_call
from warroom.errors import InvalidInput

ENGAGED = "engaged"  # reached: this rung's people are in (the record says when)
PASSED = "passed"  # below the stored level, but its condition had stopped at its time
VACANT = "vacant"  # reached, but nobody held its role: the call fell through
DUE = "due"  # time has come and the condition holds: engage now
WAITING = "waiting"  # its time is still to come and the condition holds
STOPPED = "stopped"  # will not fire: acknowledged / resolved / cancelled

# role key -> who holds it: one person, or several (a role may hold several people)
Holders = Mapping[str, str | tuple[str, ...]]


@dataclass(frozen=True)
class Responder:
    """Who a rung's `who` means: people (with contact details), a team as written,
    or nobody (`vacant`: a role or rota slot nobody holds)."""

    who: str  # as the ladder says it: "On-call"
    name: str  # the person: "Ana Lima"; several: "Ana Lima, Ben Okafor"; "" if nobody
    via: str  # "rota", "incident role", "role", "contact", "as written" or "record"
    contact: Contact | None = None  # the first person's
    contacts: tuple[Contact, ...] = ()  # every person's that the policy lists

    @property
    def vacant(self) -> bool:
        """Nobody holds the role or rota slot the rung names."""
        return not self.name


@dataclass(frozen=True)
class RungStatus:
    """One rung of the ladder as it stands at a moment."""

    level: int  # 1-based: the first rung (that applies to the incident's kind) is level 1
    rung: LadderRung
    due_at: dt.datetime
    state: str  # engaged / passed / vacant / due / waiting / stopped
    responder: Responder
    notify: str
    engagement: Engagement | None = None  # the record of its call, if any

    @property
    def reached(self) -> bool:
        """Called (or passed over, or found vacant): nothing more will fire for it."""
        return self.state in (ENGAGED, PASSED, VACANT)


@dataclass(frozen=True)
class LadderStatus:
    """The ladder of an incident at `now`: who is engaged, what comes next."""

    rungs: tuple[RungStatus, ...]
    level: int  # the highest rung reached (0: none)
    earlier: tuple[Engagement, ...] = ()  # calls recorded for rungs this ladder lacks

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

    @property
    def manual_next(self) -> RungStatus | None:
        """Who `escalate` (the `e` key) calls: the first rung above the highest one
        reached that nobody has called, whatever its time or condition (the person
        escalating is asked first, and told when it is not needed yet)."""
        return next((r for r in self.rungs if r.level > self.level and not r.reached), None)


def ladder_for(severity: Severity, kind: str) -> tuple[LadderRung, ...]:
    """The rungs of `severity`'s ladder that apply to an incident of `kind`."""
    return tuple(r for r in severity.ladder if not r.kinds or kind in r.kinds)


def condition_holds(incident: Incident, rung: LadderRung, at: dt.datetime) -> bool:
    """Whether a rung's condition (unacknowledged / unresolved / always) held at `at`."""
    if rung.when == "always":
        return True
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


def _people(held: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if not held:
        return ()
    return (held,) if isinstance(held, str) else tuple(p for p in held if p)


def _responder(policy: Policy, who: str, people: Sequence[str], via: str) -> Responder:
    contacts = tuple(c for c in (policy.contact(p) for p in people) if c is not None)
    first = policy.contact(people[0]) if people else None
    return Responder(who, ", ".join(people), via, first, contacts)


def _is_rota_slot(rota_name: str, key: str) -> bool:
    """Whether `key` (casefolded) names the rota's primary or secondary slot."""
    return key in (rota_name.casefold(), f"{rota_name} secondary".casefold())


def _check_nameable(policy: Policy, who: str, at: dt.datetime) -> None:
    """Raise as `resolve_who(policy, who, at)` would: only a rota slot works out
    anything from `at` (who is on call then: OverflowError that far ahead); the
    other ways of naming `who` take no time (a start-up's ~6,000 live incidents
    spent a fifth of their deadline work naming rungs only to drop the names)."""
    rota = policy.rota
    if rota is not None and _is_rota_slot(rota.name, who.strip().casefold()):
        on_call(rota, at)


def resolve_who(
    policy: Policy, who: str, at: dt.datetime, assigned: Holders | None = None
) -> Responder:
    """The people `who` means at `at`.

    In order: the rota (`On-call` -> primary, `On-call secondary` -> secondary),
    the incident's own role holders (`assigned`: role key such as `tech-lead`
    -> person or people), the policy's `roles` titles, a contact's name;
    otherwise the text as written (a team such as `Support team`). A rota slot
    or an incident role (one the policy lists) that nobody holds is vacant.
    """
    key = who.strip().casefold()
    rota = policy.rota
    if rota is not None and _is_rota_slot(rota.name, key):
        pair = on_call(rota, at)
        person = pair.primary if key == rota.name.casefold() else pair.secondary
        return _responder(policy, who, [person] if person else [], "rota")
    role = policy.incident_roles.find(who)
    holders = _people((assigned or {}).get(role)) if role else ()
    if holders:
        return _responder(policy, who, holders, "incident role")
    for title, person in policy.roles.items():
        if title.casefold() == key:
            return _responder(policy, who, [person], "role")
    contact = policy.contact(who)
    if contact is not None:
        return Responder(who, contact.name, "contact", contact, (contact,))
    if role:
        return Responder(who, "", "incident role")
    return Responder(who, who.strip(), "as written")


def recorded_responder(policy: Policy, record: Engagement) -> Responder:
    """Who a recorded call reached: the people the record names, not today's holders."""
    people = [p.strip() for p in record.person.split(", ") if p.strip()]
    return _responder(policy, record.who, people, "record")


def _severity(policy: Policy, name: str) -> Severity | None:
    try:
        return policy.severity(name)
    except InvalidInput:
        return None


@lru_cache(maxsize=1024)  # a list of thousands of incidents asks for the same few
def rung_key(who: str) -> str:
    """How a rung is matched to its record: its `who`, case and spaces ignored."""
    return " ".join(who.casefold().split())


def _placed(
    incident: Incident,
    policy: Policy,
    severity: Severity,
    rung: LadderRung,
    reached_by_level: bool,
    record: Engagement | None,
    now: dt.datetime,
    pauses: Sequence[Spell],
    assigned: Holders | None,
) -> tuple[dt.datetime, str, dt.datetime, Engagement | None]:
    """A rung's due time, its state, the moment its people are resolved at, and the
    record of its call (None when there is none, or it no longer counts)."""
    due_at = rung_due_at(incident, policy, severity, rung, pauses)
    if _taken_since(policy, record, rung.who, assigned):
        # reached while nobody held its role, and held now: due again, for the holder,
        # from when the ladder reached it (or its own time, if a call fell through early)
        assert record is not None
        due_at, record = min(due_at, record.engaged_at), None
    if record is not None:
        return due_at, ENGAGED if record.person else VACANT, due_at, record
    if reached_by_level:
        at = min(due_at, now)
        state = ENGAGED if condition_holds(incident, rung, at) else PASSED
    elif incident.status == "cancelled" or not condition_holds(incident, rung, now):
        at, state = due_at, STOPPED
    elif due_at <= now:
        at, state = now, DUE
    else:
        at, state = due_at, WAITING
    return due_at, state, at, None


def _rung(
    incident: Incident,
    policy: Policy,
    severity: Severity,
    rung: LadderRung,
    level: int,
    reached_by_level: bool,
    record: Engagement | None,
    now: dt.datetime,
    pauses: Sequence[Spell],
    assigned: Holders | None,
) -> RungStatus:
    due_at, state, at, record = _placed(
        incident, policy, severity, rung, reached_by_level, record, now, pauses, assigned
    )
    notify = rung.notify or severity.notify
    if record is not None:
        return RungStatus(
            level, rung, due_at, state, recorded_responder(policy, record), notify, record
        )
    responder = resolve_who(policy, rung.who, at, assigned)
    return RungStatus(level, rung, due_at, state, responder, notify)


def _records(engaged: Sequence[Engagement]) -> dict[str, Engagement]:
    """The record of each rung `who`: its first call that reached someone, else its first
    record (a rung is called once; a vacant one again once someone holds its role)."""
    found: dict[str, Engagement] = {}
    for record in sorted(engaged, key=lambda e: e.engaged_at):
        key = rung_key(record.who)
        kept = found.get(key)
        if kept is None or (not kept.person and record.person):
            found[key] = record
    return found


def _taken_since(
    policy: Policy, record: Engagement | None, who: str, assigned: Holders | None
) -> bool:
    """Whether a rung recorded as vacant (nobody held its incident role) has a holder
    now: someone took the role, so the rung is called again, for them."""
    if record is None or record.person:
        return False
    role = policy.incident_roles.find(who)
    return bool(role and _people((assigned or {}).get(role)))


def ladder_status(
    incident: Incident,
    policy: Policy,
    now: dt.datetime,
    level: int | None = None,
    *,
    pauses: Sequence[Spell] = (),
    assigned: Holders | None = None,
    engaged: Sequence[Engagement] | None = None,
) -> LadderStatus:
    """Where `incident` stands on its severity's ladder at `now`.

    `engaged` is the record of calls made (see the module doc); without it,
    `level` (default: the incident's stored escalation level) says how many
    rungs were reached. `pauses` are the spells the incident spent resolved
    before a reopen; `assigned` maps incident role keys to people. An unknown
    severity has an empty ladder.
    """
    severity, ladder, records, reached = _ladder(incident, policy, level, engaged)
    rungs: list[RungStatus] = []
    for index, rung in enumerate(ladder):
        assert severity is not None
        record = records.get(rung_key(rung.who))
        by_level = index < reached
        try:
            status = _rung(
                incident, policy, severity, rung, index + 1, by_level, record, now, pauses, assigned
            )
        except OverflowError:  # due past year 9999 (or its rota week is): it never comes
            continue
        rungs.append(status)
    on_ladder = {rung_key(r.who) for r in ladder}
    earlier = tuple(
        e for e in sorted(engaged or (), key=lambda e: e.engaged_at)
        if rung_key(e.who) not in on_ladder
    )  # fmt: skip
    top = max((r.level for r in rungs if r.reached), default=0)
    return LadderStatus(rungs=tuple(rungs), level=max(top, reached), earlier=earlier)


def _ladder(
    incident: Incident, policy: Policy, level: int | None, engaged: Sequence[Engagement] | None
) -> tuple[Severity | None, tuple[LadderRung, ...], dict[str, Engagement], int]:
    """The incident's severity, its ladder, the record of each rung's call, and how many
    rungs count as reached by the stored level (without a record)."""
    severity = _severity(policy, incident.severity)
    ladder = ladder_for(severity, incident.kind) if severity else ()
    records = _records(engaged) if engaged is not None else {}
    if engaged is None:
        reached = max(0, min(incident.escalation_level if level is None else level, len(ladder)))
    else:
        reached = 0
    return severity, ladder, records, reached


def next_rung(
    incident: Incident,
    policy: Policy,
    now: dt.datetime,
    level: int | None = None,
    *,
    pauses: Sequence[Spell] = (),
    assigned: Holders | None = None,
    engaged: Sequence[Engagement] | None = None,
) -> RungStatus | None:
    """`ladder_status(...).next` (the same rung), worked out only as far as that rung:
    the rungs below it are placed but their people are not looked up (a list of
    incidents shows only the next escalation)."""
    severity, ladder, records, reached = _ladder(incident, policy, level, engaged)
    for index, rung in enumerate(ladder):
        assert severity is not None
        try:
            due_at, state, at, record = _placed(
                incident,
                policy,
                severity,
                rung,
                index < reached,
                records.get(rung_key(rung.who)),
                now,
                pauses,
                assigned,
            )
            if state not in (DUE, WAITING):
                continue
            responder = resolve_who(policy, rung.who, at, assigned)
        except OverflowError:  # as in ladder_status: a rung that never comes is left out
            continue
        assert record is None  # a due or waiting rung has no call on record
        return RungStatus(index + 1, rung, due_at, state, responder, rung.notify or severity.notify)
    return None


def fall_through(
    ladder: LadderStatus, first: RungStatus, *, manual: bool = False
) -> tuple[RungStatus, ...]:
    """The rungs one call reaches, starting with `first`: while a rung is vacant,
    the next rung above it that nobody has called yet (one whose condition holds;
    any, when a person escalates by hand). Ends with a rung that has people, or
    with a vacant one when nobody is left above it."""
    chain = [first]
    while chain[-1].responder.vacant:
        above = (
            r
            for r in ladder.rungs
            if r.level > chain[-1].level and not r.reached and (manual or r.state in (DUE, WAITING))
        )
        step = next(above, None)
        if step is None:
            break
        chain.append(step)
    return tuple(chain)


def stops_at(incident: Incident, rung: LadderRung) -> dt.datetime | None:
    """The moment `condition_holds` turns false for good (None: it holds on)."""
    if rung.when == "always":
        return None
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
    assigned: Holders | None = None,
    engaged: Sequence[Engagement] | None = None,
) -> tuple[tuple[dt.datetime, dt.datetime | None], ...]:
    """(due at, stops at) of each rung not reached yet, in order: at any `now`,
    `ladder_status(...).next` is the first whose stop is None or after `now`.

    Only the incident, its pauses and its record move these, so a reader that
    asks every second keeps them between changes. Rungs `ladder_status` leaves
    out (a time past year 9999, a rota week that far) are left out here too.
    """
    severity = _severity(policy, incident.severity)
    if severity is None or incident.status == "cancelled":
        return ()
    ladder = ladder_for(severity, incident.kind)
    if engaged is None:
        reached = max(0, min(incident.escalation_level, len(ladder)))
        left = ladder[reached:]
    else:
        called = _records(engaged)
        left = tuple(
            r
            for r in ladder
            if rung_key(r.who) not in called
            or _taken_since(policy, called[rung_key(r.who)], r.who, assigned)
        )
    found: list[tuple[dt.datetime, dt.datetime | None]] = []
    for rung in left:
        vacant = called.get(rung_key(rung.who)) if engaged is not None else None
        try:
            due_at = rung_due_at(incident, policy, severity, rung, pauses)
            if vacant is not None:  # reached while vacant, held now: due from then
                due_at = min(due_at, vacant.engaged_at)
            _check_nameable(policy, rung.who, due_at)  # as a waiting rung is named
        except OverflowError:
            continue
        found.append((due_at, stops_at(incident, rung)))
    return tuple(found)
