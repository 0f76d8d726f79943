"""The scribe's line: always there, `l` to focus, Enter to log.

The kind shows beside the input as you type its prefix (`d:` decision,
`a:` action, `f:` finding, `t:` TODO, `n:` note); a leading `HH:MM` backdates.
The line clears at once so the scribe can keep typing; if the write fails,
the text comes back into the line (nothing typed is lost).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from warroom.domain.vocabulary import split_entry_prefix
from warroom.tui.widgets.timeline_view import kind_label


class EntryLine(Horizontal):
    """A kind badge and an input; posts Submitted with the raw typed text."""

    BINDINGS = [
        Binding("escape", "app.leave_entry", "Back to list"),
        Binding("enter", "submit", "Log entry", show=True, priority=False),
    ]

    @dataclass
    class Submitted(Message):
        text: str

    def compose(self) -> ComposeResult:
        yield Static(Text("note"), id="entry-kind")
        yield Input(
            placeholder="l: log — d: decision  a: action  f: finding  t: TODO  HH:MM backdates",
            id="entry-input",
            select_on_focus=False,
        )

    async def action_submit(self) -> None:
        await self.input.action_submit()

    @property
    def input(self) -> Input:
        return self.query_one("#entry-input", Input)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        typed = event.value
        parts = typed.strip().split(" ", 1)
        if len(parts) == 2 and ":" in parts[0] and parts[0].replace(":", "").isdigit():
            typed = parts[1]
        kind, _ = split_entry_prefix(typed)
        self.query_one("#entry-kind", Static).update(Text(kind_label(kind)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.Submitted(event.value))
            self.input.value = ""

    def restore(self, text: str) -> None:
        """A write failed: put the text back, ahead of anything typed since."""
        current = self.input.value.strip()
        self.input.value = f"{text} {current}".strip() if current else text
        self.input.cursor_position = len(self.input.value)
