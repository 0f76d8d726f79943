"""The methods `dataclasses` writes for each class, compiled once and kept between runs.

Defining a frozen dataclass costs about 4 M instructions on CPython 3.11: the
`dataclasses` module writes the source of its `__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__` and `__delattr__` and compiles each with `exec`, and
the compiling is about half of it. `warroom log` defines ~47 such classes before
it writes its one row (~90 M of its ~500 M instructions were compiling them).

`install()` hands `dataclasses` an `exec` that looks the source up in a table of
code objects compiled before, by this Python, from exactly that text, and runs
that instead; a text not in the table is compiled as `exec` would compile it
(`dont_inherit=True`: `dataclasses` has no `__future__` imports) and the table is
written back when the process ends. The classes are the same classes: the same
fields, methods, signatures and errors; only the compiling is skipped.

The table is a `marshal` file in the user's cache folder (`parse_cache`: the same
folder, the same rule that it is read only when it and its folder are this user's
alone, and the same `WARROOM_NO_CACHE`), named for this Python's exact version.
Anything wrong with it (missing, foreign, torn, another shape) means compile.
"""

from __future__ import annotations

import atexit
import dataclasses
import marshal
import sys
from collections.abc import Mapping
from pathlib import Path
from types import CodeType
from typing import Any

from warroom.loaders.parse_cache import cache_dir, read_private, write_private

# marshal's format and the bytecode belong to one interpreter build
FILE_NAME = f"dataclass-methods-{sys.implementation.cache_tag}-{sys.hexversion:x}.marshal"
LIMIT = 4096  # texts kept: far above warroom's and its libraries' classes; a bound all the same


class CompiledExec:
    """`exec` for `dataclasses`: source text run from the table of compiled code."""

    def __init__(self, codes: dict[str, CodeType]) -> None:
        self.codes = codes
        self.compiled = 0  # texts compiled by this process (not found in the table)

    def __call__(
        self,
        source: Any,
        globals_: dict[str, Any] | None = None,
        locals_: Mapping[str, object] | None = None,
    ) -> None:
        if not isinstance(source, str):
            exec(source, globals_, locals_)  # what dataclasses would run
            return
        code = self.codes.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            if len(self.codes) < LIMIT:
                self.codes[source] = code
            self.compiled += 1
        exec(code, globals_, locals_)  # the code dataclasses wrote


def install() -> CompiledExec | None:
    """Let `dataclasses` run kept code for the methods it writes (once a process); None
    when caching is off or it is installed already."""
    if "exec" in vars(dataclasses):
        return None
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / FILE_NAME
    runner = CompiledExec(read_table(path))
    dataclasses.exec = runner  # type: ignore[attr-defined]
    atexit.register(save, runner, folder, path)
    return runner


def uninstall() -> None:
    """`dataclasses` compiles again (for tests)."""
    vars(dataclasses).pop("exec", None)


def read_table(path: Path) -> dict[str, CodeType]:
    """The kept table at `path`: {} when there is none or it cannot be trusted or read."""
    data = read_private(path)
    if data is None:
        return {}
    try:
        table = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {
        text: code
        for text, code in table.items()
        if isinstance(text, str) and isinstance(code, CodeType)
    }


def save(runner: CompiledExec, folder: Path, path: Path) -> None:
    """Write the table back when this process compiled something new."""
    if runner.compiled:
        write_private(folder, path, marshal.dumps(runner.codes))
