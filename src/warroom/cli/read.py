"""CLI commands that read incidents: list, show, search.

They open the file for reading only: nothing due is swept and nothing is
written (`warroom sweep` records what fell due).
"""

from __future__ import annotations

import click

from warroom.cli.group import INCIDENT_ID, Context, json_option, pass_ctx
from warroom.cli.json_shapes import incident_json, timer_json
from warroom.cli.listing import show_list
from warroom.cli.output import echo, echo_json, timeline_lines
from warroom.domain import sla
from warroom.domain.policy_record import unknown_severity
from warroom.domain.timefmt import format_age, format_when
from warroom.domain.timeline_state import TimelineState
from warroom.domain.visible import pad
from warroom.domain.visible import visible_line as one_line
from warroom.store import read_model

# `show` imports what only it prints (the ladder, pages, roles, customer impact) when
# it runs, so `list` (scripts poll it) does not pay for them


@click.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include closed and cancelled.")
@json_option
@pass_ctx
def list_incidents(context: Context, show_all: bool, as_json: bool) -> None:
    """List incidents as the console does: live first, most severe first, then oldest.

    Resolved incidents stay listed (after the live ones) until they are closed;
    --all adds the closed and cancelled ones.
    """
    show_list(context, show_all=show_all, as_json=as_json)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@json_option
@pass_ctx
def show(context: Context, incident: int, as_json: bool) -> None:
    """Show an incident, its roles and its timeline."""
    from warroom.cli.json_shapes import entry_json, escalation_json, follow_up_json, role_json
    from warroom.cli.ladder_shapes import (
        ladder_extras,
        ladder_lines,
        on_call_json,
        on_call_line,
        role_contact,
        role_lines,
    )
    from warroom.cli.pages import page_json
    from warroom.domain.incident_record import customer_impact
    from warroom.domain.pages import page_line

    now = context.clock.now()
    with context.database() as db:
        view = read_model.incident_view(db, incident)  # what the console's panes read
        pages = read_model.pages(db, incident)  # who was paged, and how it went
    found, holders, entries, follow_ups = view.incident, view.roles, view.timeline, view.follow_ups
    state = TimelineState()
    state.add(entries)
    clocks = view.timers(context.policy, now)
    ladder = view.ladder(context.policy, now)
    unknown = unknown_severity(context.policy, found.severity)
    if as_json:
        body = incident_json(found, now) | {
            "roles": [
                role_json(r)
                | {
                    "label": context.policy.incident_roles.label(r.role),
                    "contact": role_contact(context.policy, r),
                }
                for r in holders
            ],
            "timeline": [
                entry_json(e, current=state.is_current(e.id), pinned=state.pinned(e.id))
                for e in entries
            ],
            "follow_ups": [follow_up_json(f) for f in follow_ups],
            "timers": [timer_json(t) for t in clocks],
            "escalation": escalation_json(ladder, list(view.engagements))
            | ladder_extras(ladder)
            | {"on_call": on_call_json(context.policy, now)},
            "severity_known": unknown is None,
            "pages": [page_json(p) for p in pages],
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
    for label, at in (
        ("detected", found.detected_at),
        ("impact started", found.impact_started_at),
        ("impact ended", found.impact_ended_at),
    ):
        if at is not None:
            lines.append(f"  {label} {format_when(at, now, tz)}")
    if found.impact_started_at is not None:
        lines.append(f"  customer impact: {customer_impact(found).said()}")
    lines.append("  timers:")
    if unknown:
        lines.append(f"    none: {one_line(unknown)}")
    lines += [
        f"    {pad(one_line(t.label), 26)} {sla.countdown(t):<18} {t.state:<8}"
        f" deadline {format_when(t.deadline, now, tz)}"
        for t in clocks
    ]
    if ladder.next is not None:
        lines.append(
            f"  next escalation: level {ladder.next.level} {one_line(ladder.next.rung.who)}"
            f" ({one_line(ladder.next.responder.name)})"
            f" at {format_when(ladder.next.due_at, now, tz)}"
        )
    if ladder.rungs:
        lines.append(f"  escalation ladder ({one_line(found.severity)}):")
        lines += ladder_lines(ladder, now, tz)
    if (on_call := on_call_line(context.policy, now, tz)) is not None:
        lines.append(on_call)
    lines.append("  roles:")
    lines += role_lines(context.policy, list(holders))
    lines.append("  timeline (★ pinned):")
    lines += timeline_lines(state.current(), now, tz)
    if pages:
        lines.append("  pages:")
        lines += [
            f"    {format_when(p.last_attempt_at or p.created_at, now, tz)}"
            f"  {one_line(page_line(p))}"
            for p in pages
        ]
    if follow_ups:
        lines.append("  follow-ups:")
        lines += [
            f"    #{f.id} [{f.status}] {f.priority} · {one_line(f.owner or 'no owner')} · "
            f"due {f.due or '—'} · {one_line(f.text)}"
            for f in follow_ups
        ]
    if found.postmortem_owner or found.resolved_at is not None:
        owner = one_line(found.postmortem_owner) or "nobody named"
        done = found.postmortem_done_at
        progress = f"done {format_when(done, now, tz)}" if done else "not done"
        lines.append(f"  post-mortem: owner {owner} · {progress}")
    echo("\n".join(lines))


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("words")
@pass_ctx
def search(context: Context, incident: int, words: str) -> None:
    """Entries of INCIDENT containing WORDS (every word; the last may be a prefix)."""
    now = context.clock.now()
    with context.database() as db:
        number = read_model.incident(db, incident).id
        found = set(read_model.search(db, number, words))
        rows = read_model.timeline(db, number)
    state = TimelineState()
    state.add(rows)
    hits = [  # an entry matches when any of its versions does, as in the console
        s for s in state.current() if s.entry.id in found or any(h.id in found for h in s.history)
    ]
    for line in timeline_lines(hits, now, context.tz, history=False):
        echo(line)
    if not hits:
        echo(f"nothing in #{number} matches {words!r}", err=True)
