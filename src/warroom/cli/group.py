"""The `warroom` click group, its global options and what every command shares.

The commands live in one module per area (`incidents`, `timeline`, `checklists`,
`updates`, `transfer`, `report`, `read`, ...) and are added to this group in one
place, `commands.py`; no command module imports the group back. Errors print one
line on stderr and exit 1; usage errors exit 2; never a traceback.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from warroom import __version__, settings
from warroom.cli.console_start import open_console
from warroom.cli.context import Context as Context
from warroom.cli.context import record_id
from warroom.cli.context import typed_time as typed_time
from warroom.clock import SystemClock
from warroom.errors import WarroomError

F = TypeVar("F", bound=Callable[..., Any])


pass_ctx = click.make_pass_decorator(Context)


class RecordId(click.ParamType[int, "str | int"]):
    """A record's number, typed `12` or `#12` (as `show` and `followups` print it):
    `IncidentId`, `EntryId` and `FollowUpId` below."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.name = f"{what} id"

    def convert(
        self, value: str | int, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        return record_id(value, self.what)


INCIDENT_ID = RecordId("incident")
ENTRY_ID = RecordId("entry")
FOLLOW_UP_ID = RecordId("follow-up")


def json_option(command: F) -> F:
    """`--json`: the command prints its stable JSON shape (see `json_shapes`) instead."""
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(command)


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


@dataclass(frozen=True)
class CommandEntry:
    """A sub-command known by name: `warroom.cli.<module>.<attribute>`, and the line
    `warroom --help` shows for it (its docstring's first sentence)."""

    name: str
    module: str
    attribute: str
    short_help: str


class WarroomGroup(click.Group):
    """Turns warroom's own errors into one line on stderr and exit status 1, and
    imports a sub-command's module only when that command is used."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, CommandEntry] = {}

    def add_lazy(self, entry: CommandEntry) -> None:
        """Know `entry` by name; its module is imported the first time it is asked for."""
        self.lazy[entry.name] = entry

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            entry = self.lazy[cmd_name]
            module = importlib.import_module(f"warroom.cli.{entry.module}")
            self.add_command(getattr(module, entry.attribute), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The Commands section of `--help`, from the one-line helps: nothing imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.commands:
                command = self.commands[name]
                if command.hidden:
                    continue
            else:
                command = click.Command(name, help=self.lazy[name].short_help)
            rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        refuse_undecodable(args, os.environ)  # before any option is read or any file opened
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WarroomError as exc:
            from warroom.domain.visible import visible  # only for the one line of an error

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
    from warroom.store import db

    # every connection this process opens on the file (console workers too) follows these
    db.set_access(options.db_path, db.Access(options.read_only, options.share_group))
    ctx.obj = Context(options, SystemClock(), db_path)
    if options.tz_name:  # every command refuses an unknown zone, not only those showing times
        ctx.obj.tz  # noqa: B018
    if ctx.invoked_subcommand is None:
        open_console(ctx.obj)
