"""`warroom policy`: validate policy files, and the policy in effect for a database.

`check` reads files; `adopt` records this process's policy as the one in effect
(every console and command opened with another warns); `recorded` prints it.
"""

from __future__ import annotations

from pathlib import Path

import click

from warroom.cli.group import Context, pass_ctx
from warroom.cli.output import echo
from warroom.domain.policy_record import record_of
from warroom.domain.timefmt import to_iso
from warroom.errors import InvalidInput
from warroom.loaders.policy import check_policy_file


@click.group()
def policy() -> None:
    """Incident policy files, and the policy in effect for the database."""


@policy.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def policy_check(files: tuple[str, ...]) -> None:
    """Validate policy files; every error names file, line and field."""
    for name in files:
        checked = check_policy_file(name)
        click.echo(f"{name}: ok ({', '.join(checked.severity_names)})")


@policy.command("adopt")
@pass_ctx
def policy_adopt(context: Context) -> None:
    """Make this policy (--policy FILE, or the default) the one in effect for the database."""
    with context.database(check_policy=False) as database:
        before = context.war_room(database).adopt_policy()
    mine = record_of(context.policy)
    echo(f"policy in effect: {mine.source} (fingerprint {mine.fingerprint})")
    if before.fingerprint != mine.fingerprint:
        echo(f"  was: {before.source} (fingerprint {before.fingerprint})")


@policy.command("recorded")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write it here.")
@click.option("--force", is_flag=True, help="Overwrite the output file.")
@pass_ctx
def policy_recorded(context: Context, output: str | None, force: bool) -> None:
    """The policy in effect for the database, as recorded (a copy of its file)."""
    from warroom.store import read_model

    with context.database(check_policy=False) as database:
        found = read_model.recorded_policy(database)
    if found is None:
        raise InvalidInput(
            f"{context.settings.db_path} records no policy yet (the first console or"
            " command that writes records its own)"
        )
    by = f" by {found.recorded_by}" if found.recorded_by else ""
    when = f" at {to_iso(found.recorded_at)}" if found.recorded_at else ""
    echo(f"# {found.source}, fingerprint {found.fingerprint}, recorded{when}{by}", err=True)
    if output is None:
        echo(found.text, nl=not found.text.endswith("\n"))
        return
    from warroom import transfer  # the one safe way to write a file

    settings = context.settings
    transfer.write_file(
        Path(output),
        found.text,
        force=force,
        database=settings.db_path,
        share_group=settings.share_group,
    )
    click.echo(f"wrote {output}", err=True)
