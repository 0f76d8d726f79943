"""CLI commands that change an incident: declare, status, severity, ack, assign, handoff, kind."""

from __future__ import annotations

import click

from warroom.cli.group import INCIDENT_ID, Context, pass_ctx, typed_time
from warroom.domain.vocabulary import INCIDENT_KINDS, STATUSES
from warroom.errors import InvalidInput


@click.command()
@click.option("--severity", "-s", required=True, help="Severity, e.g. P1.")
@click.option("--title", "-t", required=True, help="What is broken, in one line.")
@click.option(
    "--kind",
    "-k",
    default="availability",
    show_default=True,
    help=f"One of: {', '.join(INCIDENT_KINDS)}.",
)
@click.option("--summary", default="", help="A few sentences on what is known.")
@click.option("--commander", default=None, help="Incident commander (default: you).")
@click.option("--drill", is_flag=True, help="Mark this incident as an exercise.")
@click.option(
    "--declared-at",
    default=None,
    metavar="TIME",
    help="When it was declared, if after the fact (ISO 8601 or HH:MM).",
)
@click.option(
    "--detected-at", default=None, metavar="TIME", help="When it was detected (an alert's start)."
)
@click.option("--impact-start", default=None, metavar="TIME", help="When customer impact started.")
@click.option("--users", default="", metavar="TEXT", help="Impact: users affected.")
@click.option("--services", default="", metavar="TEXT", help="Impact: services affected.")
@click.option("--business", default="", metavar="TEXT", help="Impact: business impact.")
@pass_ctx
def declare(
    context: Context,
    severity: str,
    title: str,
    kind: str,
    summary: str,
    commander: str | None,
    drill: bool,
    declared_at: str | None,
    detected_at: str | None,
    impact_start: str | None,
    users: str,
    services: str,
    business: str,
) -> None:
    """Declare an incident; prints its id alone."""
    when = typed_time(context, declared_at, "--declared-at") if declared_at else None
    detected = typed_time(context, detected_at, "--detected-at") if detected_at else None
    started = typed_time(context, impact_start, "--impact-start") if impact_start else None
    with context.room(create=True) as room:
        new_id = room.declare(
            title,
            severity,
            kind,
            summary,
            commander=commander,
            drill=drill,
            declared_at=when,
            detected_at=detected,
            impact_started_at=started,
            impact={"users": users, "services": services, "business": business},
        )
    click.echo(str(new_id))


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("status", metavar=f"STATUS ({'|'.join(STATUSES)})")
@click.option(
    "--postmortem-owner", "owner", default=None, help="Who writes the post-mortem (closing)."
)
@pass_ctx
def status(context: Context, incident: int, status: str, owner: str | None) -> None:
    """Move an incident along its lifecycle; closing names the post-mortem owner."""
    if owner is not None and status.strip().lower() != "closed":
        raise InvalidInput("--postmortem-owner goes with closing (warroom status ID closed ...)")
    with context.room(incident) as room:
        room.set_status(incident, status, postmortem_owner=owner)
        if status.strip().lower() == "closed":
            from warroom.domain.visible import visible_line
            from warroom.store import read_model  # ack and the rest need neither

            still_open = read_model.follow_ups(room.db, incident, open_only=True)
            for item in still_open:
                said = f"{item.text} ({item.owner or 'no owner'})"
                click.echo(f"open follow-up #{item.id}: {visible_line(said)}")


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("sev")
@pass_ctx
def severity(context: Context, incident: int, sev: str) -> None:
    """Change an incident's severity; its runbooks follow it."""
    with context.room(incident) as room:
        room.set_severity(incident, sev)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@pass_ctx
def ack(context: Context, incident: int) -> None:
    """Acknowledge an incident."""
    with context.room(incident) as room:
        room.acknowledge(incident)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("role", metavar="ROLE")
@click.argument("person")
@pass_ctx
def assign(context: Context, incident: int, role: str, person: str) -> None:
    """Give a role to a person (the policy's roles; adds holders).

    Roles come from the policy's `incident_roles` (built in: commander, deputy,
    scribe, tech-lead, comms-lead, security-lead, sme). A role other than commander
    may hold several people: a second person is added beside the first.
    """
    with context.room(incident) as room:
        room.assign_role(incident, role, person)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("role", metavar="ROLE")
@click.argument("person")
@pass_ctx
def unassign(context: Context, incident: int, role: str, person: str) -> None:
    """Take PERSON off ROLE (anyone else holding it keeps it)."""
    with context.room(incident) as room:
        room.unassign_role(incident, role, person)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("person")
@click.option("--note", required=True, help="State, open TODOs, next steps.")
@pass_ctx
def handoff(context: Context, incident: int, person: str, note: str) -> None:
    """Hand command of an incident to PERSON, with a hand-off note."""
    with context.room(incident) as room:
        room.hand_off(incident, person, note)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("kind", metavar=f"KIND ({'|'.join(INCIDENT_KINDS)})")
@pass_ctx
def kind(context: Context, incident: int, kind: str) -> None:
    """Change an incident's kind; its runbooks follow it."""
    with context.room(incident) as room:
        room.set_kind(incident, kind)
