"""domain/ and store/ (and the service) never import textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "warroom.domain.vocabulary",
    "warroom.domain.lifecycle",
    "warroom.domain.policy",
    "warroom.domain.timefmt",
    "warroom.domain.entries",
    "warroom.domain.models",
    "warroom.store.db",
    "warroom.store.queries",
    "warroom.service",
    "warroom.cli",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_does_not_pull_in_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_domain_and_store_module_is_headless() -> None:
    code = (
        "import pkgutil, importlib, sys, warroom.domain, warroom.store\n"
        "for pkg in (warroom.domain, warroom.store):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(f'{pkg.__name__}.{m.name}')\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
