"""Edit the impact fields: users affected, services affected, business impact."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

FIELDS = (
    ("users", "Users affected", "e.g. ~40% of EU checkout sessions"),
    ("services", "Services affected", "e.g. checkout-api, payments-gateway"),
    ("business", "Business impact", "e.g. EUR 40k/h of orders at risk"),
)


class ImpactScreen(ModalScreen[dict[str, str] | None]):
    """Three fields; Enter in the last one (or ctrl+s) saves what changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save"),
    ]

    def __init__(self, current: dict[str, str]) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label("Impact", classes="form-title")
            for key, label, hint in FIELDS:
                yield Label(label)
                yield Input(
                    self.current.get(key, ""), placeholder=hint, id=f"impact-{key}", compact=True
                )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "impact-business":
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        values = {
            key: self.query_one(f"#impact-{key}", Input).value.strip() for key, _, _ in FIELDS
        }
        changed = {k: v for k, v in values.items() if v != self.current.get(k, "")}
        self.dismiss(changed or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
