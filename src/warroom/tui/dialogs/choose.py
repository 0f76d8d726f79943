"""Pick one of a few values (status, severity, role) from a list."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from warroom.domain.visible import visible_line


class ChooseScreen(ModalScreen[str | None]):
    """A titled list; Enter picks, Escape cancels. Options are (value, label)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None = None):
        super().__init__()
        self.heading = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form chooser"):
            yield Label(Text(visible_line(self.heading)), classes="form-title")
            yield OptionList(
                *[Option(Text(visible_line(label)), id=value) for value, label in self.options],
                id="choices",
            )

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        values = [v for v, _ in self.options]
        if self.current in values:
            choices.highlighted = values.index(self.current)
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
