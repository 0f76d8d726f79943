"""Close an incident: name the post-mortem owner and see the follow-ups still open."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from warroom.domain.models import FollowUp
from warroom.domain.visible import visible_line
from warroom.tui.dialogs.form import FormScreen, name_suggester


class CloseScreen(FormScreen[str | None, str]):
    """Enter or ctrl+s closes (with the owner typed); Esc cancels and keeps the name."""

    def __init__(
        self,
        incident_ref: str,
        owner: str,
        open_items: list[FollowUp],
        *,
        required: bool,
        suggestion: str = "",
        people: Sequence[str] = (),
        keep: Callable[[str | None], None] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        self.people = people
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
            yield Input(
                self.owner,
                placeholder=f"who writes the post-mortem{hint} (→ completes)",
                id="owner",
                compact=True,
                suggester=name_suggester(self.people),
            )
            listing = Text()
            if self.open_items:
                listing.append(f"{len(self.open_items)} follow-up(s) still open:\n", style="bold")
                for item in self.open_items:
                    said = visible_line(f"{item.text} ({item.owner or 'no owner'})")
                    listing.append(f"  #{item.id} {said}\n")
            else:
                listing.append("No open follow-ups.")
            yield Static(listing, id="open-follow-ups")
            yield Label("Enter / ctrl+s: close · Esc: cancel (kept)", classes="form-hint")
            yield Label("", id="form-error", classes="form-error")

    def typed(self) -> str | None:
        typed = self.query_one("#owner", Input).value
        return typed if typed.strip() != self.owner.strip() else None

    def action_submit(self) -> None:
        owner = self.query_one("#owner", Input).value.strip()
        if self.required and not owner:
            self.query_one("#form-error", Label).update("Who owns the post-mortem?")
            return
        self.finish(owner)
