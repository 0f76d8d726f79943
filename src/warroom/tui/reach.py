"""How to reach the people of the selected incident, for the ladder pane.

Who is on call now (the policy's rota), the people the ladder has called or
calls next, and the incident's role holders, each once, with the policy's
contact details (phone, chat handle, email) or a note that it has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from warroom.domain import escalation
from warroom.domain.models import RoleAssignment
from warroom.domain.policy import Policy
from warroom.domain.rota import on_call
from warroom.domain.visible import fit, visible_line
from warroom.tui.widgets.incident_detail import SHORT_ROLES

WIDTH = 38  # the ladder pane's text width (the clocks column is 42 wide)


def reach_lines(
    policy: Policy,
    ladder: escalation.LadderStatus | None,
    roles: Sequence[RoleAssignment],
    now: dt.datetime,
    width: int = WIDTH,
) -> tuple[str, ...]:
    """`label person`, then `  +44 … · @chat · mail` on the next line (or `(no contact)`),
    each line fitted to `width`."""
    found: list[tuple[str, str]] = []  # (label, person), first reason wins
    if policy.rota is not None:
        pair = on_call(policy.rota, now)
        found.append(("On call", pair.primary))
        if pair.secondary:
            found.append(("2nd", pair.secondary))
    for rung in ladder.rungs if ladder else ():
        if rung.state in (escalation.ENGAGED, escalation.DUE, escalation.WAITING):
            for person in rung.responder.name.split(", ") if rung.responder.name else ():
                found.append((rung.rung.who, person))
    for role in roles:
        label = SHORT_ROLES.get(role.role, policy.incident_roles.label(role.role))
        found.append((label, role.person))
    lines: list[str] = []
    seen: set[str] = set()
    for label, person in found:
        if not person or person.casefold() in seen:
            continue
        seen.add(person.casefold())
        contact = policy.contact(person)
        name = f"{fit(visible_line(label), 9)} {visible_line(person)}"
        if contact is None or not contact.reach():
            lines.append(fit(f"{name} (no contact)", width).rstrip())
        else:  # the ways to reach them on a line of their own: a phone number is never cut
            lines.append(fit(name, width).rstrip())
            lines.append(fit(f"  {visible_line(contact.reach())}", width).rstrip())
    return tuple(lines)
