"""What every `warroom` command shares, without click: the context built from the global
options, ids and times as typed, and the line a warning or an error prints.

`warroom log` and `warroom ack` run through `quick.py` without importing click (about
a fifth of their start-up); every other command, and those two whenever anything
about their arguments is unusual, go through the click group (`group.py`), which
builds the same `Context` from the same options.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, TypeVar

from warroom import settings
from warroom.clock import Clock
from warroom.errors import InvalidInput, WarroomError, WriteFailed

if TYPE_CHECKING:  # what a command needs is imported when it runs (see `Context`)
    from typing import TypeAlias

    import sqlite_utils

    from warroom.domain.policy import Policy
    from warroom.domain.runbooks import Runbook
    from warroom.service import WarRoom
    from warroom.service.ack_room import AckRoom
    from warroom.service.log_room import LogRoom

    # what `Context.room_of` acts through: `WarRoom`, or one with fewer areas (each
    # built as `RoomBase` is, with the sweep and the policy check before the command)
    CommandRoom: TypeAlias = WarRoom | LogRoom | AckRoom


# the service class a command acts through (a string bound: nothing to import at run time)
_Room = TypeVar("_Room", bound="CommandRoom")

# what click.echo strips from a line written to a stream that is not a terminal
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def echo_err(text: str) -> None:
    """`text` and a newline on stderr, as `click.echo(text, err=True)` writes it."""
    echo_text(text, err=True)


def echo_text(text: str, *, err: bool = False, nl: bool = True) -> None:
    """`text` (and a newline) on stdout or stderr, as `click.echo` writes it: click's own
    when click is loaded (the click group's commands, its test runner) or the stream is
    one click would wrap (no stream, or an ASCII one); otherwise the same bytes without
    importing click (`quick.py`): control sequences stripped when not a terminal."""
    stream = sys.stderr if err else sys.stdout
    if "click" in sys.modules or stream is None or _ascii(stream):
        import click

        click.echo(text, err=err, nl=nl)
        return
    line = f"{text}\n" if nl else text
    if not line:
        stream.flush()
        return
    if not stream.isatty():
        line = _ANSI.sub("", line)
    stream.write(line)
    stream.flush()


def _ascii(stream: Any) -> bool:
    """Whether click would take `stream` as misconfigured (an ASCII encoding)."""
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "ascii"
    except LookupError:
        return True


class Context:
    """What every sub-command needs, built once from the global options."""

    def __init__(
        self, options: settings.Settings, clock: Clock, db_option: str | None = None
    ) -> None:
        self.settings = options
        self.clock = clock
        # `--db` as given on the command line (not WARROOM_DB): `warroom --db X demo` seeds X
        self.db_option = db_option
        self._policy: Policy | None = None
        self._runbooks: list[Runbook] | None = None
        self._policy_warned = False  # the policy-record warning is given once a process

    @property
    def policy(self) -> Policy:
        if self._policy is None:
            from warroom.loaders.policy import load_policy

            self._policy = load_policy(self.settings.policy_path)
        return self._policy

    @property
    def runbooks(self) -> list[Runbook]:
        """Bundled runbooks plus the team's (a bad file stops here with file:line)."""
        if self._runbooks is None:
            from warroom.loaders.runbooks import load_runbooks

            team = self.settings.runbooks_dir
            self._runbooks = load_runbooks([team] if team else [])
        return self._runbooks

    @property
    def tz(self) -> Any:
        from warroom.loaders.zone import local_zone

        try:
            return local_zone(self.settings.tz_name)
        except (KeyError, ValueError):
            raise InvalidInput(f"unknown time zone {self.settings.tz_name!r}") from None

    @contextmanager
    def database(
        self, *, create: bool = False, check_policy: bool = True
    ) -> Iterator[sqlite_utils.Database]:
        """The database, for reading: nothing due is swept, nothing is written.

        Only opening the console and declaring create a new file. Rows whose
        stored times cannot be used are left out of what the command shows;
        after a command that worked, a warning on stderr names them. A policy
        other than the one the file records is warned about first (`check_policy`).
        """
        from warroom.store import db, read_model

        database = db.connect(self.settings.db_path, create=create)
        read_model.forget_unreadable()
        if check_policy:
            self.warn_policy(database)
        try:
            yield database
        finally:
            database.conn.close()
        if unreadable := read_model.unreadable_times():
            echo_err(f"warning: {read_model.unreadable_warning(unreadable)}")

    @contextmanager
    def room(self, incident: int | None = None, *, create: bool = False) -> Iterator[WarRoom]:
        """The war room, for a command that writes (see `room_of`)."""
        from warroom.service import WarRoom

        with self.room_of(WarRoom, incident, create=create) as room:
            yield room

    @contextmanager
    def room_of(
        self, kind: type[_Room], incident: int | None = None, *, create: bool = False
    ) -> Iterator[_Room]:
        """The service `kind` (`WarRoom`, or `LogRoom` for a plain `warroom log`), for a
        command that writes: what fell due on its incident first.

        A command that changes an incident also records the breaches and
        escalation rungs of that incident that fell due before it (and runs the
        notify hook for new rungs), so its timeline row lands after them. Other
        incidents are left to the consoles and `warroom sweep`, which record the
        same rows dated the same (when they fell due), exactly once: sweeping
        every running incident on each command cost it 4 queries per incident.
        A command not about one incident sweeps none. A read-only file still opens.
        """
        with self.database(create=create, check_policy=False) as database:
            room = self._service(kind, database)
            self.warn_policy(database, room)  # the first writer records its policy
            if incident is not None:
                with suppress(WriteFailed):
                    room.run_notify_hook(room.sweep([incident]).engaged)
            yield room

    def warn_policy(self, database: sqlite_utils.Database, room: CommandRoom | None = None) -> None:
        """Warn on stderr, once, when this policy is not the one the file records;
        with `room` (a command that writes), record it when none is yet."""
        if self._policy_warned:
            return
        from warroom.domain.policy_record import warning_lines
        from warroom.store.read_model import policy_mismatch

        try:
            policy = self.policy
        except WarroomError:
            return  # a command that needs the policy names the file's error itself
        found = room.check_policy() if room is not None else policy_mismatch(database, policy)
        if found is not None:
            from warroom.domain.visible import visible_line

            self._policy_warned = True
            first, *rest = warning_lines(found, str(self.settings.db_path))
            for line in [f"warning: {first}", *rest]:
                echo_err(visible_line(line))

    def war_room(self, database: sqlite_utils.Database) -> WarRoom:
        """The service on `database`, acting as this command's user; sweeps nothing."""
        from warroom.service import WarRoom

        return self._service(WarRoom, database)

    def _service(self, kind: type[_Room], database: sqlite_utils.Database) -> _Room:
        """`kind` on `database`, acting as this command's user; sweeps nothing."""
        # runbooks are read only by the actions that attach them (declare, severity, kind)
        return kind(database, self.clock, self.settings.actor, self.policy, lambda: self.runbooks)


def record_id(value: str, what: str = "incident") -> int:
    """`12` or `#12` as 12; anything else is refused with one line naming the bad id.

    The refusal is an InvalidInput (exit 1), as it was before ids became a
    parameter type: it surfaces when the command runs, not as a usage error.
    """
    text = value.strip().lstrip("#")
    if not (text.isascii() and text.isdigit()):  # "²" is a digit int() refuses
        raise InvalidInput(f"unknown {what} id {value!r} (ids are numbers, like 12 or #12)")
    return int(text)


def typed_time(context: Context, text: str, option: str) -> Any:
    """A time typed after `option`, as a moment; a local time at a daylight-saving
    change is read by timefmt's rule and a warning on stderr says how."""
    from warroom.domain.timefmt import read_user_time

    try:
        typed = read_user_time(text, context.clock.now(), context.tz)
    except ValueError as exc:
        raise InvalidInput(f"{option}: {exc}") from None
    if typed.note:
        echo_err(f"warning: {option}: {typed.note}")
    return typed.at
