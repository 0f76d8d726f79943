"""Close an incident: name the post-mortem owner and see the follow-ups still open."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from warroom.domain.models import FollowUp
from warroom.domain.visible import visible_line


class CloseScreen(ModalScreen[str | None]):
    """Enter closes (with the owner typed); Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", priority=True)]

    def __init__(
        self,
        incident_ref: str,
        owner: str,
        open_items: list[FollowUp],
        *,
        required: bool,
        suggestion: str = "",
    ) -> None:
        super().__init__()
        self.incident_ref = incident_ref
        self.owner = owner
        self.open_items = open_items
        self.required = required
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            # closing is not the post-mortem being done: that is its own step (m)
            heading = f"Close {visible_line(self.incident_ref)}"
            yield Label(Text(heading), classes="form-title")
            yield Label("Post-mortem owner" + ("" if self.required else " (optional)"))
            hint = f" (e.g. {self.suggestion})" if self.suggestion else ""
            yield Input(self.owner, placeholder=f"who writes the post-mortem{hint}", id="owner")
            listing = Text()
            if self.open_items:
                listing.append(f"{len(self.open_items)} follow-up(s) still open:\n", style="bold")
                for item in self.open_items:
                    said = visible_line(f"{item.text} ({item.owner or 'no owner'})")
                    listing.append(f"  #{item.id} {said}\n")
            else:
                listing.append("No open follow-ups.")
            yield Static(listing, id="open-follow-ups")
            yield Label("Enter: close · Esc: cancel", classes="form-hint")
            yield Label("", id="form-error", classes="form-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        owner = event.value.strip()
        if self.required and not owner:
            self.query_one("#form-error", Label).update("Who owns the post-mortem?")
            return
        self.dismiss(owner)

    def action_cancel(self) -> None:
        self.dismiss(None)
