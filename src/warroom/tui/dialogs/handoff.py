"""Hand command to someone else, with a note on state, open TODOs and next steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from warroom.domain.visible import visible_line


@dataclass(frozen=True)
class HandOff:
    person: str
    note: str


class HandOffScreen(ModalScreen[HandOff | None]):
    """Person and note; ctrl+s hands over, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Hand over", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    def __init__(self, commander: str, open_todos: list[str], draft: HandOff | None = None):
        super().__init__()
        self.commander = commander
        self.open_todos = open_todos
        self.draft = draft

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            heading = f"Hand off command (now: {visible_line(self.commander)})"
            yield Label(Text(heading), classes="form-title")
            yield Label("New incident commander")
            yield Input(self.draft.person if self.draft else "", id="person", compact=True)
            yield Label("Hand-off note: state, open TODOs, next steps (ctrl+s hands over)")
            # a suggestion to edit, so what it quotes is shown as it reads on the timeline
            todos = "\n".join(f"- TODO {visible_line(t)}" for t in self.open_todos)
            note = self.draft.note if self.draft else f"State: \n{todos}\nNext steps: ".strip()
            yield TextArea(note, id="note")
            yield Label("", id="form-error", classes="form-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#note", TextArea).focus()

    def action_submit(self) -> None:
        person = self.query_one("#person", Input).value.strip()
        note = self.query_one("#note", TextArea).text.strip()
        if not person:
            self.query_one("#form-error", Label).update("Who takes command?")
            return
        self.dismiss(HandOff(person, note))

    def action_cancel(self) -> None:
        self.dismiss(None)
