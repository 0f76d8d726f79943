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

The tables are `marshal` files in the user's cache folder (`parse_cache`: the same
folder, the same rule that a file is read only when it and its folder are this
user's alone, and the same `WARROOM_NO_CACHE`), one for each package whose classes
were made (to two levels: `warroom.domain`), named for this Python's exact version.
Anything wrong with one (missing, foreign, torn, another shape) means compile.
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

# marshal's format and the bytecode belong to one interpreter build; one table for each
# package whose classes were made, to two levels (warroom.domain, warroom.tui,
# textual.widgets, ...), each read when that package first defines a class, so
# `warroom log` reads neither the console's nor Textual's
TAG = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"
LIMIT = 4096  # texts kept in a table: far above any package's classes; a bound all the same


def file_name(package: str) -> str:
    """The table of the classes of `package` (`warroom.domain`, see `_package`)."""
    return f"dataclass-methods-{TAG}-{package}.marshal"


class CompiledExec:
    """`exec` for `dataclasses`: source text run from the tables of compiled code (one
    per package, read from `folder` when first needed; None: start empty)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.tables: dict[str, dict[str, CodeType]] = {}
        self.compiled: dict[str, int] = {}  # texts compiled by this process, per package

    def table(self, package: str) -> dict[str, CodeType]:
        found = self.tables.get(package)
        if found is None:
            found = {} if self.folder is None else read_table(self.folder / file_name(package))
            self.tables[package] = found
        return found

    def __call__(
        self,
        source: Any,
        globals_: dict[str, Any] | None = None,
        locals_: Mapping[str, object] | None = None,
    ) -> None:
        if not isinstance(source, str):
            exec(source, globals_, locals_)  # what dataclasses would run
            return
        package = _package(globals_)
        codes = self.table(package)
        code = codes.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            if len(codes) < LIMIT:
                codes[source] = code
            self.compiled[package] = self.compiled.get(package, 0) + 1
        exec(code, globals_, locals_)  # the code dataclasses wrote


def _package(globals_: Mapping[str, Any] | None) -> str:
    """The package of the module the class is made in, to two levels (`warroom.domain`,
    `warroom.tui`, `textual.widgets`; `_` when unknown)."""
    module = str((globals_ or {}).get("__name__") or "_")
    found = _PACKAGES.get(module)
    if found is None:  # worked out once a module: each class asks for about six methods
        name = ".".join(module.split(".")[:2])
        found = name if all(part.isidentifier() for part in name.split(".")) else "_"
        _PACKAGES[module] = found
    return found


_PACKAGES: dict[str, str] = {}  # module name -> `_package`


def install() -> CompiledExec | None:
    """Let `dataclasses` run kept code for the methods it writes (once a process); None
    when caching is off or it is installed already."""
    if "exec" in vars(dataclasses):
        return None
    folder = cache_dir()
    if folder is None:
        return None
    runner = CompiledExec(folder)
    dataclasses.exec = runner  # type: ignore[attr-defined]
    atexit.register(save, runner)
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


def save(runner: CompiledExec) -> None:
    """Write back each table this process compiled something new into."""
    if runner.folder is None:
        return
    for package, count in runner.compiled.items():
        if count:
            path = runner.folder / file_name(package)
            write_private(runner.folder, path, marshal.dumps(runner.tables[package]))
