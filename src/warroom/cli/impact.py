"""`warroom impact`: what the incident does to users, services and the business,
as the console's `i` records it (an empty value clears a field)."""

from __future__ import annotations

import click

from warroom.cli.group import INCIDENT_ID, Context, pass_ctx
from warroom.errors import InvalidInput


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.option("--users", default=None, metavar="TEXT", help="Users affected.")
@click.option("--services", default=None, metavar="TEXT", help="Services affected.")
@click.option("--business", default=None, metavar="TEXT", help="Business impact.")
@pass_ctx
def impact(
    context: Context,
    incident: int,
    users: str | None,
    services: str | None,
    business: str | None,
) -> None:
    """Record INCIDENT's impact: users, services, business.

    Only the fields given change; an empty value ("") clears one.
    """
    given = {
        name: value
        for name, value in (("users", users), ("services", services), ("business", business))
        if value is not None
    }
    if not given:
        raise InvalidInput('give --users, --services or --business ("" clears one)')
    with context.room(incident) as room:
        room.set_impact(incident, **given)
