"""Snapshots are taken with steady cursors, so a run never lands on a blink.

Inputs and text areas blink every half second; a snapshot taken after a slow
wait (a loaded machine, a worker still reading) could catch the cursor either
way. Every Input and TextArea made during a snapshot test starts with
`cursor_blink` off: a focused one always shows its cursor, an unfocused one never.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.widgets import Input, TextArea


def _without_blink(widget_class: type[Input] | type[TextArea]) -> Callable[..., None]:
    original = widget_class.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.set_reactive(widget_class.cursor_blink, False)

    return init


@pytest.fixture(autouse=True)
def steady_cursors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for widget_class in (Input, TextArea):
        monkeypatch.setattr(widget_class, "__init__", _without_blink(widget_class))
    return
