"""The post-mortem: name who owns it (any time) and mark it done (once resolved)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from warroom.domain.visible import visible_line


@dataclass(frozen=True)
class PostmortemForm:
    """What changed: a new owner (None: unchanged) and whether it is now done."""

    owner: str | None
    done: bool


class PostmortemScreen(ModalScreen[PostmortemForm | None]):
    """Owner field and a "done" box; Enter or ctrl+s saves, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", priority=True),
        Binding("ctrl+s", "submit", "Save"),
    ]

    def __init__(self, incident_ref: str, owner: str, *, due: str, done: str, can_finish: bool):
        super().__init__()
        self.incident_ref = incident_ref
        self.owner = owner
        self.due = due  # "due 2026-12-03 10:00 UTC" or why there is no due date yet
        self.done = done  # "" while not done, else when it was marked done
        self.can_finish = can_finish

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            heading = f"Post-mortem of {visible_line(self.incident_ref)}"
            yield Label(Text(heading), classes="form-title")
            yield Label(Text(self.due))
            yield Label("Owner")
            yield Input(self.owner, placeholder="who writes the post-mortem", id="pm-owner")
            if self.done:
                yield Label(Text(f"Done {self.done}"))
            elif self.can_finish:
                yield Checkbox("Post-mortem done", False, id="pm-done")
            else:
                yield Label("Can be marked done once the incident is resolved.")
            yield Label("Enter / ctrl+s: save · Esc: cancel", classes="form-hint")
            yield Label("", id="form-error", classes="form-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        typed = self.query_one("#pm-owner", Input).value.strip()
        boxes = self.query("#pm-done").results(Checkbox)
        done = any(box.value for box in boxes)
        owner = typed if typed != self.owner.strip() else None
        if owner == "":
            self.query_one("#form-error", Label).update("An owner needs a name.")
            return
        self.dismiss(PostmortemForm(owner, done) if owner or done else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
