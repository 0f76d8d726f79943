"""The post-mortem as Markdown, rendered from an incident's record.

Pure: the store reads an `IncidentRecord`; this module only writes it out.
Sections follow the seeds' template: overview (timeline summary, impact,
root cause), duration and response times, the timeline, SLA breaches and
escalations, updates posted, what went well, what went wrong, action items,
lessons learned and the review meeting. Root cause, went well / wrong and
lessons are pre-filled from entries of kinds `root-cause`, `went-well`,
`went-wrong` and `lesson`, else they carry a prompt line to fill in.

All times are UTC (a post-mortem is read across time zones); how each
duration is measured is in `incident_times`. User text goes through
`markdown_text`, so it renders exactly as typed.
"""

from __future__ import annotations

import datetime as dt
import itertools

from warroom.domain import sla
from warroom.domain.checklists import progress
from warroom.domain.follow_ups import ordered
from warroom.domain.incident_record import (
    IncidentRecord,
    customer_impact,
    ended_at,
    first_sign,
    participants,
    response_times,
    span,
    stamp,
    started_at,
    time_at_severity,
    time_in_status,
)
from warroom.domain.markdown_text import bullets, heading_text, table
from warroom.domain.markdown_text import markdown_text as md
from warroom.domain.policy import Policy
from warroom.domain.template_context import spell_duration
from warroom.domain.timefmt import to_iso
from warroom.domain.timeline_state import ShownEntry, fold
from warroom.domain.visible import visible
from warroom.domain.vocabulary import FOLLOW_UP_STATUSES, OPEN_STATUSES
from warroom.errors import InvalidInput


def _cell(shown: ShownEntry) -> str:
    """An entry as it reads now, with what was struck or corrected, and when."""
    entry, versions = shown.entry, [*shown.history, shown.entry]
    parts = [md(entry.text)]
    if shown.struck:
        reason = str(entry.data.get("reason") or "")
        parts = [
            f"~~{md(entry.text)}~~ **struck** by {md(entry.author)} at {stamp(entry.logged_at)}"
        ]
        parts[0] += f": {md(reason)}" if reason else ""
    for older, newer in itertools.pairwise(versions):
        same = older.text == newer.text and older.kind == newer.kind
        if same and newer.data.get("struck"):
            continue  # the strike is shown above
        if same:
            parts.append(f"_restored by {md(newer.author)} at {stamp(newer.logged_at)}_")
            continue
        kind = f" ({older.kind})" if older.kind != newer.kind else ""
        parts.append(
            f"_corrected by {md(newer.author)} at {stamp(newer.logged_at)}; was:_"
            f" ~~{md(older.text)}~~{kind}"
        )
    first = versions[0]
    if first.logged_at - first.at >= dt.timedelta(minutes=1):
        parts.append(f"_logged at {stamp(first.logged_at)}_")
    return ("★ " if shown.pinned else "") + "<br>".join(parts)


def _timeline(shown: list[ShownEntry]) -> list[str]:
    rows, day = [], None
    for item in shown:
        at = item.entry.at.astimezone(dt.UTC)
        when = f"{at:%H:%M:%S}" if at.date() == day else f"{at:%Y-%m-%d %H:%M:%S}"
        day = at.date()
        author = (item.history[0] if item.history else item.entry).author
        rows.append((when, md(item.entry.kind.replace("_", "-")), md(author), _cell(item)))
    legend = "★ pinned · ~~struck~~ text was struck out or corrected (the record keeps both)."
    return ["## Timeline (UTC)", "", legend, "", *table(("Time", "Kind", "Who", "Entry"), rows)]


def _entries(shown: list[ShownEntry], kind: str) -> list[str]:
    return [md(s.entry.text) for s in shown if s.entry.kind == kind and not s.struck]


_MILESTONES = ("declared", "ack", "severity", "status")
_IMPACT_PROMPTS = {
    "Users affected": "who was affected, and how many?",
    "Services affected": "which services were affected?",
    "Business impact": "revenue, customers, contracts?",
}


