"""CLI commands for the post-mortem and the incident's own times: `postmortem`, `times`."""

from __future__ import annotations

import click

from warroom.cli.group import INCIDENT_ID, Context, pass_ctx, typed_time


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.option("--owner", default=None, help="Who writes the post-mortem (any time).")
@click.option("--done", is_flag=True, help="The post-mortem is written (after resolving).")
@pass_ctx
def postmortem(context: Context, incident: int, owner: str | None, done: bool) -> None:
    """Name the post-mortem's owner and/or mark it done (its clock is met when done)."""
    with context.room(incident) as room:
        room.postmortem(incident, owner=owner, done=done)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.option(
    "--detected-at", default=None, metavar="TIME", help="When it was detected (ISO 8601 or HH:MM)."
)
@click.option("--impact-start", default=None, metavar="TIME", help="When customer impact started.")
@click.option("--impact-end", default=None, metavar="TIME", help="When customer impact ended.")
@pass_ctx
def times(
    context: Context,
    incident: int,
    detected_at: str | None,
    impact_start: str | None,
    impact_end: str | None,
) -> None:
    """Record when INCIDENT was detected and when customer impact started and ended."""
    with context.room(incident) as room:
        room.set_times(
            incident,
            detected_at=typed_time(context, detected_at, "--detected-at") if detected_at else None,
            impact_started_at=(
                typed_time(context, impact_start, "--impact-start") if impact_start else None
            ),
            impact_ended_at=typed_time(context, impact_end, "--impact-end") if impact_end else None,
        )
