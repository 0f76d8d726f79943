"""SHA-256 and BLAKE2b, the same digests as `hashlib`'s, without importing `hashlib`.

Importing `hashlib` loads and initialises OpenSSL (about 4 % of the instructions of
`warroom log`, which needs one SHA-256 of the policy and one BLAKE2b for the parse
cache). CPython builds both algorithms into modules of its own: `hashlib.blake2b`
*is* `_blake2.blake2b`, and `_sha256` (3.11; `_sha2` from 3.12) is what `hashlib`
falls back to without OpenSSL. A Python without them gets `hashlib`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def _built_in(name: str, *modules: str) -> Callable[..., Any]:
    """The hash constructor `name` from the first of `modules` this Python has, else
    `hashlib`'s."""
    for module in modules:
        try:
            found: Callable[..., Any] = getattr(import_module(module), name)
        except (ImportError, AttributeError):
            continue
        return found
    import hashlib

    constructor: Callable[..., Any] = getattr(hashlib, name)
    return constructor


sha256 = _built_in("sha256", "_sha256", "_sha2")
blake2b = _built_in("blake2b", "_blake2")
