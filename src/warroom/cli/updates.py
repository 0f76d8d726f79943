"""CLI commands for status updates: templates, compose, post, updates."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from warroom.cli.group import INCIDENT_ID, Context, json_option, pass_ctx
from warroom.cli.json_shapes import update_json
from warroom.cli.output import echo, echo_json
from warroom.domain import text_files
from warroom.domain.template_context import FREE_FIELDS, PLACEHOLDERS, unfilled_markers
from warroom.domain.templates import Template
from warroom.domain.visible import visible_line as one_line
from warroom.errors import InvalidInput
from warroom.loaders.templates import load_templates
from warroom.loaders.text_files import read_text_file

if TYPE_CHECKING:
    import sqlite_utils


def _templates(context: Context) -> dict[str, Template]:
    team = context.settings.templates_dir
    return load_templates(team)


def _template(context: Context, name: str) -> Template:
    found = _templates(context)
    if name not in found:
        raise InvalidInput(f"unknown template {name!r} (known: {', '.join(sorted(found))})")
    return found[name]


def _free(pairs: tuple[str, ...], template: Template) -> dict[str, str]:
    """`--set NAME=VALUE` pairs as free fields; a name the template cannot take is refused."""
    known = (*FREE_FIELDS, *template.fields)
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        name = key.strip().lower()
        if not sep or not name:
            raise InvalidInput(f"--set takes NAME=VALUE, not {pair!r}")
        if name in PLACEHOLDERS:
            raise InvalidInput(f"--set {name}: filled from the incident, not a free field")
        if name not in known:
            raise InvalidInput(
                f"--set {key.strip()!r}: not a free field of template {template.name!r} "
                f"(free fields: {', '.join(known)})"
            )
        values[name] = value
    return values


def _filled(
    context: Context,
    db: sqlite_utils.Database,
    incident: int,
    template: Template,
    free: dict[str, str],
) -> str:
    """`template` filled from the incident as it stands now, with the free fields typed."""
    from warroom.composer import fill

    return fill(db, context.policy, incident, template, context.clock.now(), context.tz, free)


def _update_text(source: str) -> str:
    """The text of `--file F` (or `-` for standard input): UTF-8, no NUL, at most 1 MB."""
    name = "standard input" if source == "-" else source
    stream = getattr(sys.stdin, "buffer", None)
    if source != "-":
        text = read_text_file(source, "update", InvalidInput)
    elif stream is None:  # a text-only stdin (some test harnesses)
        text = sys.stdin.read(text_files.MAX_TEXT_BYTES + 1)
        text_files.refuse_unsafe_text(text, name, InvalidInput)
    else:
        data = stream.read(text_files.MAX_TEXT_BYTES + 1)
        text = text_files.decode_text(data, name, InvalidInput)
    if not text.strip():
        raise InvalidInput(f"{name}: the file is empty; nothing was posted")
    return text


@click.command()
@pass_ctx
def templates(context: Context) -> None:
    """List the update templates (packaged and the team's)."""
    for name, template in sorted(_templates(context).items()):
        fields = f"  asks: {', '.join(template.free_fields)}" if template.free_fields else ""
        echo(f"{name:<22} {template.audience:<9} {template.phase:<11} {template.title}{fields}")


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.option("--template", "-t", "name", required=True, help="Template name.")
@click.option("--set", "pairs", multiple=True, metavar="NAME=VALUE", help="Free fields (ETA=...).")
@pass_ctx
def compose(context: Context, incident: int, name: str, pairs: tuple[str, ...]) -> None:
    """Print a template filled from the incident."""
    template = _template(context, name)
    free = _free(pairs, template)
    with context.database() as db:
        text = _filled(context, db, incident, template, free)
    echo(text)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@click.option("--template", "-t", "name", required=True, help="Template name.")
@click.option(
    "--file", "-f", "source", metavar="F|-", help="Post this text instead of the filled template."
)
@click.option("--set", "pairs", multiple=True, metavar="NAME=VALUE", help="Free fields (ETA=...).")
@click.option("--force", is_flag=True, help="Post even with unfilled ⟨…?⟩ markers left in it.")
@pass_ctx
def post(
    context: Context,
    incident: int,
    name: str,
    source: str | None,
    pairs: tuple[str, ...],
    force: bool,
) -> None:
    """Record a status update as sent: restarts its audience's update clock.

    Text still holding ⟨…?⟩ markers (a value nobody filled in) is refused unless
    --force says to post it as it is, as the console asks before posting.
    """
    from warroom.composer import audience_of

    template = _template(context, name)
    free = _free(pairs, template)
    body = _update_text(source) if source else ""
    with context.room(incident) as room:
        if not source:
            body = _filled(context, room.db, incident, template, free)
        if (markers := unfilled_markers(body)) and not force:
            said = ", ".join(dict.fromkeys(markers))
            raise InvalidInput(
                f"not posted: still unfilled: {said} (fill them with --set NAME=VALUE or"
                " --file, or post as it is with --force)"
            )
        done = room.post_update(
            incident, body, audience=audience_of(template), template=template.name
        )
    click.echo(one_line(f"{audience_of(template)} update posted; {done.effect}"), err=True)


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@json_option
@pass_ctx
def updates(context: Context, incident: int, as_json: bool) -> None:
    """The incident's posted updates, latest first."""
    from warroom.composer import posted

    with context.database() as db:
        found = posted(db, incident)
    if as_json:
        echo_json([update_json(u) for u in found])
        return
    if not found:
        echo("no updates posted")
    for update in found:
        echo(
            f"— {update.posted_at:%Y-%m-%d %H:%M} UTC · {one_line(update.audience)} · "
            f"{one_line(update.template or 'free text')} · {one_line(update.author)}"
        )
        echo(update.body.rstrip() + "\n")  # the body keeps its lines
