"""Adopt this console's policy for everybody on the file, after saying what changes.

Consoles and commands started with another policy warn (the top bar says
POLICY DIFFERS). `warroom policy adopt` settles it from a shell; in the console
`L` opens this dialog: which policy is recorded, which one this console runs,
what differs, and that every console's clocks and ladders will follow it.
Enter (or `L` again) adopts; Esc keeps the recorded one.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from warroom.domain.policy_record import PolicyMismatch, warning_lines
from warroom.domain.visible import visible


class AdoptPolicyScreen(ModalScreen[bool]):
    """Enter or `L` adopts this console's policy; Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("L,enter", "confirm", "Adopt", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    def __init__(self, mismatch: PolicyMismatch, database: str) -> None:
        super().__init__()
        self.mismatch = mismatch
        self.database = database

    def compose(self) -> ComposeResult:
        mine = self.mismatch.mine
        # the shell advice at the end is what this dialog does: left out
        lines = warning_lines(self.mismatch, self.database)[1:-1]
        with Vertical(classes="form", id="adopt-policy"):
            yield Label("Adopt this console's policy for everybody?", classes="form-title")
            yield Static(Text(visible("\n".join(line.strip() for line in lines))))
            yield Static(
                Text(
                    f"Every console and command on this file will run {visible(mine.source)}"
                    f" (fingerprint {mine.fingerprint}): its clocks, ladders and roles."
                ),
                classes="form-hint",
            )
            yield Label("Enter or L: adopt · Esc: keep the recorded one", classes="form-hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
