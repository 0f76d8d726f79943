"""`warroom`: open the console, or do the same actions headless.

Every sub-command calls the same service functions the console does. Errors
print one line on stderr and exit 1; usage errors exit 2; never a traceback.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import click
import sqlite_utils

from warroom import __version__, settings
from warroom.clock import Clock, SystemClock
from warroom.domain.policy import Policy, check_policy_file, load_policy
from warroom.domain.runbook_files import load_runbooks
from warroom.domain.runbooks import Runbook
from warroom.domain.templates import load_templates
from warroom.domain.timefmt import local_zone, read_user_time
from warroom.domain.visible import visible, visible_line
from warroom.domain.vocabulary import ENTRY_KINDS, INCIDENT_KINDS, ROLES, STATUSES
from warroom.errors import InvalidInput, WarroomError, WriteFailed
from warroom.service import WarRoom
from warroom.store import db as store
from warroom.store import queries, scribe_queries

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What every sub-command needs, built once from the global options."""

    def __init__(self, options: settings.Settings, clock: Clock) -> None:
        self.settings = options
        self.clock = clock
        self._policy: Policy | None = None
        self._runbooks: list[Runbook] | None = None

    @property
    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = load_policy(self.settings.policy_path)
        return self._policy

    @property
    def runbooks(self) -> list[Runbook]:
        """Bundled runbooks plus the team's (a bad file stops here with file:line)."""
        if self._runbooks is None:
            team = self.settings.runbooks_dir
            self._runbooks = load_runbooks([team] if team else [])
        return self._runbooks

    @property
    def tz(self) -> Any:
        try:
            return local_zone(self.settings.tz_name)
        except (KeyError, ValueError):
            raise InvalidInput(f"unknown time zone {self.settings.tz_name!r}") from None

    @contextmanager
    def database(self, *, create: bool = False) -> Iterator[sqlite_utils.Database]:
        """The database; only opening the console and declaring create a new file.

        Rows whose stored times cannot be used are left out of what the command
        shows; after a command that worked, a warning on stderr names them.
        """
        db = store.connect(self.settings.db_path, create=create)
        queries.forget_unreadable()
        try:
            yield db
        finally:
            db.conn.close()
        if unreadable := queries.unreadable_times():
            click.echo(f"warning: {queries.unreadable_warning(unreadable)}", err=True)

    @contextmanager
    def room(self, *, create: bool = False) -> Iterator[WarRoom]:
        """The war room, with due breaches and escalations written first.

        Any process that opens the file notices what fell due, so a breach is
        recorded even when no console is running; a read-only file still reads.
        """
        with self.database(create=create) as db:
            room = WarRoom(db, self.clock, self.settings.actor, self.policy, self.runbooks)
            try:
                room.run_notify_hook(room.sweep().engaged)
            except WriteFailed:
                pass
            yield room


def record_id(value: str, what: str = "incident") -> int:
    """Accept `12` or `#12` (incidents, timeline entries, follow-ups); anything else
    names the bad id."""
    text = value.strip().lstrip("#")
    if not text.isdigit():
        raise InvalidInput(f"unknown {what} id {value!r} (ids are numbers, like 12 or #12)")
    return int(text)


def incident_id(value: str) -> int:
    return record_id(value, "incident")


pass_ctx = click.make_pass_decorator(Context)


def typed_time(context: Context, text: str, option: str) -> Any:
    """A time typed after `option`, as a moment; a local time at a daylight-saving
    change is read by timefmt's rule and a warning on stderr says how."""
    try:
        typed = read_user_time(text, context.clock.now(), context.tz)
    except ValueError as exc:
        raise InvalidInput(f"{option}: {exc}") from None
    if typed.note:
        click.echo(f"warning: {option}: {typed.note}", err=True)
    return typed.at


