"""`warroom`: open the console, or do the same actions headless.

`cli` is the click group (global options and shared parts in `group.py`); its
sub-commands live in one module per area and are added in `commands.py`.
`--json` shapes are in `json_shapes.py`. Every sub-command calls the same
service the console does; reading commands never write. The plain forms of
`warroom log` and `warroom ack` run without importing click (`quick.py`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from warroom.loaders import dataclass_methods

# before any class of ours is defined: their generated methods are compiled once, not
# on every run (see the module; about a fifth of `warroom log`)
dataclass_methods.install()

if TYPE_CHECKING:
    from warroom.cli.group import WarroomGroup
    from warroom.cli.group import cli as cli


def _group() -> WarroomGroup:
    """The click group with every command listed (imports click)."""
    from warroom.cli.commands import register
    from warroom.cli.group import cli

    if not cli.lazy:
        register(cli)
    return cli


def main() -> None:
    """Entry point of the `warroom` script (and of `python -m warroom`)."""
    from warroom.cli.quick import handled

    status = handled(sys.argv[1:])
    if status is not None:
        sys.exit(status)
    _group()(prog_name="warroom")


def __getattr__(name: str) -> Any:
    if name == "cli":  # `from warroom.cli import cli`: the group, its commands listed
        return _group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["cli", "main"]
