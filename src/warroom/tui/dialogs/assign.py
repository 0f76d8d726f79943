"""Assign a role: pick the role (the policy's roles), type the person.

A role other than command may hold several people: the list shows who holds
each one already, and the person typed is added beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from warroom.domain.roles import RoleSet
from warroom.domain.visible import visible_line


@dataclass(frozen=True)
class Assignment:
    role: str
    person: str


class AssignScreen(ModalScreen[Assignment | None]):
    """Role and person; Enter in the name field assigns."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        holders: dict[str, tuple[str, ...]],
        roles: RoleSet,
        draft: Assignment | None = None,
    ) -> None:
        super().__init__()
        self.holders = holders
        self.roles = roles
        self.draft = draft

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label("Assign a role", classes="form-title")
            yield Label("Role")
            held = {
                key: f" — {visible_line(', '.join(people))}" for key, people in self.holders.items()
            }
            options = [
                (f"{visible_line(label)}{held.get(key, '')}", key)
                for key, label in self.roles.labels.items()
            ]
            yield Select(
                options,
                value=self.draft.role if self.draft else "commander",
                allow_blank=False,
                id="role",
                compact=True,
            )
            yield Label("Person")
            yield Input(
                self.draft.person if self.draft else "",
                placeholder="Name",
                id="person",
                compact=True,
            )
            yield Label("", id="form-error", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#person", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        person = event.value.strip()
        if not person:
            self.query_one("#form-error", Label).update("Type the person's name.")
            return
        self.dismiss(Assignment(str(self.query_one("#role", Select).value), person))

    def action_cancel(self) -> None:
        self.dismiss(None)
