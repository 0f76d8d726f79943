"""One line of text: a checklist answer, a search, a correction, a reason."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from warroom.domain.visible import visible_line


class AnswerScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        question: str,
        current: str = "",
        *,
        placeholder: str = "Answer, then Enter",
        allow_empty: bool = False,
        select_on_focus: bool = True,
    ) -> None:
        super().__init__()
        self.question = question
        self.current = current
        self.placeholder = placeholder
        self.allow_empty = allow_empty
        self.select_on_focus = select_on_focus

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(visible_line(self.question)), classes="form-title")
            yield Input(
                self.current,
                placeholder=self.placeholder,
                id="answer",
                compact=True,
                select_on_focus=self.select_on_focus,
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() or self.allow_empty:
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
