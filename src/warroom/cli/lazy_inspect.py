"""`inspect` imported when something uses it, not when `dataclasses` is imported.

`dataclasses` imports `inspect` (and with it `ast`, `dis` and `tokenize`: about a tenth
of `warroom log`'s instructions), and uses it only to write a docstring for a class
that has none (warroom's have one). `install()`, before `dataclasses` is imported,
puts a stand-in in `sys.modules`: every attribute read from it is the real module's,
and the first one puts the real module in `sys.modules`, where every later `import
inspect` finds it. The console and the click group take the real module at once
(`real`).

Not `importlib.util.LazyLoader`: on Python 3.11 `import inspect` reads the lazy
module's `__spec__`, which loads it at once (`dataclasses` would still pull in `ast`).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _InspectWhenUsed(types.ModuleType):
    """`inspect` until something uses it: then the real module, imported at that moment."""

    def __getattr__(self, name: str) -> Any:
        return getattr(real(), name)


def install() -> None:
    """The stand-in, unless `inspect` is imported already."""
    if "inspect" not in sys.modules:
        sys.modules["inspect"] = _InspectWhenUsed("inspect")


def real() -> types.ModuleType:
    """The real `inspect`, imported now if it was not yet (and in `sys.modules`)."""
    if isinstance(sys.modules.get("inspect"), _InspectWhenUsed):
        del sys.modules["inspect"]
    import inspect

    return inspect
