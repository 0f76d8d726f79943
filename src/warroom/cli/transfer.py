"""`warroom export` and `warroom import`: the post-mortem, and incidents moved between files.

`export ID` prints the post-mortem in Markdown (or, with `--format json`,
everything about the incident); `-o FILE` writes it instead (0600, see
`transfer.write_file`), refusing to replace an existing file without `--force`
and the database by any name even with it. `import FILE` reads a JSON export
into this database under a new id and prints that id.
"""

from __future__ import annotations

from pathlib import Path

import click

from warroom.cli.group import INCIDENT_ID, Context, pass_ctx
from warroom.errors import InvalidInput
from warroom.loaders.text_files import read_text_file


@click.command()
@click.argument("incident", metavar="ID", type=INCIDENT_ID)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown: the post-mortem; json: everything, for `warroom import`.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write to FILE instead of stdout."
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists (never the database).")
@pass_ctx
def export(context: Context, incident: int, fmt: str, output: Path | None, force: bool) -> None:
    """Export an incident: its post-mortem (Markdown) or everything (JSON)."""
    from warroom import transfer  # lazy: only this command needs it

    number = incident
    now = context.clock.now()
    with context.database() as db:
        if fmt == "json":
            text = transfer.export_json(db, number, now)
        else:
            text = transfer.export_markdown(db, number, context.policy, now, context.tz)
    if output is None:
        click.echo(text, nl=False)
        return
    transfer.write_file(output, text, force=force, database=context.settings.db_path)
    click.echo(f"wrote #{number} ({fmt}) to {output}", err=True)


# An export of a long incident is large (100,000 entries: about 40 MB); anything
# bigger than this is not one of ours, and is refused before it fills memory.
MAX_EXPORT_BYTES = 512 * 1024 * 1024


@click.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_ctx
def import_(context: Context, file: Path) -> None:
    """Import a JSON export as a new incident; prints its id alone."""
    from warroom import transfer

    text = read_text_file(file, "export", InvalidInput, limit=MAX_EXPORT_BYTES)
    document = transfer.parse_document(text, str(file))
    try:
        context.policy.severity(document["incident"]["severity"])
    except InvalidInput as exc:
        raise InvalidInput(f"{file}: incident.severity: {exc}") from None
    roles = context.policy.incident_roles  # roles come from the policy, as severities do
    for i, row in enumerate(document["roles"]):
        if roles.find(row["role"]) is None:
            known = ", ".join(roles.labels)
            raise InvalidInput(f"{file}: roles[{i}].role {row['role']!r} is not one of: {known}")
    with context.room(create=True) as room:
        new_id = room.import_incident(document)
    was = document["incident"]["id"]
    click.echo(f"imported #{was} from {file} as #{new_id}", err=True)
    click.echo(str(new_id))
