"""CLI commands for the scribe's tools: log, correct, strike, pin, follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from warroom.cli.group import (
    ENTRY_ID,
    FOLLOW_UP_ID,
    INCIDENT_ID,
    Context,
    json_option,
    pass_ctx,
    typed_time,
)
from warroom.domain.vocabulary import ENTRY_KINDS, FOLLOW_UP_PRIORITIES, FOLLOW_UP_STATUSES
from warroom.errors import InvalidInput

if TYPE_CHECKING:
    from warroom.domain.models import FollowUp

# `warroom log` imports this module: what only the follow-up commands read or print
# (the read model, the follow-up rules, the output helpers) is imported where used


def _due(context: Context, text: str | None) -> dt.date | None:
    if text is None:
        return None
    from warroom.domain import follow_ups as follow_up_rules

    today = context.clock.now().astimezone(context.tz).date()
    try:
        return follow_up_rules.parse_due(text, today)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("text")
@click.option(
    "--kind", "-k", default="note", show_default=True, help=f"One of: {', '.join(ENTRY_KINDS)}."
)
@click.option(
    "--at",
    "at_text",
    default=None,
    metavar="TIME",
    help="When it happened (ISO 8601 or HH:MM), if not now.",
)
@pass_ctx
def log(context: Context, incident: int, text: str, kind: str, at_text: str | None) -> None:
    """Add a timeline entry."""
    at = typed_time(context, at_text, "--at") if at_text else None
    with context.room(incident) as room:
        room.log(incident, text, kind, at=at)


@click.command()
@click.argument("entry", type=ENTRY_ID)
@click.argument("text")
@click.option("--kind", "-k", default=None, help=f"New kind: {', '.join(ENTRY_KINDS)}.")
@click.option(
    "--at", "at_text", default=None, help="When it really happened: ISO 8601 or HH:MM (local)."
)
@pass_ctx
def correct(context: Context, entry: int, text: str, kind: str | None, at_text: str | None) -> None:
    """Correct timeline ENTRY (text, kind or time): a new row replaces it; the old one
    stays in the history."""
    at = typed_time(context, at_text, "--at") if at_text else None
    with context.room() as room:
        click.echo(room.correct(entry, text, kind, at))


@click.command()
@click.argument("entry", type=ENTRY_ID)
@click.option("--reason", default="", help="Why it is struck (kept with it).")
@pass_ctx
def strike(context: Context, entry: int, reason: str) -> None:
    """Strike timeline ENTRY out; it stays in the record, marked struck."""
    with context.room() as room:
        click.echo(room.strike(entry, reason))


@click.command()
@click.argument("entry", type=ENTRY_ID)
@click.option("--off", is_flag=True, help="Unpin instead.")
@pass_ctx
def pin(context: Context, entry: int, off: bool) -> None:
    """Pin timeline ENTRY for the post-mortem (or --off to unpin)."""
    with context.room() as room:
        room.pin(entry, not off)


def _print_follow_ups(items: list[FollowUp], today: dt.date) -> None:
    from warroom.cli.output import echo
    from warroom.domain import follow_ups as follow_up_rules
    from warroom.domain.visible import pad, visible_line

    if not items:
        echo("no follow-ups")
    for item in items:
        late = "  OVERDUE" if follow_up_rules.is_overdue(item, today) else ""
        status = f"[{FOLLOW_UP_STATUSES.get(item.status, item.status)}]"
        owner = visible_line(" ".join((item.owner or "no owner").split()))
        text = visible_line(" ".join(item.text.split()))  # one line per follow-up
        echo(  # widths in terminal cells: a CJK owner keeps the due column in place
            f"#{item.id:<4} incident #{item.incident_id:<4} {status:<10} {item.priority:<6} "
            f"{pad(owner, 14)} due {item.due or '—'!s:<10}  {text}{late}"
        )


@click.group(invoke_without_command=True)
@click.option("--open", "open_only", is_flag=True, help="Only open follow-ups.")
@click.option(
    "--incident", "incident", type=INCIDENT_ID, default=None, help="Only this incident's."
)
@json_option
@click.pass_context
def followups(
    click_context: click.Context, open_only: bool, incident: int | None, as_json: bool
) -> None:
    """Follow-ups (action items) across incidents: open first, then by priority and due date."""
    if click_context.invoked_subcommand is not None:
        return
    from warroom.domain import follow_ups as follow_up_rules
    from warroom.store import read_model

    context = click_context.find_object(Context)
    assert context is not None
    with context.database() as db:
        number = read_model.incident(db, incident).id if incident is not None else None
        items = follow_up_rules.ordered(read_model.follow_ups(db, number, open_only=open_only))
    if as_json:
        from warroom.cli.json_shapes import follow_up_json
        from warroom.cli.output import echo_json

        echo_json([follow_up_json(i) for i in items])
        return
    _print_follow_ups(items, context.clock.now().astimezone(context.tz).date())


_OWNER = click.option("--owner", default="", help="Who does it.")
_DUE = click.option("--due", default=None, help="YYYY-MM-DD, +3d, 2w, tomorrow, fri.")
_PRIORITY = click.option(
    "--priority", default="medium", show_default=True, help="|".join(FOLLOW_UP_PRIORITIES)
)


@followups.command("add")
@click.argument("incident", type=INCIDENT_ID)
@click.argument("text")
@_OWNER
@_DUE
@_PRIORITY
@pass_ctx
def followups_add(
    context: Context, incident: int, text: str, owner: str, due: str | None, priority: str
) -> None:
    """Add a follow-up to INCIDENT; prints its id."""
    with context.room(incident) as room:
        click.echo(
            room.add_follow_up(
                incident, text, owner=owner, due=_due(context, due), priority=priority
            )
        )


@followups.command("promote")
@click.argument("entry", type=ENTRY_ID)
@_OWNER
@_DUE
@_PRIORITY
@pass_ctx
def followups_promote(
    context: Context, entry: int, owner: str, due: str | None, priority: str
) -> None:
    """Turn timeline ENTRY (a TODO) into a follow-up; prints its id."""
    with context.room() as room:
        click.echo(room.promote(entry, owner=owner, due=_due(context, due), priority=priority))


@followups.command("set")
@click.argument("follow_up", type=FOLLOW_UP_ID)
@click.option("--status", default=None, help="|".join(FOLLOW_UP_STATUSES))
@click.option("--owner", default=None, help="Who does it.")
@click.option("--due", default=None, help="YYYY-MM-DD, +3d, 2w, tomorrow, fri; 'none' clears.")
@click.option("--priority", default=None, help="|".join(FOLLOW_UP_PRIORITIES))
@pass_ctx
def followups_set(
    context: Context,
    follow_up: int,
    status: str | None,
    owner: str | None,
    due: str | None,
    priority: str | None,
) -> None:
    """Change a follow-up's status, owner, due date or priority."""
    new_due = None if due is None or due.strip().lower() == "none" else _due(context, due)
    with context.room() as room:
        if due is None:  # the due date stays as it is
            room.update_follow_up(follow_up, status=status, owner=owner, priority=priority)
        else:
            room.update_follow_up(
                follow_up, status=status, owner=owner, priority=priority, due=new_due
            )