def _overview(record: IncidentRecord, shown: list[ShownEntry], now: dt.datetime) -> list[str]:
    incident = record.incident
    sign = first_sign(incident, record.timeline)
    moments = [
        f"- {stamp(s.entry.at)} — {'★ ' if s.pinned else ''}{md(s.entry.text)}"
        for s in shown
        if not s.struck
        and (s.entry.kind in _MILESTONES or s.pinned or s.entry.at == sign < incident.declared_at)
    ]
    impact = (incident.impact_users, incident.impact_services, incident.impact_business)
    until = {"cancelled": "cancelled"}.get(incident.status, "resolved")
    took = span(ended_at(incident, record.timeline, now) - incident.declared_at)
    if incident.status in OPEN_STATUSES:
        took, until = f"{took} so far", "now; still open"
    if sign < incident.declared_at:
        until += f"; {span(ended_at(incident, record.timeline, now) - sign)} from the first sign"
    return [
        "## Overview",
        "",
        md(incident.summary) or "_Nothing recorded yet: what happened, in a few sentences?_",
        "",
        "### Timeline summary",
        "",
        *moments,
        "",
        "### Impact",
        "",
        *[
            f"- **{label}:** {md(text) or f'_Nothing recorded yet: {ask}_'}"
            for (label, ask), text in zip(_IMPACT_PROMPTS.items(), impact, strict=True)
        ],
        f"- **Duration:** {took} (declared to {until})",
        "",
        "### Root cause",
        "",
        *bullets(_entries(shown, "root-cause"), "what was the root cause? (log `cause: …`)"),
    ]


def _response(record: IncidentRecord, now: dt.datetime) -> list[str]:
    incident, timeline = record.incident, record.timeline
    rows = []
    start_name = "impact start" if incident.impact_started_at else "first sign"
    if not incident.impact_started_at and started_at(incident, timeline) >= incident.declared_at:
        start_name = "declared"  # nothing on record before the declaration
    for r in response_times(incident, timeline):
        if r.name == "detect":
            end_name = "detected" if incident.detected_at else "declared"
            at_once = "at once" if incident.detected_at else "at declaration"
            between = f"{start_name} {stamp(r.start)} → {end_name}" if r.took else at_once
        else:
            detection = "detected" if incident.detected_at else "declared"
            since = detection if r.name == "acknowledge" else start_name
            between = f"{since} → {stamp(r.end)}" if r.end else f"not yet {r.name}d"
        rows.append((r.name.capitalize(), span(r.took) if r.took is not None else "—", between))
    severities = time_at_severity(incident, timeline, now)
    statuses = time_in_status(incident, timeline, now)
    runbooks = [f"- {md(c.title)}: {progress(c.items)} items done" for c in record.checklists]
    return [
        "## Duration and response times",
        "",
        *table(("Time to", "Took", "Between"), rows),
        "",
        "_Detect: from the impact start (else the earliest moment on record) to the"
        " detection (else the declaration). Acknowledge: from the detection. Mitigate (first"
        " move to monitoring, else the resolution), resolve: from the impact start (else the"
        " earliest moment on record)._",
        "",
        f"Customer impact: {customer_impact(incident).said()}",
        "",
        *table(("Severity", "Time at it"), [(md(k), span(v)) for k, v in severities.items()]),
        "",
        *table(("Status", "Time in it"), [(k, span(v)) for k, v in statuses.items()]),
        *(["", "Runbooks followed:", "", *runbooks] if runbooks else []),
    ]


def _clocks(record: IncidentRecord) -> list[str]:
    severity_of = {
        (e.data.get("timer"), e.data.get("deadline")): str(e.data.get("severity", ""))
        for e in record.timeline
        if e.kind == "sla_breach"
    }
    breaches = [
        (
            sla.LABELS.get(b.timer, md(b.timer)),
            stamp(b.deadline),
            md(severity_of.get((b.timer, to_iso(b.deadline)), "")),
            stamp(b.recorded_at),
        )
        for b in record.breaches
    ]
    engaged = [
        (str(e.level), md(e.who), md(e.person) or "nobody held it", e.how, stamp(e.engaged_at))
        for e in record.escalations
    ]
    return [
        "## SLA breaches and escalations",
        "",
        *table(("Timer", "Deadline", "Severity", "Recorded"), breaches, "No SLA was breached."),
        "",
        *table(("Level", "Who", "Person", "How", "At"), engaged, "Nobody was escalated to."),
    ]


def _updates(record: IncidentRecord) -> list[str]:
    rows = [(stamp(u.posted_at), md(u.audience), md(u.author), md(u.body)) for u in record.updates]
    found = table(("Posted", "Audience", "By", "Update"), rows, "No status update was posted.")
    return ["## Updates posted", "", *found]


_ACTIONS = "what prevents a recurrence, improves monitoring, updates runbooks, fixes code?"


def _action_items(record: IncidentRecord, shown: list[ShownEntry]) -> list[str]:
    rows = [
        (
            f"#{f.id}",
            md(f.text),
            md(f.owner) or "_no owner_",
            f.due.isoformat() if f.due else "—",
            f.priority,
            FOLLOW_UP_STATUSES.get(f.status, f.status),
        )
        for f in ordered(list(record.follow_ups))
    ]
    promoted = {f.from_entry for f in record.follow_ups}
    todos = [
        f"- {md(s.entry.text)}"
        for s in shown
        if s.entry.kind == "todo"
        and not s.struck
        and not promoted & {s.entry.id, *(h.id for h in s.history)}
    ]
    header = ("#", "Action", "Owner", "Due", "Priority", "Status")
    return [
        "## Action items",
        "",
        *table(header, rows, f"_Nothing recorded yet: {_ACTIONS}_"),
        *(["", "TODOs on the timeline not yet made follow-ups:", "", *todos] if todos else []),
    ]


