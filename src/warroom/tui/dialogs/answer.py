"""One line of text: a checklist answer, a search, a correction, a reason."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from warroom.domain.visible import visible_line
from warroom.tui.dialogs.form import FormScreen


class AnswerScreen(FormScreen[str | None, str]):
    """A single field: Enter or ctrl+s answers; Esc cancels and keeps what was typed.

    `hint` (a search's last query) shows in the empty field and completes with →.
    """

    def __init__(
        self,
        question: str,
        current: str = "",
        *,
        placeholder: str = "Answer, then Enter",
        allow_empty: bool = False,
        select_on_focus: bool = True,
        hint: str = "",
        keep: Callable[[str | None], None] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        self.question = question
        self.current = current
        self.placeholder = placeholder
        self.allow_empty = allow_empty
        self.select_on_focus = select_on_focus
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(visible_line(self.question)), classes="form-title")
            yield Input(
                self.current,
                placeholder=self.placeholder,
                id="answer",
                compact=True,
                select_on_focus=self.select_on_focus,
                suggester=SuggestFromList([self.hint], case_sensitive=False) if self.hint else None,
            )
            yield Label("Enter / ctrl+s: done · Esc: cancel (kept)", classes="form-hint")

    @property
    def value(self) -> str:
        return self.query_one("#answer", Input).value

    def typed(self) -> str | None:
        return self.value if self.value.strip() != self.current.strip() else None

    def action_submit(self) -> None:
        if self.value.strip() or self.allow_empty:
            self.finish(self.value.strip())
