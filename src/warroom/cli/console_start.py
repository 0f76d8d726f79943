"""Opening the console: what the click group does with no command, and what
`cli/quick.py` does for the console's plain command line (without importing click,
about a tenth of the minimal Textual app's start-up)."""

from __future__ import annotations

from warroom.cli.context import Context


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
    from warroom.loaders.templates import load_templates
    from warroom.tui.app import WarRoomApp  # the UI is only imported when it is needed

    context.policy  # noqa: B018 - a bad policy stops here with its message, not in the UI
    # refuses a foreign file before the screen takes over the terminal; the console
    # itself records its policy or says, in its top bar, that the file records another
    with context.database(create=True, check_policy=False):
        pass
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
