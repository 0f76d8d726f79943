"""`warroom show`: the ladder rung by rung, who is on call now, the role holders,
and how to reach each of them (the policy's contacts), as JSON and as text.

Added beside `json_shapes.escalation_json` (whose fields stay as they were):
`escalation.rungs`, `escalation.earlier`, `escalation.warnings`,
`escalation.on_call`, and a role's `contact`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from warroom.domain import escalation
from warroom.domain.models import Engagement, RoleAssignment
from warroom.domain.policy import Policy
from warroom.domain.rota import Contact, OnCall, on_call
from warroom.domain.timefmt import format_when, to_iso
from warroom.domain.visible import pad
from warroom.domain.visible import visible_line as one_line


def contact_json(contact: Contact | None) -> dict[str, str] | None:
    """How to reach a person: phone, email, chat handle (empty when the policy has none)."""
    if contact is None:
        return None
    return {
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
        "chat": contact.chat,
    }


def _engagement_json(record: Engagement) -> dict[str, Any]:
    return {
        "who": record.who,
        "person": record.person,
        "engaged_at": to_iso(record.engaged_at),
        "how": record.how,
        "by": record.by,
        "severity": record.severity,
        "vacant": record.vacant,
    }


def warnings(ladder: escalation.LadderStatus) -> list[str]:
    """Rungs ahead whose role nobody holds: where each call will fall through to."""
    found = []
    for rung in ladder.rungs:
        if rung.state in (escalation.DUE, escalation.WAITING) and rung.responder.vacant:
            chain = escalation.fall_through(ladder, rung)
            onward = chain[-1]
            to = (
                f"falls through to level {onward.level} {onward.rung.who}"
                if not onward.responder.vacant
                else "has nobody left above it to fall through to"
            )
            found.append(f"nobody holds {rung.rung.who} (level {rung.level}): the call {to}")
    return found


def rung_json(rung: escalation.RungStatus) -> dict[str, Any]:
    """One rung as it stands: its state, its people and how to reach them, and its call."""
    return {
        "level": rung.level,
        "who": rung.rung.who,
        "state": rung.state,
        "person": rung.responder.name,
        "vacant": rung.responder.vacant,
        "contacts": [contact_json(c) for c in rung.responder.contacts],
        "notify": rung.notify,
        "condition": rung.rung.when,
        "kinds": list(rung.rung.kinds),
        "due_at": to_iso(rung.due_at),
        "call": None if rung.engagement is None else _engagement_json(rung.engagement),
    }


def ladder_extras(ladder: escalation.LadderStatus) -> dict[str, Any]:
    """What `escalation` gains: every rung, calls from other ladders, vacancy warnings."""
    return {
        "rungs": [rung_json(r) for r in ladder.rungs],
        "earlier": [_engagement_json(e) for e in ladder.earlier],
        "warnings": warnings(ladder),
    }


def on_call_now(policy: Policy, now: dt.datetime) -> OnCall | None:
    """Who holds the pager now, from the policy's rota (None without one)."""
    return on_call(policy.rota, now) if policy.rota is not None else None


def on_call_json(policy: Policy, now: dt.datetime) -> dict[str, Any] | None:
    pair = on_call_now(policy, now)
    if pair is None or policy.rota is None:
        return None
    return {
        "rota": policy.rota.name,
        "primary": pair.primary,
        "primary_contact": contact_json(policy.contact(pair.primary)),
        "secondary": pair.secondary,
        "secondary_contact": contact_json(policy.contact(pair.secondary))
        if pair.secondary
        else None,
        "since": to_iso(pair.since),
        "until": to_iso(pair.until),
    }


def role_contact(policy: Policy, role: RoleAssignment) -> dict[str, str] | None:
    return contact_json(policy.contact(role.person))


# -- text ------------------------------------------------------------------------


def _reach(contact: Contact | None) -> str:
    return f" · {one_line(contact.reach())}" if contact and contact.reach() else ""


def ladder_lines(ladder: escalation.LadderStatus, now: dt.datetime, tz: dt.tzinfo) -> list[str]:
    """The ladder rung by rung: ✓ called (when, how), ⚠ nobody held it, – not needed,
    → due or next; each person with how to reach them."""
    lines = []
    for rung in ladder.rungs:
        who = pad(one_line(rung.rung.who), 18)
        person = one_line(rung.responder.name) or "nobody holds it"
        record = rung.engagement
        if rung.state == escalation.ENGAGED and record is not None:
            how = "by hand" if record.how == "manual" else "auto"
            state = f"✓ called {format_when(record.engaged_at, now, tz)} {how}"
        elif rung.state == escalation.VACANT and record is not None:
            state = f"⚠ fell through {format_when(record.engaged_at, now, tz)}"
        elif rung.state == escalation.STOPPED:
            state = "– not needed"
        elif rung.state == escalation.DUE:
            state = "→ due now"
        elif rung.state == escalation.WAITING:
            state = f"  due {format_when(rung.due_at, now, tz)}"
        else:
            state = "✓ passed"
        reach = "".join(_reach(c) for c in rung.responder.contacts)
        lines.append(f"    {rung.level} {who} {person} · {state}{reach}")
    for record in ladder.earlier:
        how = "by hand" if record.how == "manual" else "auto"
        was = f" on the {one_line(record.severity)} ladder" if record.severity else ""
        said = "✓ called" if record.person else "⚠ nobody held it; fell through"
        lines.append(
            f"    · {pad(one_line(record.who), 18)} {one_line(record.person or 'nobody')}"
            f" · {said} {format_when(record.engaged_at, now, tz)} {how}{was}"
        )
    lines += [f"    ⚠ {one_line(w)}" for w in warnings(ladder)]
    return lines


def on_call_line(policy: Policy, now: dt.datetime, tz: dt.tzinfo) -> str | None:
    pair = on_call_now(policy, now)
    if pair is None or policy.rota is None:
        return None
    said = f"  on call now ({one_line(policy.rota.name)}): {one_line(pair.primary)}"
    said += _reach(policy.contact(pair.primary))
    if pair.secondary:
        said += f"; secondary {one_line(pair.secondary)}{_reach(policy.contact(pair.secondary))}"
    return f"{said}; until {format_when(pair.until, now, tz)}"


def role_lines(policy: Policy, holders: list[RoleAssignment]) -> list[str]:
    """Each role once, with every person holding it and how to reach them."""
    held: dict[str, list[RoleAssignment]] = {}
    for role in holders:
        held.setdefault(role.role, []).append(role)
    lines = []
    for key, roles in held.items():
        people = "; ".join(f"{one_line(r.person)}{_reach(policy.contact(r.person))}" for r in roles)
        lines.append(f"    {one_line(policy.incident_roles.label(key))}: {people}")
    return lines
