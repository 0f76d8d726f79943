"""`warroom`: open the console, or do the same actions headless.

`cli` is the click group (global options and shared parts in `group.py`); its
sub-commands live in one module per area and are added in `commands.py`.
`--json` shapes are in `json_shapes.py`. Every sub-command calls the same
service the console does; reading commands never write.
"""

from __future__ import annotations

from warroom.loaders import dataclass_methods

# before any class of ours is defined: their generated methods are compiled once, not
# on every run (see the module; about a fifth of `warroom log`)
dataclass_methods.install()

from warroom.cli.commands import register  # noqa: E402
from warroom.cli.group import cli  # noqa: E402

register(cli)


def main() -> None:
    """Entry point of the `warroom` script (and of `python -m warroom`)."""
    cli(prog_name="warroom")


__all__ = ["cli", "main"]
