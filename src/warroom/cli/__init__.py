"""`warroom`: open the console, or do the same actions headless.

`cli` is the click group (global options and shared parts in `group.py`); its
sub-commands live in one module per area and are added in `commands.py`.
`--json` shapes are in `json_shapes.py`. Every sub-command calls the same
service the console does; reading commands never write. The plain forms of
`warroom log` and `warroom ack` run without importing click (`quick.py`).
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Any

# Imports make tens of thousands of objects that live until the process ends: the
# cyclic collector walking them again and again while they load finds nothing to
# free (about 4 % of `warroom log`). It waits until they are loaded.
_collecting = gc.isenabled()
gc.disable()


from warroom.cli import lazy_inspect  # noqa: E402 - before `dataclasses` is imported

lazy_inspect.install()
from warroom.loaders import dataclass_methods  # noqa: E402 - after the pause above

# before any class of ours is defined: their generated methods are compiled once, not
# on every run (see the module; about a fifth of `warroom log`)
dataclass_methods.install()
if _collecting:
    gc.enable()

if TYPE_CHECKING:
    from warroom.cli.group import WarroomGroup
    from warroom.cli.group import cli as cli


def _group() -> WarroomGroup:
    """The click group with every command listed (imports click)."""
    lazy_inspect.real()  # click and every other command see the module itself
    from warroom.cli.commands import register
    from warroom.cli.group import cli

    if not cli.lazy:
        register(cli)
    return cli


def main() -> None:
    """Entry point of the `warroom` script (and of `python -m warroom`)."""
    collecting = gc.isenabled()
    gc.disable()  # a plain command's imports and its one action: see `_one_shot`
    from warroom.cli.quick import handled

    status = handled(sys.argv[1:])
    if status is not None:
        if not gc.isenabled():  # a plain `log`, `ack` or `list` (the console turns it on)
            _one_shot()
        sys.exit(status)
    if collecting:
        gc.enable()  # the console and every other command collect as they always did
    _group()(prog_name="warroom")


def _one_shot() -> None:
    """A plain `log`, `ack` or `list` has done its work and the process ends.

    The collector stayed off for it (what it imports lives until exit; its one read
    or write makes little garbage), and what is alive now is frozen: the collection
    Python runs at exit would walk all of it to free memory the process is about to
    give back anyway (about 7 % of `warroom log`'s instructions). Files and the database
    are closed by then; exiting never promised `__del__` to objects left in cycles.
    """
    gc.freeze()


def __getattr__(name: str) -> Any:
    if name == "cli":  # `from warroom.cli import cli`: the group, its commands listed
        return _group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["cli", "main"]
