"""`warroom policy check`: validate policy files before they are used."""

from __future__ import annotations

import click

from warroom.loaders.policy import check_policy_file


@click.group()
def policy() -> None:
    """Incident policy files."""


@policy.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def policy_check(files: tuple[str, ...]) -> None:
    """Validate policy files; every error names file, line and field."""
    for name in files:
        checked = check_policy_file(name)
        click.echo(f"{name}: ok ({', '.join(checked.severity_names)})")