_AGENDA = (
    "Incident timeline review",
    "Root cause analysis",
    "Response effectiveness assessment",
    "Communication evaluation",
    "Process improvement identification",
    "Action items assignment",
)


def _done(done_at: dt.datetime | None, timer: sla.Timer | None) -> str:
    if done_at is None:
        return "not yet (`warroom postmortem ID --done`)"
    if timer is not None and timer.state == sla.MISSED:
        return f"{stamp(done_at)} ({sla.countdown(timer)})"
    return stamp(done_at)


def _review(record: IncidentRecord, policy: Policy, now: dt.datetime) -> list[str]:
    incident = record.incident
    try:
        after = spell_duration(policy.severity(incident.severity).postmortem_due)
    except InvalidInput:
        after = ""
    timers = sla.timers(incident, policy, now, record.history)
    timer = next((t for t in timers if t.name == "postmortem"), None)
    if timer is not None:
        due = f"{stamp(timer.deadline)} ({after} after resolution at {timer.severity})"
    else:
        due = f"{after} after resolution" if after else "—"
    people = [(md(person), md("; ".join(roles))) for person, roles in participants(record).items()]
    owner = md(incident.postmortem_owner) or "_Nothing recorded yet: who owns this post-mortem?_"
    return [
        "## Review meeting",
        "",
        f"- **Post-mortem owner:** {owner}",
        f"- **Due:** {due}",
        f"- **Done:** {_done(incident.postmortem_done_at, timer)}",
        "",
        "Participants: everyone who held a role or was escalated to; add the technical and "
        "operations teams, management and stakeholders as needed.",
        "",
        *table(("Person", "Role"), people),
        "",
        "Agenda:",
        "",
        *[f"{n}. {item}" for n, item in enumerate(_AGENDA, start=1)],
        "",
        "_Blameless: focus on systems and processes, not individuals; look for learning "
        "opportunities and systemic improvements._",
    ]


def _local(at: dt.datetime, zone: dt.tzinfo | None) -> str:
    """` (2026-11-24 00:45 CET)` when `zone` is not UTC there, for readers in that zone."""
    moment = at.astimezone(zone or dt.UTC)
    if not moment.utcoffset():
        return ""
    return f" ({moment:%Y-%m-%d %H:%M} {moment.strftime('%Z') or moment.strftime('%z')})"


_WELL = "what went well? (detection speed, response time, communication; log `well: …`)"
_WRONG = "what went wrong? (gaps in monitoring, response delays, communication; log `wrong: …`)"
_LESSONS = "what did we learn? (key takeaways, process improvements; log `lesson: …`)"


def render_postmortem(
    record: IncidentRecord, policy: Policy, now: dt.datetime, local: dt.tzinfo | None = None
) -> str:
    """The post-mortem for `record` as of `now`: Markdown, ending with a newline.

    Times are UTC; with `local`, the declaration also shows in that zone.
    """
    incident = record.incident
    shown = fold(record.timeline)
    try:
        label = f" ({policy.severity(incident.severity).label})"
    except InvalidInput:
        label = ""
    drill = " · **drill**" if incident.drill else ""
    commanders = [r.person for r in record.roles if r.role == "commander"] or [incident.commander]
    head = [
        f"# Post-mortem: {incident.ref} {heading_text(incident.title)}",
        "",
        f"- **Incident:** {incident.ref} · {md(incident.severity + label)} · "
        f"{incident.kind} · {incident.status}{drill}",
        f"- **Declared:** {stamp(incident.declared_at)}{_local(incident.declared_at, local)}"
        f" · **Commander:** {' → '.join(md(c) for c in commanders)}",
        f"- **Channel:** {md(incident.channel)}",
        f"- **Written:** {stamp(now)} by warroom from the incident record; all times UTC.",
    ]
    sections = [
        head,
        _overview(record, shown, now),
        _response(record, now),
        _timeline(shown),
        _clocks(record),
        _updates(record),
        ["## What went well", "", *bullets(_entries(shown, "went-well"), _WELL)],
        ["## What went wrong", "", *bullets(_entries(shown, "went-wrong"), _WRONG)],
        _action_items(record, shown),
        ["## Lessons learned", "", *bullets(_entries(shown, "lesson"), _LESSONS)],
        _review(record, policy, now),
    ]
    # every piece of stored text went through `md`; this is the last guard for the rest
    return visible("\n\n".join("\n".join(lines) for lines in sections)) + "\n"
