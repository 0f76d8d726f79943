"""What posting a status update did to the clocks, said to the person who posted it.

An update restarts only its own audience's clock (or the one shared clock of a
severity with one cadence); once the incident is resolved no update clock runs,
so a late post restarts nothing and cannot turn a missed beat into a met one.
"""

from __future__ import annotations

from dataclasses import dataclass

from warroom.domain.models import Incident
from warroom.domain.policy import Policy
from warroom.domain.template_context import spell_duration
from warroom.errors import InvalidInput


@dataclass(frozen=True)
class UpdatePosted:
    """A posted update's id and what it did to the clocks (one sentence)."""

    update_id: int
    effect: str


def posting_effect(incident: Incident, policy: Policy, audience: str, *, first: bool) -> str:
    """What posting an `audience` update to `incident` (as it was just before) did.

    `first`: it is the incident's first external update.
    """
    if incident.status == "cancelled":
        return "the incident is cancelled: no update clock runs"
    if incident.resolved_at is not None:
        return "the incident is resolved: no update clock runs, so none restarted"
    try:
        severity = policy.severity(incident.severity)
    except InvalidInput:
        return f"the policy has no severity {incident.severity!r}: no update clock to restart"
    working = " of working time" if policy.clock_for(severity) is not None else ""
    if severity.external_update_every is None:
        every = spell_duration(severity.update_every)
        said = f"the update clock restarted (next update in {every}{working})"
    elif audience == "external":
        every = spell_duration(severity.external_update_every)
        said = f"the customer update clock restarted (next in {every}{working})"
    else:
        every = spell_duration(severity.update_every)
        said = f"the internal update clock restarted (next in {every}{working})"
    if audience == "external" and first:
        said += "; the first external update went out"
    elif audience == "internal" and severity.external_update_every is not None:
        said += "; the customer clock is untouched"
    return said
