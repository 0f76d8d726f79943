"""The war-room console: settings, key order, the bridge and the command palette.

Everything the person sees lives on `WarRoomScreen` (screens/war_room.py), which
owns the console's state; the bridge (bridge.py) runs every read and write in a
thread worker, so the UI thread never waits on SQLite. The app is the one place
a refused write or read is reported, and where a refused write gives back what
was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from warroom.clock import Clock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.paths import shipped_dir
from warroom.tui.bridge import Bridge, ReadDone, ReadRefused, WriteDone, WriteRefused
from warroom.tui.form_memory import FormMemory
from warroom.tui.kept_css import KeptStylesheet
from warroom.tui.key_order import OrderedKeys
from warroom.tui.paste_guard import guard_pastes
from warroom.tui.safe_output import DropControlCharacters
from warroom.tui.screens.console_base import ConsoleSettings
from warroom.tui.screens.war_room import WarRoomScreen
from warroom.tui.start_up_gc import first_frame_drawn

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

    from warroom.domain.runbooks import Runbook
    from warroom.domain.templates import Template
    from warroom.tui.first_look import FirstLook


def console_commands() -> type[Provider]:
    """The console's palette provider, loaded when the palette first opens."""
    from warroom.tui.palette import ConsoleCommands

    return ConsoleCommands


class WarRoomApp(OrderedKeys):
    """The console over one database file."""

    CSS_PATH = str(shipped_dir("styles") / "warroom.tcss")
    TITLE = "warroom"

    def __init__(
        self,
        *,
        db_path: Path,
        actor: Actor,
        policy: Policy,
        clock: Clock,
        tz: dt.tzinfo,
        runbooks: Sequence[Runbook] = (),
        templates: dict[str, Template] | None = None,
        first_look: FirstLook | None = None,
    ) -> None:
        super().__init__()
        # its sources' parsed rules are kept between starts (see kept_css)
        self.stylesheet = KeptStylesheet(variables=self.get_css_variables())
        self._filters.append(DropControlCharacters())  # the last guard: see safe_output
        guard_pastes()  # a paste holding ESC arrives whole: see paste_guard
        self.runbooks = tuple(runbooks)
        if templates is None:
            from warroom.loaders.templates import load_templates

            templates = load_templates()
        self.templates = templates
        self.db_path = db_path
        self.actor = actor
        self.policy = policy
        self.clock = clock
        self.tz = tz
        self._last_quiet = ""
        self.form_memory = FormMemory()  # forms cancelled with Esc, offered again
        self._first_look = first_look  # the watcher started before this app was built

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver; on Linux one whose input thread sleeps while nobody types."""
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver is LinuxDriver:
            from warroom.tui.quiet_input import QuietLinuxDriver

            return QuietLinuxDriver
        return driver

    def get_default_screen(self) -> Screen[Any]:
        """The war room, on the settings as they are when the console starts."""
        settings = ConsoleSettings(
            self.db_path,
            self.actor,
            self.policy,
            self.clock,
            self.tz,
            self.runbooks,
            self.templates,
        )
        self.bridge = Bridge(
            self,
            db_path=self.db_path,
            clock=self.clock,
            actor=self.actor,
            policy=self.policy,
            runbooks=self.runbooks,
            first_look=self._first_look,
        )
        self._first_look = None  # the bridge's now
        return WarRoomScreen(settings)

    @property
    def war_room(self) -> WarRoomScreen:
        """The main screen (under any dialog that is open)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, WarRoomScreen)
        return screen

    def on_ready(self) -> None:
        """The first frame is on the terminal: the collector runs again (start_up_gc)."""
        first_frame_drawn()

    def on_unmount(self) -> None:
        self.bridge.stop()

    # -- the one path for what the bridge reports --------------------------------------

    def on_write_done(self, message: WriteDone[Any]) -> None:
        if message.request.on_success is not None:
            message.request.on_success(message.outcome)

    def on_write_refused(self, message: WriteRefused) -> None:
        quiet = message.request.quiet
        if quiet and self._last_quiet == message.reason:
            return  # a background sweep that keeps failing says so once
        self._last_quiet = message.reason if quiet else ""
        self.notify(message.reason, title="Not saved", severity="error", markup=False, timeout=8)
        if message.request.restore is not None:
            message.request.restore()

    def on_read_done(self, message: ReadDone) -> None:
        message.request.then(message.result)

    def on_read_refused(self, message: ReadRefused) -> None:
        self.notify(message.reason, severity="error", markup=False)

    # -- command palette ----------------------------------------------------------

    # the console's actions come from their own provider (palette.py): searched by what
    # they do, shown with their keys, offered only where they apply
    # (a callable: textual loads it when the palette opens, not before the first frame)
    COMMANDS = OrderedKeys.COMMANDS | {console_commands}