def _shown(text: str) -> str:
    """Text that is not UTF-8 as its bytes would read: `caf\\xe9`."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def refuse_undecodable(args: list[str], environ: Mapping[str, str]) -> None:
    """ClickException (exit 1) naming the first argument (or WARROOM_* variable) that is
    not UTF-8 text.

    Python hands such bytes over as lone surrogates (surrogateescape); they
    would fail later, half-way through a write, so they stop everything here.
    """
    named = [(f"argument {n}", arg) for n, arg in enumerate(args, start=1)]
    named += [
        (f"{name} in the environment", v)
        for name, v in environ.items()
        if name.startswith("WARROOM_")
    ]
    for what, text in named:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise click.ClickException(
                f"{what} ('{_shown(text)}') is not UTF-8 text; nothing was done"
            ) from None


class WarroomGroup(click.Group):
    """Turns warroom's own errors into one line on stderr and exit status 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        refuse_undecodable(args, os.environ)  # before any option is read or any file opened
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WarroomError as exc:
            raise click.ClickException(visible(str(exc))) from None


@click.group(
    cls=WarroomGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--db", "db_path", metavar="PATH", help="Database file [env WARROOM_DB].")
@click.option("--as", "as_name", metavar="NAME", help="Your display name [env WARROOM_USER].")
@click.option("--policy", "policy_path", metavar="FILE", help="Policy YAML [env WARROOM_POLICY].")
@click.option("--tz", "tz_name", metavar="ZONE", help="Display time zone [env WARROOM_TZ].")
@click.option(
    "--runbooks", "runbooks_dir", metavar="DIR", help="Team runbooks [env WARROOM_RUNBOOKS]."
)
@click.option(
    "--templates", "templates_dir", metavar="DIR", help="Team templates [env WARROOM_TEMPLATES]."
)
@click.option(
    "--read-only",
    is_flag=True,
    help="Only read the database, as an observer [env WARROOM_READ_ONLY=1].",
)
@click.option(
    "--share-group",
    is_flag=True,
    help="Make new files for your Unix group: 0660, folder 2770 [env WARROOM_SHARE_GROUP=1].",
)
@click.version_option(__version__, "--version", prog_name="warroom")
@click.pass_context
def cli(
    ctx: click.Context,
    db_path: str | None,
    as_name: str | None,
    policy_path: str | None,
    tz_name: str | None,
    runbooks_dir: str | None,
    templates_dir: str | None,
    read_only: bool,
    share_group: bool,
) -> None:
    """warroom: the incident war-room console. With no command, opens it."""
    options = settings.resolve(
        db_path,
        as_name,
        policy_path,
        tz_name,
        runbooks_dir,
        templates_dir,
        read_only=read_only,
        share_group=share_group,
    )
    # every connection this process opens on the file (console workers too) follows these
    store.set_access(options.db_path, store.Access(options.read_only, options.share_group))
    ctx.obj = Context(options, SystemClock())
    if ctx.invoked_subcommand is None:
        _open_console(ctx.obj)


def _open_console(context: Context) -> None:
    from warroom.tui.app import WarRoomApp  # the UI is only imported when it is needed

    context.policy  # noqa: B018 - a bad policy stops here with its message, not in the UI
    with context.database(create=True):
        pass  # refuses a foreign file before the screen takes over the terminal
    app = WarRoomApp(
        db_path=context.settings.db_path,
        actor=context.settings.actor,
        policy=context.policy,
        clock=context.clock,
        tz=context.tz,
        runbooks=context.runbooks,
        templates=load_templates(context.settings.templates_dir),
    )
    app.run()


@cli.command()
@click.option("--db", "db_path", metavar="PATH", help="Demo database file.")
@click.option("--no-open", is_flag=True, help="Seed the demo database and exit.")
@pass_ctx
def demo(context: Context, db_path: str | None, no_open: bool) -> None:
    """Seed a demo database with live incidents, and open it."""
    from warroom.demo import seed_demo

    path = settings.resolve(db=db_path).db_path if db_path else settings.demo_db_path()
    ids = seed_demo(path, context.policy, context.clock.now(), context.runbooks)
    click.echo(f"demo database with {len(ids)} incidents: {path}", err=no_open is False)
    if not no_open:
        context.settings = dataclasses.replace(context.settings, db_path=path)
        _open_console(context)


@cli.command()
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
) -> None:
    """Declare an incident; prints its id alone."""
    when = typed_time(context, declared_at, "--declared-at") if declared_at else None
    with context.room(create=True) as room:
        new_id = room.declare(
            title, severity, kind, summary, commander=commander, drill=drill, declared_at=when
        )
    click.echo(str(new_id))


