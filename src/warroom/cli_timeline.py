"""CLI commands for the scribe's tools: correct, strike, pin, search, follow-ups."""

from __future__ import annotations

import datetime as dt

import click

from warroom.cli import Context, cli, incident_id, pass_ctx, record_id, typed_time
from warroom.domain import follow_ups as follow_up_rules
from warroom.domain.models import FollowUp
from warroom.domain.timeline_state import TimelineState
from warroom.domain.visible import pad, visible_line
from warroom.domain.vocabulary import ENTRY_KINDS, FOLLOW_UP_PRIORITIES, FOLLOW_UP_STATUSES
from warroom.errors import InvalidInput
from warroom.store import queries, scribe_queries
from warroom.views import echo, echo_json, follow_up_json, timeline_lines


def entry_id(value: str, what: str = "entry") -> int:
    """A timeline entry's (or follow-up's) number, as `show` and `followups` print it."""
    return record_id(value, what)


def _due(context: Context, text: str | None) -> dt.date | None:
    if text is None:
        return None
    today = context.clock.now().astimezone(context.tz).date()
    try:
        return follow_up_rules.parse_due(text, today)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


@cli.command()
@click.argument("entry")
@click.argument("text")
@click.option("--kind", "-k", default=None, help=f"New kind: {', '.join(ENTRY_KINDS)}.")
@click.option(
    "--at", "at_text", default=None, help="When it really happened: ISO 8601 or HH:MM (local)."
)
@pass_ctx
def correct(context: Context, entry: str, text: str, kind: str | None, at_text: str | None) -> None:
    """Correct timeline ENTRY (text, kind or time): a new row replaces it; the old one
    stays in the history."""
    at = typed_time(context, at_text, "--at") if at_text else None
    with context.room() as room:
        click.echo(room.correct(entry_id(entry), text, kind, at))


@cli.command()
@click.argument("entry")
@click.option("--reason", default="", help="Why it is struck (kept with it).")
@pass_ctx
def strike(context: Context, entry: str, reason: str) -> None:
    """Strike timeline ENTRY out; it stays in the record, marked struck."""
    with context.room() as room:
        click.echo(room.strike(entry_id(entry), reason))


@cli.command()
@click.argument("entry")
@click.option("--off", is_flag=True, help="Unpin instead.")
@pass_ctx
def pin(context: Context, entry: str, off: bool) -> None:
    """Pin timeline ENTRY for the post-mortem (or --off to unpin)."""
    with context.room() as room:
        room.pin(entry_id(entry), not off)


@cli.command()
@click.argument("incident")
@click.argument("words")
@pass_ctx
def search(context: Context, incident: str, words: str) -> None:
    """Entries of INCIDENT containing WORDS (every word; the last may be a prefix)."""
    now = context.clock.now()
    with context.database() as db:
        number = queries.incident(db, incident_id(incident)).id
        found = set(scribe_queries.search(db, number, words))
        rows = queries.timeline(db, number)
    state = TimelineState()
    state.add(rows)
    hits = [  # an entry matches when any of its versions does, as in the console
        s for s in state.current() if s.entry.id in found or any(h.id in found for h in s.history)
    ]
    for line in timeline_lines(hits, now, context.tz, history=False):
        echo(line)
    if not hits:
        echo(f"nothing in #{number} matches {words!r}", err=True)


def _print_follow_ups(items: list[FollowUp], today: dt.date) -> None:
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


@cli.group(invoke_without_command=True)
@click.option("--open", "open_only", is_flag=True, help="Only open follow-ups.")
@click.option("--incident", "incident", default=None, help="Only this incident's.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def followups(
    click_context: click.Context, open_only: bool, incident: str | None, as_json: bool
) -> None:
    """Follow-ups (action items) across incidents: open first, then by priority and due date."""
    if click_context.invoked_subcommand is not None:
        return
    context = click_context.find_object(Context)
    assert context is not None
    with context.database() as db:
        number = queries.incident(db, incident_id(incident)).id if incident else None
        items = follow_up_rules.ordered(scribe_queries.follow_ups(db, number, open_only=open_only))
    if as_json:
        echo_json([follow_up_json(i) for i in items])
        return
    _print_follow_ups(items, context.clock.now().astimezone(context.tz).date())


_OWNER = click.option("--owner", default="", help="Who does it.")
_DUE = click.option("--due", default=None, help="YYYY-MM-DD, +3d, 2w, tomorrow, fri.")
_PRIORITY = click.option(
    "--priority", default="medium", show_default=True, help="|".join(FOLLOW_UP_PRIORITIES)
)


@followups.command("add")
@click.argument("incident")
@click.argument("text")
@_OWNER
@_DUE
@_PRIORITY
@pass_ctx
def followups_add(
    context: Context, incident: str, text: str, owner: str, due: str | None, priority: str
) -> None:
    """Add a follow-up to INCIDENT; prints its id."""
    with context.room() as room:
        click.echo(
            room.add_follow_up(
                incident_id(incident), text, owner=owner, due=_due(context, due), priority=priority
            )
        )


@followups.command("promote")
@click.argument("entry")
@_OWNER
@_DUE
@_PRIORITY
@pass_ctx
def followups_promote(
    context: Context, entry: str, owner: str, due: str | None, priority: str
) -> None:
    """Turn timeline ENTRY (a TODO) into a follow-up; prints its id."""
    with context.room() as room:
        click.echo(
            room.promote(entry_id(entry), owner=owner, due=_due(context, due), priority=priority)
        )


@followups.command("set")
@click.argument("follow_up")
@click.option("--status", default=None, help="|".join(FOLLOW_UP_STATUSES))
@click.option("--owner", default=None, help="Who does it.")
@click.option("--due", default=None, help="YYYY-MM-DD, +3d, 2w, tomorrow, fri; 'none' clears.")
@click.option("--priority", default=None, help="|".join(FOLLOW_UP_PRIORITIES))
@pass_ctx
def followups_set(
    context: Context,
    follow_up: str,
    status: str | None,
    owner: str | None,
    due: str | None,
    priority: str | None,
) -> None:
    """Change a follow-up's status, owner, due date or priority."""
    changes: dict[str, object] = {"status": status, "owner": owner, "priority": priority}
    if due is not None:
        changes["due"] = None if due.strip().lower() == "none" else _due(context, due)
    with context.room() as room:
        room.update_follow_up(entry_id(follow_up, "follow-up"), **changes)
