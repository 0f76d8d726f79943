"""Every key on one screen, and how to type timeline entries."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from warroom.tui.keys import ACTIONS, ENTRY_HELP, NAVIGATION

KEY_NAMES = {"question_mark": "?", "tab": "Tab", "slash": "/", "asterisk": "*", "plus": "+"}


def help_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", max_width=18)  # a long key wraps; the text gets the room
    table.add_column()
    table.add_row(Text("Actions", style="underline"), "")
    for action in ACTIONS:
        table.add_row(Text(KEY_NAMES.get(action.key, action.key)), Text(action.help))
    table.add_row("", "")
    table.add_row(Text("Moving around", style="underline"), "")
    for key, text in NAVIGATION:
        table.add_row(Text(key), Text(text))
    table.add_row("", "")
    table.add_row(Text("Timeline entries", style="underline"), "")
    for typed, meaning in ENTRY_HELP:
        table.add_row(Text(typed), Text(meaning))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form help"):
            yield Static(Text("warroom — keys", style="bold"), classes="form-title")
            yield Static(help_table())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
