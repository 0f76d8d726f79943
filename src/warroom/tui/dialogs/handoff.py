"""Hand command to someone else, with a note on state, open TODOs and next steps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, TextArea

from warroom.domain.visible import visible_line
from warroom.tui.dialogs.form import FormScreen, name_suggester

STATE = "State: "


@dataclass(frozen=True)
class HandOff:
    person: str
    note: str


class HandOffScreen(FormScreen[HandOff | None, HandOff]):
    """Person, then the note (Enter in the note is a new line); ctrl+s hands over,
    Esc cancels and keeps both."""

    def __init__(
        self,
        commander: str,
        open_todos: list[str],
        draft: HandOff | None = None,
        *,
        people: Sequence[str] = (),
        keep: Callable[[HandOff | None], None] | None = None,
    ):
        super().__init__(keep=keep)
        self.commander = commander
        self.open_todos = open_todos
        self.draft = draft
        self.people = [p for p in people if p.casefold() != commander.casefold()]

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            heading = f"Hand off command (now: {visible_line(self.commander)})"
            yield Label(Text(heading), classes="form-title")
            yield Label("New incident commander")
            yield Input(
                self.draft.person if self.draft else "",
                placeholder="Name (→ completes)",
                id="person",
                compact=True,
                suggester=name_suggester(self.people),
            )
            yield Label("Hand-off note: state, open TODOs, next steps")
            # a suggestion to edit, so what it quotes is shown as it reads on the timeline
            todos = "\n".join(f"- TODO {visible_line(t)}" for t in self.open_todos)
            note = self.draft.note if self.draft else f"{STATE}\n{todos}\nNext steps: ".strip()
            yield TextArea(note, id="note")
            yield Label(
                "Enter: to the note · ctrl+s: hand over · Esc: cancel (kept)",
                classes="form-hint",
            )
            yield Label("", id="form-error", classes="form-error")

    def on_mount(self) -> None:
        note = self.query_one("#note", TextArea)
        first = note.document.get_line(0)
        # the cursor waits where the state is written, not before its label
        if self.draft is None and first.startswith(STATE.strip()):
            note.cursor_location = (0, len(first))
        else:
            note.cursor_location = note.document.end
        self.query_one("#person", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # not the form's Enter-saves-from-the-last-field
        self.query_one("#note", TextArea).focus()

    def typed(self) -> HandOff | None:
        return HandOff(
            self.query_one("#person", Input).value, self.query_one("#note", TextArea).text
        )

    def action_submit(self) -> None:
        person = self.query_one("#person", Input).value.strip()
        note = self.query_one("#note", TextArea).text.strip()
        if not person:
            self.query_one("#form-error", Label).update("Who takes command?")
            self.query_one("#person", Input).focus()
            return
        self.finish(HandOff(person, note))
