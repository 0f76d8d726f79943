"""The stable JSON shapes `--json` prints (field names are an interface).

Documented in the README; add fields, never rename or remove them. Every
command's shape is built here, from domain objects, so the whole interface can
be read in one file; `output.echo_json` prints them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from warroom.domain.escalation import LadderStatus
from warroom.domain.models import Engagement, FollowUp, Incident, RoleAssignment, TimelineEntry
from warroom.domain.sla import MISSED, Breach, Timer, countdown
from warroom.domain.timefmt import to_iso
from warroom.domain.vocabulary import ROLES

if TYPE_CHECKING:  # the report is imported by `warroom report` only, checklists by their commands
    from warroom.domain.alerts.record import AlertOnRecord
    from warroom.domain.checklists import Checklist
    from warroom.domain.report import DurationStats, IncidentReport, TimerCompliance
    from warroom.service.alerts import Outcome


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
        # 007_postmortem_and_impact
        "postmortem_done_at": _time(incident.postmortem_done_at),
        "impact_started_at": _time(incident.impact_started_at),
        "impact_ended_at": _time(incident.impact_ended_at),
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


def timer_json(timer: Timer) -> dict[str, Any]:
    return {
        "name": timer.name,
        "label": timer.label,
        "deadline": to_iso(timer.deadline),
        "remaining_seconds": int(timer.remaining.total_seconds()),
        "state": timer.state,
        "severity": timer.severity,
        # issue 13: what it reads ("in 9m13s", "missed by 5m02s"), when it stopped, by how much
        "shown": countdown(timer),
        "done_at": _time(timer.done_at),
        "missed_by_seconds": -int(timer.remaining.total_seconds())
        if timer.state == MISSED
        else None,
        "audience": timer.audience or None,
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


def _due(at: dt.datetime | None) -> str | None:
    return None if at is None else to_iso(at)


def checklist_json(
    book: Checklist,
    declared: dt.datetime,
    now: dt.datetime,
    when: Mapping[str, dt.datetime | None] | None = None,
) -> dict[str, Any]:
    """`warroom checklist ID --json`: one of these per attached runbook."""
    from warroom.domain import checklists as checklist_rules

    return {
        "runbook": book.runbook_id,
        "title": book.title,
        "progress": {"done": checklist_rules.progress(book.items).done, "total": len(book.items)},
        "items": [
            {
                "number": i.number,
                "key": i.key,
                "section": i.section,
                "depth": i.depth,
                "text": i.text,
                "detail": i.detail,
                "command": i.command,
                "role": i.role,
                "within_seconds": None if i.within is None else int(i.within.total_seconds()),
                "ask": i.ask,
                "answer": i.answer,
                "done": i.done,
                "done_by": i.done_by,
                "done_at": i.done_at.strftime("%Y-%m-%dT%H:%M:%SZ") if i.done_at else None,
                "overdue": checklist_rules.is_overdue(i, declared, now, when),
                "within_from": i.within_from,
                "due_at": _due(checklist_rules.due_at(i, declared, when)),
            }
            for i in book.items
        ],
    }


class PostedUpdate(Protocol):
    """A posted status update, as the store reads it back."""

    @property
    def audience(self) -> str: ...
    @property
    def template(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def posted_at(self) -> dt.datetime: ...
    @property
    def author(self) -> str: ...


def update_json(update: PostedUpdate) -> dict[str, Any]:
    """`warroom updates ID --json`: one of these per posted update, latest first."""
    return {
        "audience": update.audience,
        "template": update.template,
        "body": update.body,
        "posted_at": update.posted_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "author": update.author,
    }


def _seconds(value: dt.timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def met_percent(compliance: TimerCompliance) -> float | None:
    """The share of settled timers that were met, to one decimal (None when none settled)."""
    share = compliance.met_percent
    return None if share is None else round(share, 1)


def _stats_json(stats: DurationStats) -> dict[str, Any]:
    return {
        "count": stats.count,
        "median_seconds": _seconds(stats.median),
        "p90_seconds": _seconds(stats.p90),
        "mean_seconds": _seconds(stats.mean),
    }


def report_json(found: IncidentReport) -> dict[str, Any]:
    """`warroom report --json`."""
    return {
        "since": to_iso(found.since) if found.since else None,
        "until": to_iso(found.until),
        "incidents": found.incidents,
        "drills_excluded": found.drills_excluded,
        "by_severity": dict(found.by_severity),
        "by_status": dict(found.by_status),
        "time_to_ack": _stats_json(found.time_to_ack),
        "time_to_resolve": _stats_json(found.time_to_resolve),
        "drills": found.drills,
        "real_excluded": found.real_excluded,
        # issue 13: each measure from when it started, for all and by severity
        "time_to": {
            t.name: {
                "all": _stats_json(t.overall),
                "by_severity": {sev: _stats_json(stats) for sev, stats in t.by_severity},
            }
            for t in found.times
        },
        "sla": {
            c.timer: {
                "label": c.label,
                "met": c.met,
                "breached": c.breached,
                "running": c.running,
                "met_percent": met_percent(c),
            }
            for c in found.sla
        },
    }


class ReachedRung(Protocol):
    """A rung the sweep engaged (the service's `Engaged`)."""

    @property
    def incident_id(self) -> int: ...
    @property
    def severity(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def who(self) -> str: ...
    @property
    def person(self) -> str: ...
    @property
    def notify(self) -> str: ...


def sweep_json(
    breaches: Sequence[tuple[int, Breach]],
    engaged: Sequence[ReachedRung],
    hook: Sequence[str],
) -> dict[str, Any]:
    """`warroom sweep --json`: what this sweep recorded (empty lists when nothing was due)."""
    return {
        "breaches": [
            {
                "incident_id": number,
                "timer": b.timer,
                "label": b.label,
                "deadline": to_iso(b.deadline),
                "severity": b.severity,
            }
            for number, b in breaches
        ],
        "escalations": [
            {
                "incident_id": e.incident_id,
                "level": e.level,
                "who": e.who,
                "person": e.person,
                "notify": e.notify,
                "severity": e.severity,
            }
            for e in engaged
        ],
        "notify_hook": list(hook),
    }


# -- warroom ingest ----------------------------------------------------------------------


def ingest_json(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """One object per signal in the body, in order: what it did and to which incident."""
    return [
        {
            "action": o.action,  # declared, updated, resolved alert, acknowledged alert, ignored
            "source": o.source,
            "key": o.key,
            "item": o.item,
            "incident": o.incident,
            "incident_resolved": o.incident_resolved,
            "reason": o.reason,
            "said": o.line,
        }
        for o in outcomes
    ]


def alert_json(alert: AlertOnRecord) -> dict[str, Any]:
    """An alert on an incident (`warroom alerts ID --json`)."""
    return {
        "id": alert.id,
        "incident_id": alert.incident_id,
        "source": alert.source,
        "key": alert.key,
        "group": alert.group,
        "status": alert.status,  # firing, resolved, acknowledged
        "title": alert.title,
        "severity_hint": alert.severity_hint,
        "labels": dict(alert.labels),
        "links": [{"what": what, "url": url} for what, url in alert.links],
        "starts_at": _time(alert.starts_at),
        "starts_at_ns": alert.starts_at_ns,
        "first_seen_at": _time(alert.first_seen_at),
        "last_seen_at": _time(alert.last_seen_at),
        "resolved_at": _time(alert.resolved_at),
        "signals": alert.signals,
    }
