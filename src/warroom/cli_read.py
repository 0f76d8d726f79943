"""CLI commands that read an incident: list and show."""

from __future__ import annotations

import click

from warroom.cli import Context, cli, incident_id, pass_ctx
from warroom.domain import escalation, sla
from warroom.domain.timefmt import format_age, format_when
from warroom.domain.visible import pad
from warroom.domain.visible import visible_line as one_line
from warroom.domain.vocabulary import ROLES
from warroom.store import queries, scribe_queries
from warroom.views import echo, echo_json


@cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include resolved, closed and cancelled.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def list_incidents(context: Context, show_all: bool, as_json: bool) -> None:
    """List incidents, most severe first."""
    from warroom.views import incident_json, timer_json

    now = context.clock.now()
    with context.room() as room:
        found = queries.incidents(room.db, include_ended=show_all)
        histories = queries.clock_state(room.db, [i.id for i in found])
    found.sort(key=lambda i: (context.policy.rank(i.severity), i.declared_at))
    urgent = {
        i.id: sla.most_urgent(sla.timers(i, context.policy, now, *histories[i.id][:1]))
        for i in found
    }
    if as_json:
        rows = []
        for i in found:
            timer = urgent[i.id]
            rows.append(
                incident_json(i, now) | {"next_deadline": timer_json(timer) if timer else None}
            )
        echo_json(rows)
        return
    if not found:
        echo("no live incidents" if not show_all else "no incidents")
    for i in found:
        age = format_age(i.declared_at, now)
        timer = urgent[i.id]
        due = f"{timer.name} {sla.countdown(timer)}" if timer else ""
        # widths in terminal cells, so a CJK or emoji name keeps the title column in place
        echo(
            f"#{i.id:<5} {pad(one_line(i.severity), 5)} {i.status:<13} {age:>7}  {due:<24} "
            f"{pad(one_line(i.commander), 14)} {one_line(i.title)}"
        )


@cli.command()
@click.argument("incident")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def show(context: Context, incident: str, as_json: bool) -> None:
    """Show an incident, its roles and its timeline."""
    from warroom.domain.timeline_state import TimelineState
    from warroom.views import (
        entry_json,
        escalation_json,
        follow_up_json,
        incident_json,
        role_json,
        timeline_lines,
        timer_json,
    )

    now = context.clock.now()
    with context.room() as room:
        db = room.db
        found = queries.incident(db, incident_id(incident))
        holders = queries.roles(db, found.id)
        entries = queries.timeline(db, found.id)
        history = queries.history(db, found.id)
        engaged = queries.engagements(db, found.id)
        follow_ups = scribe_queries.follow_ups(db, found.id)
    state = TimelineState()
    state.add(entries)
    assigned = {r.role: r.person for r in holders}
    clocks = sla.timers(found, context.policy, now, history, assigned=assigned)
    ladder = escalation.ladder_status(
        found, context.policy, now, pauses=history.reopened, assigned=assigned
    )
    if as_json:
        body = incident_json(found, now) | {
            "roles": [role_json(r) for r in holders],
            "timeline": [
                entry_json(e, current=state.is_current(e.id), pinned=state.pinned(e.id))
                for e in entries
            ],
            "follow_ups": [follow_up_json(f) for f in follow_ups],
            "timers": [timer_json(t) for t in clocks],
            "escalation": escalation_json(ladder, engaged),
        }
        echo_json(body)
        return
    tz = context.tz
    drill = "  [DRILL]" if found.drill else ""
    age = format_age(found.declared_at, now)
    lines = [
        f"#{found.id} {one_line(found.title)}{drill}",
        f"  {one_line(found.severity)} · {found.status} · {found.kind} · age {age}"
        f" · {one_line(found.channel)}",
        f"  declared {format_when(found.declared_at, now, tz)}",
    ]
    if found.summary:
        lines.append(f"  summary: {one_line(found.summary)}")
    for label, value in (
        ("users affected", found.impact_users),
        ("services affected", found.impact_services),
        ("business impact", found.impact_business),
    ):
        lines.append(f"  {label}: {one_line(value) or '—'}")
    lines.append("  timers:")
    lines += [f"    {pad(one_line(t.label), 26)} {sla.countdown(t):<16} {t.state}" for t in clocks]
    if ladder.next is not None:
        lines.append(
            f"  next escalation: level {ladder.next.level} {one_line(ladder.next.rung.who)}"
            f" ({one_line(ladder.next.responder.name)})"
            f" at {format_when(ladder.next.due_at, now, tz)}"
        )
    lines.append("  roles:")
    lines += [f"    {one_line(ROLES.get(r.role, r.role))}: {one_line(r.person)}" for r in holders]
    lines.append("  timeline (★ pinned):")
    lines += timeline_lines(state.current(), now, tz)
    if follow_ups:
        lines.append("  follow-ups:")
        lines += [
            f"    #{f.id} [{f.status}] {f.priority} · {one_line(f.owner or 'no owner')} · "
            f"due {f.due or '—'} · {one_line(f.text)}"
            for f in follow_ups
        ]
    if found.postmortem_owner:
        lines.append(f"  post-mortem owner: {one_line(found.postmortem_owner)}")
    echo("\n".join(lines))
