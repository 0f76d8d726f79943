"""`warroom backup FILE` and `warroom verify [FILE]`: a copy taken live, and a file checked.

`backup` copies the --db database while consoles keep writing (SQLite's online
backup API, see `store.backup`), refuses to overwrite FILE without `--force`,
and prints what the copy holds. `verify` checks a file (by default the --db
database) read-only and prints `ok` or one line per problem, exiting 1 on any.
"""

from __future__ import annotations

from pathlib import Path

import click

from warroom.cli.group import Context, pass_ctx
from warroom.cli.output import echo


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists (never the database).")
@pass_ctx
def backup(context: Context, file: Path, force: bool) -> None:
    """Copy the database to FILE while consoles keep writing.

    A consistent online copy (SQLite's backup API): it holds every entry committed
    when it began; consoles are not held up. FILE is refused if it exists (--force
    overwrites it, never the database), and made private like the database.
    """
    from warroom.store import read_model

    copy = read_model.backup_copy(context.settings.db_path, file, force=force)
    echo(
        f"backed up {context.settings.db_path} to {copy.path}: {_size(copy.size)},"
        f" {_counted(copy.incidents, 'incident', 'incidents')},"
        f" {_counted(copy.entries, 'timeline entry', 'timeline entries')}"
    )


@click.command()
@click.argument("file", type=click.Path(path_type=Path), required=False)
@pass_ctx
def verify(context: Context, file: Path | None) -> None:
    """Check a database file (default: --db): integrity, foreign keys, search index, schema."""
    from warroom.store import read_model

    verdict = read_model.verify_file(file or context.settings.db_path)
    for note in verdict.notes:
        echo(f"note: {note}", err=True)
    if verdict.ok:
        newest = ""
        if verdict.newest is not None:
            newest = f"; newest #{verdict.newest[0]}, logged {verdict.newest[1]}"
        echo(
            f"ok: {verdict.path}: integrity, foreign keys, full-text index and schema"
            f" {verdict.schema_version} checked"
            f" ({_counted(verdict.incidents, 'incident', 'incidents')},"
            f" {_counted(verdict.entries, 'timeline entry', 'timeline entries')}{newest})"
        )
        return
    count = len(verdict.problems)
    echo(f"{verdict.path}: {count} problem{'s' if count != 1 else ''} found:", err=True)
    for problem in verdict.problems:
        echo(f"  - {problem}", err=True)
    raise SystemExit(1)
