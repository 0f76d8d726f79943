"""Find files shipped beside the code: styles/ and runbooks/.

In a wheel they sit inside the package (hatchling force-include); in an
editable checkout they sit at the repository root. Look in that order.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The directory `name` (e.g. "styles"), inside the package or the checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"warroom is installed without its {name}/ directory")