@cli.command()
@click.argument("incident")
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
def log(context: Context, incident: str, text: str, kind: str, at_text: str | None) -> None:
    """Add a timeline entry."""
    at = typed_time(context, at_text, "--at") if at_text else None
    with context.room() as room:
        room.log(incident_id(incident), text, kind, at=at)


@cli.command()
@click.argument("incident")
@click.argument("status", metavar=f"STATUS ({'|'.join(STATUSES)})")
@click.option(
    "--postmortem-owner", "owner", default=None, help="Who writes the post-mortem (closing)."
)
@pass_ctx
def status(context: Context, incident: str, status: str, owner: str | None) -> None:
    """Move an incident along its lifecycle; closing names the post-mortem owner."""
    if owner is not None and status.strip().lower() != "closed":
        raise InvalidInput("--postmortem-owner goes with closing (warroom status ID closed ...)")
    with context.room() as room:
        number = incident_id(incident)
        room.set_status(number, status, postmortem_owner=owner)
        if status.strip().lower() == "closed":
            still_open = [f for f in scribe_queries.follow_ups(room.db, number, open_only=True)]
            for item in still_open:
                said = f"{item.text} ({item.owner or 'no owner'})"
                click.echo(f"open follow-up #{item.id}: {visible_line(said)}")


@cli.command()
@click.argument("incident")
@click.argument("sev")
@pass_ctx
def severity(context: Context, incident: str, sev: str) -> None:
    """Change an incident's severity."""
    with context.room() as room:
        room.set_severity(incident_id(incident), sev)


@cli.command()
@click.argument("incident")
@pass_ctx
def ack(context: Context, incident: str) -> None:
    """Acknowledge an incident."""
    with context.room() as room:
        room.acknowledge(incident_id(incident))


@cli.command()
@click.argument("incident")
@click.argument("role", metavar=f"ROLE ({'|'.join(ROLES)})")
@click.argument("person")
@pass_ctx
def assign(context: Context, incident: str, role: str, person: str) -> None:
    """Give a role to a person."""
    with context.room() as room:
        room.assign_role(incident_id(incident), role, person)


@cli.command()
@click.argument("incident")
@pass_ctx
def escalate(context: Context, incident: str) -> None:
    """Engage the next rung of the escalation ladder now."""
    with context.room() as room:
        engaged = room.escalate(incident_id(incident))
        who = visible_line(f"{engaged.who} ({engaged.person})")
        click.echo(f"escalated #{engaged.incident_id} to level {engaged.level}: {who}")
        for outcome in room.run_notify_hook([engaged]):
            click.echo(visible(outcome), err=True)


@cli.group()
def policy() -> None:
    """Incident policy files."""


@policy.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def policy_check(files: tuple[str, ...]) -> None:
    """Validate policy files; every error names file, line and field."""
    for name in files:
        checked = check_policy_file(name)
        click.echo(f"{name}: ok ({', '.join(checked.severity_names)})")


@cli.command()
@click.argument("incident")
@click.argument("person")
@click.option("--note", required=True, help="State, open TODOs, next steps.")
@pass_ctx
def handoff(context: Context, incident: str, person: str, note: str) -> None:
    """Hand command of an incident to PERSON, with a hand-off note."""
    with context.room() as room:
        room.hand_off(incident_id(incident), person, note)


@cli.command()
@click.argument("incident")
@click.argument("kind", metavar=f"KIND ({'|'.join(INCIDENT_KINDS)})")
@pass_ctx
def kind(context: Context, incident: str, kind: str) -> None:
    """Change an incident's kind (attaches runbooks that now apply)."""
    with context.room() as room:
        room.set_kind(incident_id(incident), kind)


def main() -> None:
    """Entry point of the `warroom` script."""
    cli(prog_name="warroom")


# the other commands live in cli_*.py and register themselves on `cli` (defined above)
from warroom import (  # noqa: E402, F401
    cli_checklists,
    cli_export,
    cli_read,
    cli_report,
    cli_timeline,
    cli_updates,
)
