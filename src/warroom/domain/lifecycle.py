"""Where an incident may go next, and which timestamps a move sets.

investigating -> identified -> fixing -> monitoring -> resolved -> closed;
any open status may also go back (a fix that did not hold) or be cancelled;
resolved may be reopened; closed and cancelled are final.
"""

from __future__ import annotations

import datetime as dt

from warroom.domain.models import Incident
from warroom.domain.vocabulary import FINAL_STATUSES, OPEN_STATUSES
from warroom.errors import InvalidInput

# the lifecycle's way forward (cancelled is a way out of it, not a step)
STATUS_ORDER = ("investigating", "identified", "fixing", "monitoring", "resolved", "closed")


def allowed_next(status: str) -> list[str]:
    """The statuses an incident in `status` may move to."""
    if status in FINAL_STATUSES:
        return []
    if status == "resolved":
        return ["closed", "investigating", "identified", "fixing", "monitoring"]
    return [s for s in ("investigating", "identified", "fixing", "monitoring") if s != status] + [
        "resolved",
        "cancelled",
    ]


def check_transition(current: str, new: str) -> None:
    """Raise InvalidInput when `current` may not move to `new`."""
    if new == current:
        raise InvalidInput(f"incident is already {current}")
    if new not in allowed_next(current):
        if current in FINAL_STATUSES:
            raise InvalidInput(f"incident is {current}; a {current} incident cannot change status")
        raise InvalidInput(
            f"cannot go from {current} to {new} (allowed: {', '.join(allowed_next(current))})"
        )


def stamps_for(current: str, new: str) -> dict[str, str | None]:
    """Which lifecycle columns a move sets ("now") or clears (None).

    The caller replaces "now" with the action's timestamp. Reopening a resolved
    incident clears resolved_at so the resolve timer runs again, and clears
    postmortem_done_at: a post-mortem written before the incident came back
    cannot have covered what happened since.
    """
    stamps: dict[str, str | None] = {}
    if new == "monitoring":
        stamps["mitigated_at"] = "now"
    if new == "resolved":
        stamps["resolved_at"] = "now"
    if new == "closed":
        stamps["closed_at"] = "now"
    if current == "resolved" and new in OPEN_STATUSES:
        stamps["resolved_at"] = None
        stamps["postmortem_done_at"] = None
    return stamps


def age_until(incident: Incident, now: dt.datetime) -> dt.datetime:
    """Where an incident's age stops: at its resolution (or close) once it has one,
    so a resolved or closed incident's age no longer ticks; `now` while it is live."""
    if incident.status in OPEN_STATUSES:
        return now
    ended = incident.resolved_at or incident.closed_at
    return min(ended, now) if ended is not None else now


def next_status(status: str) -> str | None:
    """The next step forward along the lifecycle (what `s` offers first), or None
    for a final status: investigating -> identified -> fixing -> monitoring ->
    resolved -> closed."""
    forward = STATUS_ORDER
    if status not in forward[:-1]:
        return None
    return forward[forward.index(status) + 1]
