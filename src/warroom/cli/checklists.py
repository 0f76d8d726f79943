"""CLI commands for runbooks and checklists: list, check, import, tick, answer."""

from __future__ import annotations

from pathlib import Path

import click

from warroom.cli.group import INCIDENT_ID, Context, json_option, pass_ctx
from warroom.cli.json_shapes import checklist_json
from warroom.cli.output import echo, echo_json
from warroom.domain import checklists as checklist_rules
from warroom.domain import runbook_scope
from warroom.domain.visible import visible_line as one_line
from warroom.errors import InvalidInput
from warroom.store import read_model


@click.group()
def runbook() -> None:
    """Runbooks: the checklists that attach to incidents."""


@runbook.command("list")
@pass_ctx
def runbook_list(context: Context) -> None:
    """Bundled and team runbooks, with what they apply to."""
    names = context.policy.severity_names
    for book in context.runbooks:
        applies = (
            "on request"
            if book.on_request
            else runbook_scope.describe(
                book.severities, book.ranks, book.kinds, book.statuses, names
            )
        )
        echo(f"{book.id:<22} {len(book.steps()):>3} items  {one_line(book.title)}  ({applies})")


@runbook.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def runbook_check(files: tuple[str, ...]) -> None:
    """Validate runbook files; every error names file and line."""
    from warroom.loaders.runbooks import check_runbook_files

    problems = check_runbook_files([Path(f) for f in files])
    for problem in problems:
        echo(str(problem), err=True)  # a file's line may hold anything
    if problems:
        raise SystemExit(1)
    click.echo(f"{len(files)} runbook file(s) ok")


@runbook.command("import")
@click.argument("markdown", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write YAML here.")
@click.option("--force", is_flag=True, help="Overwrite the output file.")
@pass_ctx
def runbook_import(context: Context, markdown: str, output: str | None, force: bool) -> None:
    """Turn a Markdown runbook into warroom YAML."""
    from warroom import transfer  # the one safe way to write a file
    from warroom.domain.runbook_import import import_markdown
    from warroom.domain.runbooks import dump_runbook
    from warroom.loaders.text_files import read_text_file

    text = read_text_file(markdown, "Markdown runbook", InvalidInput)  # UTF-8, no NUL, 1 MB
    yaml_text = dump_runbook(import_markdown(text, markdown))
    if output is None:
        click.echo(yaml_text, nl=False)
        return
    settings = context.settings
    transfer.write_file(
        Path(output),
        yaml_text,
        force=force,
        database=settings.db_path,
        share_group=settings.share_group,
    )
    click.echo(f"wrote {output}", err=True)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("runbook_id", metavar="RUNBOOK")
@click.option("--detach", is_flag=True, help="Take the runbook off instead.")
@pass_ctx
def attach(context: Context, incident: int, runbook_id: str, detach: bool) -> None:
    """Attach a runbook's checklist to an incident (or --detach it)."""
    with context.room(incident) as room:
        if detach:
            room.detach_runbook(incident, runbook_id)
        else:
            room.attach_runbook(incident, runbook_id)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("item")
@click.option("--undo", is_flag=True, help="Untick the item.")
@pass_ctx
def tick(context: Context, incident: int, item: str, undo: bool) -> None:
    """Tick a checklist item, by its number in `warroom checklist ID` or its key."""
    with context.room(incident) as room:
        room.tick(incident, item, done=not undo)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.argument("item")
@click.argument("reply")
@pass_ctx
def answer(context: Context, incident: int, item: str, reply: str) -> None:
    """Answer a checklist question (an item with `ask:`)."""
    with context.room(incident) as room:
        room.answer(incident, item, reply)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@json_option
@pass_ctx
def checklist(context: Context, incident: int, as_json: bool) -> None:
    """An incident's checklists: every item, who ticked it and when."""
    now = context.clock.now()
    with context.database() as db:
        found = read_model.incident(db, incident)
        lists = read_model.checklists(db, found.id)
    if as_json:
        when = checklist_rules.moments(found)
        echo_json([checklist_json(c, found.declared_at, now, when) for c in lists])
        return
    if not lists:
        echo(f"#{found.id} has no checklists")
    moments = checklist_rules.moments(found)
    for book in lists:
        echo(f"{one_line(book.title)} [{checklist_rules.progress(book.items)}]")
        for section, items in checklist_rules.sections(book):
            echo(f"  {one_line(section)} [{checklist_rules.progress(items)}]")
            for item in items:
                mark = "x" if item.done else " "
                late = (
                    " OVERDUE"
                    if checklist_rules.is_overdue(item, found.declared_at, now, moments)
                    else ""
                )
                by = one_line(item.done_by or "")
                who = f"  — {by} {item.done_at:%H:%M}" if item.done_at else ""
                said = f"  = {one_line(item.answer)}" if item.answer else ""
                indent = "  " * item.depth
                text = one_line(item.text)
                echo(f"  {item.number:>4}. [{mark}] {indent}{text}{said}{who}{late}")
