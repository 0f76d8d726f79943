"""`warroom demo`: a database of live incidents to look around in."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from warroom import settings
from warroom.cli.console_start import open_console, refuse_without_a_terminal
from warroom.cli.group import Context, pass_ctx


@click.command()
@click.option("--db", "db_path", metavar="PATH", help="Demo database file.")
@click.option("--no-open", is_flag=True, help="Seed the demo database and exit.")
@pass_ctx
def demo(context: Context, db_path: str | None, no_open: bool) -> None:
    """Seed a demo database with live incidents, and open it."""
    from warroom.demo import seed_demo

    if not no_open:
        refuse_without_a_terminal(" `warroom demo --no-open` seeds the file only;")
    # its own --db, or the one before the command (`warroom --db X demo`), never
    # WARROOM_DB: a team's file is not where a demo goes unasked (seed_demo refuses one)
    chosen = db_path or context.db_option
    path = settings.resolve(db=chosen).db_path if chosen else settings.demo_db_path()
    ids = seed_demo(path, context.policy, context.clock.now(), context.runbooks, context.tz)
    click.echo(f"demo database, {_counted(path, len(ids))}: {path}", err=no_open is False)
    if not no_open:
        context.settings = dataclasses.replace(context.settings, db_path=path)
        open_console(context)


def _counted(path: Path, total: int) -> str:
    """What the console's top bar will say (`5 live · 1 resolved`), and the total."""
    from warroom.domain.vocabulary import OPEN_STATUSES
    from warroom.store import db, read_model

    database = db.connect(path)
    try:
        statuses = [i.status for i in read_model.incidents(database, include_ended=True)]
    finally:
        database.conn.close()
    live = sum(1 for s in statuses if s in OPEN_STATUSES)
    said = f"{live} live"
    if resolved := statuses.count("resolved"):
        said += f" · {resolved} resolved"
    return f"{said} ({total} incidents)"
