"""`warroom log`, `warroom ack` and `warroom list` without click: what a scribe runs
most, and what scripts poll; and the console itself (no command), whose first frame
would wait for click too.

Importing click is about a fifth of `log`'s start-up, so the plain forms of these
commands are read here and run exactly as the click group runs them (the same
settings, access, context, sweep, service call and output; an error is the same
`Error: ...` line and exit status 1):

    warroom [--db PATH] [--as NAME] [--policy FILE] [--tz ZONE] [--runbooks DIR]
            [--templates DIR] [--read-only] [--share-group]
            log INCIDENT TEXT [--kind KIND | -k KIND] [--at TIME]
    warroom [same options] ack INCIDENT
    warroom [same options] list [--json] [--all]
    warroom [same options]                  (the console)

Anything else (help, `--version`, another command, an option twice, a value or a
text that begins with `-`, `--opt=value`, an id that is not a number, an argument
that is not UTF-8, a shell's completion request) returns None, and the click group
handles it as it always has, with its own help and usage errors.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping

from warroom import settings
from warroom.cli.context import Context, echo_err, record_id, typed_time
from warroom.clock import SystemClock
from warroom.errors import WarroomError

# the group's options that take a value, by the `settings.resolve` argument they fill
VALUES = {
    "--db": "db",
    "--as": "as_name",
    "--policy": "policy",
    "--tz": "tz",
    "--runbooks": "runbooks",
    "--templates": "templates",
}
FLAGS = {"--read-only": "read_only", "--share-group": "share_group"}
LOG_VALUES = {"--kind": "kind", "-k": "kind", "--at": "at"}
LIST_FLAGS = {"--json": "json", "--all": "all"}
POSITIONAL = {"log": 2, "ack": 1, "list": 0}


class _Plain:
    """One plain `log` or `ack` command line, read."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.flags: dict[str, bool] = {}
        self.command = ""
        self.positional: list[str] = []
        self.options: dict[str, str] = {}
        self.command_flags: set[str] = set()


def _read(args: list[str]) -> _Plain | None:
    """The command line read, or None when it is not one of the plain forms."""
    found = _Plain()
    rest = list(args)
    while rest and rest[0].startswith("-"):
        name = rest.pop(0)
        if name in VALUES and rest and not rest[0].startswith("-"):
            if VALUES[name] in found.values:
                return None
            found.values[VALUES[name]] = rest.pop(0)
        elif name in FLAGS and FLAGS[name] not in found.flags:
            found.flags[FLAGS[name]] = True
        else:
            return None
    if not rest:
        return found  # no command: the console
    if rest[0] not in POSITIONAL:
        return None
    found.command = rest.pop(0)
    options = LOG_VALUES if found.command == "log" else {}
    flags = LIST_FLAGS if found.command == "list" else {}
    while rest:
        word = rest.pop(0)
        if not word.startswith("-"):
            found.positional.append(word)
        elif word in options and rest and not rest[0].startswith("-"):
            if options[word] in found.options:
                return None
            found.options[options[word]] = rest.pop(0)
        elif word in flags and flags[word] not in found.command_flags:
            found.command_flags.add(flags[word])
        else:
            return None
    if len(found.positional) != POSITIONAL[found.command]:
        return None
    number = found.positional[0].strip().lstrip("#") if found.positional else "0"
    if not (number.isascii() and number.isdigit()):
        return None  # the click group names a bad id (as a usage of its parameter type)
    return found


def _decodable(args: list[str], environ: Mapping[str, str]) -> bool:
    """Whether every argument and WARROOM_* variable is UTF-8 text (the group refuses
    the first that is not, with its own message)."""
    texts = [*args, *(v for k, v in environ.items() if k.startswith("WARROOM_"))]
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def handled(args: list[str]) -> int | None:
    """Run `args` if they are a plain `log`, `ack`, `list` or the console: the exit
    status; None: not handled (nothing was done; the click group takes them)."""
    if os.environ.get("_WARROOM_COMPLETE"):
        return None  # a shell asking click's completion what could come next
    found = _read(args)
    if found is None or not _decodable(args, os.environ):
        return None
    try:
        return _run(found)
    except WarroomError as exc:
        from warroom.domain.visible import visible

        echo_err(f"Error: {visible(str(exc))}")
        return 1
    except (EOFError, KeyboardInterrupt):
        echo_err("")
        echo_err("Aborted!")
        return 1
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            return 1
        raise


def _run(found: _Plain) -> int:
    """What the group's callback and the command's function do, in the same order."""
    options = settings.resolve(
        found.values.get("db"),
        found.values.get("as_name"),
        found.values.get("policy"),
        found.values.get("tz"),
        found.values.get("runbooks"),
        found.values.get("templates"),
        read_only=found.flags.get("read_only", False),
        share_group=found.flags.get("share_group", False),
    )
    from warroom.store import db

    db.set_access(options.db_path, db.Access(options.read_only, options.share_group))
    context = Context(options, SystemClock())
    if options.tz_name:
        context.tz  # noqa: B018 - an unknown zone is refused before anything else
    if not found.command:
        import gc

        gc.enable()  # `main` turned it off for a one-shot command: the console collects
        from warroom.cli.lazy_inspect import real as real_inspect

        real_inspect()  # the console and Textual see the module itself
        from warroom.cli.console_start import open_console

        open_console(context)
        return 0
    if found.command == "list":
        from warroom.cli.listing import show_list

        flags = found.command_flags
        show_list(context, show_all="all" in flags, as_json="json" in flags)
        return 0
    incident = record_id(found.positional[0])
    if found.command == "log":
        at_text = found.options.get("at")
        at = typed_time(context, at_text, "--at") if at_text else None
        from warroom.service.log_room import LogRoom

        with context.room_of(LogRoom, incident) as room:
            room.log(incident, found.positional[1], found.options.get("kind", "note"), at=at)
    else:
        from warroom.service.ack_room import AckRoom

        with context.room_of(AckRoom, incident) as ack:
            ack.acknowledge(incident)
    return 0
