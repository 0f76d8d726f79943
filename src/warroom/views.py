"""Stable JSON shapes for `--json` output (field names are an interface), and the
CLI's text output.

Documented in the README; add fields, never rename or remove them. Everything
the CLI prints goes out through `echo` or `echo_json`, so stored text reaches
the terminal with its control characters made visible (text) or escaped (JSON).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from warroom.domain.escalation import LadderStatus
from warroom.domain.models import FollowUp, Incident, RoleAssignment, TimelineEntry
from warroom.domain.sla import Timer
from warroom.domain.timefmt import format_when, to_iso
from warroom.domain.timeline_state import ShownEntry
from warroom.domain.visible import json_text, pad, visible, visible_line
from warroom.domain.vocabulary import ROLES
from warroom.store.queries import Engagement


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print `text` with every control character made visible (newlines and tabs kept).

    Callers make single-line cells visible (and pad them) themselves with
    `visible_line` and `pad`; this is the guard for everything else.
    """
    click.echo(visible(text), err=err, nl=nl)


def echo_json(value: Any) -> None:
    """Print `value` as indented JSON: exact text, control characters escaped."""
    click.echo(json_text(value, indent=2))


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
        "postmortem_owner": incident.postmortem_owner,
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


def entry_json(
    entry: TimelineEntry, *, current: bool = True, pinned: bool = False
) -> dict[str, Any]:
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
        "current": current,
        "pinned": pinned,
    }


def follow_up_json(item: FollowUp) -> dict[str, Any]:
    return {
        "id": item.id,
        "incident_id": item.incident_id,
        "text": item.text,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "priority": item.priority,
        "status": item.status,
        "from_entry": item.from_entry,
        "created_at": to_iso(item.created_at),
        "created_by": item.created_by,
        "updated_at": to_iso(item.updated_at),
        "updated_by": item.updated_by,
    }


def timeline_lines(
    shown: list[ShownEntry], now: dt.datetime, tz: dt.tzinfo, *, history: bool = True
) -> list[str]:
    """The timeline as `show` prints it: entry ids to correct by, pins, struck entries,
    and (with `history`) every earlier version under the one that replaced it."""
    lines = []
    for item in shown:
        entry = item.entry
        mark = "★" if item.pinned else " "
        text = entry.text
        if item.struck:
            reason = entry.data.get("reason") or "no reason given"
            text = f"[struck by {entry.author}: {reason}] {text}"
        elif item.edited:
            text = f"{text} (edited)"
        author, kind = visible_line(entry.author), visible_line(entry.kind)
        lines.append(
            f"  {mark} #{entry.id:<5} {format_when(entry.at, now, tz)}  {pad(author, 14)}"
            f" {pad(kind, 9)} {visible_line(text)}"
        )
        if history:
            for old in item.history:
                lines.append(
                    f"           was #{old.id} (by {visible_line(old.author)}, logged"
                    f" {format_when(old.logged_at, now, tz)}): {visible_line(old.text)}"
                )
    return lines


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
