"""CLI commands for runbooks and checklists: list, check, import, tick, answer."""

from __future__ import annotations

from pathlib import Path

import click

from warroom.cli.group import INCIDENT_ID, Context, json_option, pass_ctx
from warroom.cli.json_shapes import checklist_json
from warroom.cli.output import echo, echo_json
from warroom.domain import checklists as checklist_rules
from warroom.domain import runbook_scope
from warroom.domain.policy_reader import format_duration
from warroom.domain.visible import visible_line as one_line
from warroom.domain.vocabulary import parse_incident_kind
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
@click.argument("source", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write YAML here.")
@click.option("--force", is_flag=True, help="Overwrite the output file.")
@click.option(
    "--severity",
    "severities",
    multiple=True,
    metavar="SEV",
    help="Applies to this severity: a policy name (P1), or a rank (highest, lowest, rank:0).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Applies to this kind: availability, performance, security, data.",
)
@pass_ctx
def runbook_import(
    context: Context,
    source: str,
    output: str | None,
    force: bool,
    severities: tuple[str, ...],
    kinds: tuple[str, ...],
) -> None:
    """Turn a Markdown runbook, or a YAML runbook or workflow (.yml/.yaml), into warroom YAML.

    Without --severity or --kind it applies as the file says (a Markdown file: to
    every incident). A file that yields no checklist items is refused (exit 1).
    """
    from warroom import transfer  # the one safe way to write a file
    from warroom.domain.runbook_import import import_markdown
    from warroom.domain.runbook_yaml_import import import_yaml, scoped
    from warroom.domain.runbooks import dump_runbook
    from warroom.loaders.text_files import read_text_file

    as_yaml = Path(source).suffix.lower() in (".yml", ".yaml")
    what = "YAML runbook" if as_yaml else "Markdown runbook"
    text = read_text_file(source, what, InvalidInput)  # UTF-8, no NUL, 1 MB
    book = import_yaml(text, source) if as_yaml else import_markdown(text, source)
    names, ranks = _severity_scope(context, severities)
    kind_keys = tuple(parse_incident_kind(k) for k in kinds)
    book = scoped(book, names, ranks, kind_keys)
    count = len(book.steps())
    if count == 0:
        expected = (
            "steps or actions"
            if as_yaml
            else "checkbox bullets (- [ ] ...) or numbered steps (1. ...)"
        )
        raise InvalidInput(
            f"{source}: no checklist items found (expected {expected}); nothing written"
        )
    yaml_text = dump_runbook(book)
    where = runbook_scope.describe(
        book.severities, book.ranks, book.kinds, book.statuses, context.policy.severity_names
    )
    summary = f"{count} items in {len(book.sections)} sections, applies to: {where}"
    if output is None:
        click.echo(yaml_text, nl=False)
        echo(summary, err=True)
        return
    settings = context.settings
    transfer.write_file(
        Path(output),
        yaml_text,
        force=force,
        database=settings.db_path,
        share_group=settings.share_group,
    )
    echo(f"wrote {output}: {summary}", err=True)


def _severity_scope(
    context: Context, given: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`--severity` values as (names, ranks): a name is checked against the policy in
    effect; `highest`, `lowest` and `rank:N` name a severity by rank."""
    names: list[str] = []
    ranks: list[str] = []
    for value in given:
        word = value.strip().lower()
        if word.startswith("rank:") or word in (runbook_scope.HIGHEST, runbook_scope.LOWEST):
            ranks.append(runbook_scope.parse_rank(word.removeprefix("rank:")))
        else:
            names.append(context.policy.severity(value).name)
    return tuple(names), tuple(ranks)


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
                if item.within and checklist_rules.due_at(item, found.declared_at, moments) is None:
                    late = f" ({format_duration(item.within)} after {item.within_from})"
                by = one_line(item.done_by or "")
                who = f"  — {by} {item.done_at:%H:%M}" if item.done_at else ""
                said = f"  = {one_line(item.answer)}" if item.answer else ""
                indent = "  " * item.depth
                text = one_line(item.text)
                echo(f"  {item.number:>4}. [{mark}] {indent}{text}{said}{who}{late}")
