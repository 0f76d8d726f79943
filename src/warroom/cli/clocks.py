"""CLI commands for the clocks: `escalate` now, and `sweep` what fell due."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from warroom.cli.group import INCIDENT_ID, Context, json_option, pass_ctx
from warroom.cli.json_shapes import sweep_json
from warroom.cli.output import echo, echo_json
from warroom.domain.timefmt import format_when
from warroom.domain.visible import visible, visible_line

if TYPE_CHECKING:
    import datetime as dt

    from warroom.notify import HookRun
    from warroom.service.clocks import Engaged, SweepResult


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@pass_ctx
def escalate(context: Context, incident: int) -> None:
    """Engage the next rung of the escalation ladder now.

    A rung whose role nobody holds falls through to the next, with a warning.
    """
    with context.room(incident) as room:
        engaged = room.escalate(incident)
        for step in engaged:
            click.echo(step_line(step))
        for outcome in room.run_notify_hook(engaged):
            click.echo(visible(outcome.text), err=True)


def step_line(step: Engaged) -> str:
    """One rung reached, as the CLI says it; a vacant one as a warning."""
    if not step.person:
        return f"#{step.incident_id} ⚠ level {step.level} {visible_line(step.who)}: nobody holds it"
    who = visible_line(f"{step.who} ({step.person})")
    return f"#{step.incident_id} escalated to level {step.level}: {who}"


@click.command()
@json_option
@pass_ctx
def sweep(context: Context, as_json: bool) -> None:
    """Record what fell due (SLA breaches, escalation rungs) and page for new rungs.

    For cron while no console is open: reading commands never write, and a
    console sweeps by itself every second. Each breach and rung is recorded
    once, however many sweeps see it.
    """
    now = context.clock.now()
    with context.database() as database:
        room = context.war_room(database)
        swept = room.sweep()
        hook = room.run_notify_hook(swept.engaged)
    if as_json:
        echo_json(sweep_json(swept.breaches, swept.engaged, [run.text for run in hook]))
    else:
        _say_swept(swept, hook, now, context)
    if swept.stopped:  # what it lists is recorded and paged; the rest is for the next sweep
        raise click.ClickException(visible(f"stopped before the end: {swept.stopped}"))


def _say_swept(swept: SweepResult, hook: list[HookRun], now: dt.datetime, context: Context) -> None:
    for number, breach in swept.breaches:
        due = format_when(breach.deadline, now, context.tz)
        echo(f"#{number} breached {visible_line(breach.label)} (due {due})")
    for step in swept.engaged:
        echo(step_line(step))
    for outcome in hook:
        click.echo(visible(outcome.text), err=True)
    if not swept.breaches and not swept.engaged:
        echo("nothing fell due")
