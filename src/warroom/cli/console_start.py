"""Opening the console: what the click group does with no command, and what
`cli/quick.py` does for the console's plain command line (without importing click,
about a tenth of the minimal Textual app's start-up)."""

from __future__ import annotations

import os
import sys

from warroom.cli.context import Context
from warroom.errors import InvalidInput


def open_console(context: Context) -> None:
    """Open the console on the context's file (creating it); returns when it quits."""
    from warroom.tui.start_up_gc import (
        pause_collections,
        release_full_collections,
        resume_collections,
    )

    pause_collections()  # from before the console's imports until its first frame
    try:
        _run_console(context)
    finally:
        resume_collections()  # a console that never drew a frame lets go too
        release_full_collections()


def _run_console(context: Context) -> None:
    context.policy  # noqa: B018 - a bad policy stops here with its message, not in the UI
    refuse_without_a_terminal()  # then this, before the UI is loaded or the file made
    # refuses a foreign file before the screen takes over the terminal; the console
    # itself records its policy or says, in its top bar, that the file records another
    with context.database(create=True, check_policy=False):
        pass
    from warroom.loaders.templates import load_templates
    from warroom.tui.app import WarRoomApp  # the UI is only imported when it is needed
    from warroom.tui.first_look import FirstLook

    # the first read runs while the console is set up and draws its first frame
    first_look = FirstLook(context.settings.db_path, context.policy).start()
    try:
        app = WarRoomApp(
            db_path=context.settings.db_path,
            actor=context.settings.actor,
            policy=context.policy,
            clock=context.clock,
            tz=context.tz,
            runbooks=context.runbooks,
            templates=load_templates(context.settings.templates_dir),
            first_look=first_look,
        )
        app.run()
    finally:
        first_look.stop()  # the console's own stop, or one that never started


def refuse_without_a_terminal(instead: str = "") -> None:
    """Refuse to open the console when its keys cannot come from a terminal: standard
    input is not one (its input would read as ended at once: the console closed as it
    opened), unless Textual is told to use a driver of another kind (textual-serve's
    web driver reads them from a pipe). `instead`: what else the command can do."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    stdin = sys.__stdin__  # what Textual's driver reads the keys from
    if stdin is not None and stdin.isatty():
        return
    raise InvalidInput(
        "the console reads its keys from a terminal, and standard input is not one;"
        f"{instead} scripts use the commands (warroom log, ack, list --json, ...:"
        " warroom --help)"
    )
