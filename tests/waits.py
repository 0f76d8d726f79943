"""Waiting on another thread in a test: for the condition, never a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

WAIT = 30.0  # seconds before a step that never comes fails the test (never reached)


def until(condition: Callable[[], object], what: str, seconds: float = WAIT) -> None:
    """Return once `condition()` holds; fail naming `what` if it never does."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"did not {what} within {seconds:.0f} s")
        time.sleep(0.005)
