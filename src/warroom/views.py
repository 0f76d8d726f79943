"""Stable JSON shapes for `--json` output (field names are an interface).

Documented in the README; add fields, never rename or remove them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from warroom.domain.escalation import LadderStatus
from warroom.domain.models import Incident, RoleAssignment, TimelineEntry
from warroom.domain.sla import Timer
from warroom.domain.timefmt import to_iso
from warroom.domain.vocabulary import ROLES
from warroom.store.queries import Engagement


def _time(at: dt.datetime | None) -> str | None:
    return to_iso(at) if at else None


def incident_json(incident: Incident, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "kind": incident.kind,
        "summary": incident.summary,
        "impact": {
            "users": incident.impact_users,
            "services": incident.impact_services,
            "business": incident.impact_business,
        },
        "commander": incident.commander,
        "drill": incident.drill,
        "channel": incident.channel,
        "declared_at": _time(incident.declared_at),
        "detected_at": _time(incident.detected_at),
        "acknowledged_at": _time(incident.acknowledged_at),
        "mitigated_at": _time(incident.mitigated_at),
        "resolved_at": _time(incident.resolved_at),
        "closed_at": _time(incident.closed_at),
        "last_update_at": _time(incident.last_update_at),
        "age_seconds": int((now - incident.declared_at).total_seconds()),
    }


def role_json(role: RoleAssignment) -> dict[str, Any]:
    return {
        "role": role.role,
        "label": ROLES.get(role.role, role.role),
        "person": role.person,
        "assigned_at": to_iso(role.assigned_at),
        "assigned_by": role.assigned_by,
    }


def entry_json(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": to_iso(entry.at),
        "logged_at": to_iso(entry.logged_at),
        "author": entry.author,
        "os_user": entry.os_user,
        "kind": entry.kind,
        "text": entry.text,
        "data": entry.data,
        "supersedes": entry.supersedes,
    }


def timer_json(timer: Timer) -> dict[str, Any]:
    return {
        "name": timer.name,
        "label": timer.label,
        "deadline": to_iso(timer.deadline),
        "remaining_seconds": int(timer.remaining.total_seconds()),
        "state": timer.state,
        "severity": timer.severity,
    }


def escalation_json(ladder: LadderStatus, engaged: list[Engagement]) -> dict[str, Any]:
    current = ladder.current
    upcoming = ladder.next
    return {
        "level": ladder.level,
        "current": None
        if current is None
        else {
            "level": current.level,
            "who": current.rung.who,
            "person": current.responder.name,
        },
        "engaged": [
            {
                "level": e.level,
                "who": e.who,
                "person": e.person,
                "notify": e.notify,
                "engaged_at": to_iso(e.engaged_at),
                "how": e.how,
                "by": e.by,
            }
            for e in engaged
        ],
        "next": None
        if upcoming is None
        else {
            "level": upcoming.level,
            "who": upcoming.rung.who,
            "person": upcoming.responder.name,
            "notify": upcoming.notify,
            "condition": upcoming.rung.when,
        },
        "next_at": None if ladder.next_at is None else to_iso(ladder.next_at),
    }
