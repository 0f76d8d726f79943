"""What every form shares, so keys mean the same in each dialog.

- Enter in a text field moves to the next text field; in the last one (or the
  only one) it saves. Tab walks through every field, lists and boxes included.
- ctrl+s saves from anywhere in the form.
- Esc cancels and keeps what was typed: the opener's `keep` receives the form
  as typed (`typed()`), and opening the same dialog again offers it.

`FormMemory` is where kept forms wait, one per dialog and incident; it lives
on the app, so a pane and the main screen reach the same memory.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable
from typing import ClassVar, Generic, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input

from warroom.tui.form_memory import FormMemory, memory_of

ResultT = TypeVar("ResultT")
DraftT = TypeVar("DraftT")

__all__ = ["HINT", "FormMemory", "FormScreen", "memory_of", "name_suggester"]

HINT = "Enter: next, the last saves · ctrl+s: save · Esc: cancel (kept)"


class FormScreen(ModalScreen[ResultT], Generic[ResultT, DraftT]):
    """A modal form: subclasses implement `action_submit` and `typed`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, *, keep: Callable[[DraftT | None], None] | None = None) -> None:
        super().__init__()
        self.keep = keep

    def fields(self) -> list[Input]:
        """The text fields Enter walks through, in order."""
        return [i for i in self.query(Input) if not i.disabled and i.display]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = self.fields()
        if event.input not in fields or event.input is fields[-1]:
            self.action_submit()
        else:
            fields[fields.index(event.input) + 1].focus()

    @abstractmethod
    def action_submit(self) -> None:
        """Check what was typed and `finish` with it (each form says how)."""

    def typed(self) -> DraftT | None:
        """The form as typed, for reopening it after Esc (None: nothing worth keeping)."""
        return None

    def action_cancel(self) -> None:
        if self.keep is not None:
            self.keep(self.typed())
        self.dismiss(None)

    def finish(self, result: ResultT) -> None:
        """Dismiss with `result`; the kept copy (if any) is forgotten."""
        if self.keep is not None:
            self.keep(None)
        self.dismiss(result)


def name_suggester(names: Iterable[str]) -> SuggestFromList | None:
    """Completion for a person field (→ or End accepts), from the names given."""
    offered = [n for n in dict.fromkeys(n.strip() for n in names) if n]
    return SuggestFromList(offered, case_sensitive=False) if offered else None
