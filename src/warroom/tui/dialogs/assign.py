"""Assign a role: pick the role (the policy's roles), type the person.

A role other than command may hold several people: the list shows who holds
each one already, and the person typed is added beside them. The roles are a
list inside the dialog (a dropdown drew outside it): Enter on a role moves to
the person, Enter on the person assigns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from warroom.domain.roles import RoleSet
from warroom.domain.visible import visible_line
from warroom.tui.dialogs.form import HINT, FormScreen, name_suggester


@dataclass(frozen=True)
class Assignment:
    role: str
    person: str


class AssignScreen(FormScreen[Assignment | None, Assignment]):
    """Role list, then the person; Enter on the person (or ctrl+s) assigns."""

    def __init__(
        self,
        holders: dict[str, tuple[str, ...]],
        roles: RoleSet,
        draft: Assignment | None = None,
        *,
        people: Sequence[str] = (),
        keep: Callable[[Assignment | None], None] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        self.holders = holders
        self.roles = roles
        self.draft = draft
        self.people = people
        self.role_keys = list(roles.labels)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form assign"):
            yield Label("Assign a role", classes="form-title")
            yield Label("Role (↑↓, Enter)")
            options = []
            for key, label in self.roles.labels.items():
                held = self.holders.get(key, ())
                said = f" — {visible_line(', '.join(held))}" if held else ""
                shown = visible_line(label) + said
                options.append(Option(Text(shown), id=key))
            yield OptionList(*options, id="role")
            yield Label("Person")
            yield Input(
                self.draft.person if self.draft else "",
                placeholder="Name (→ completes)",
                id="person",
                compact=True,
                suggester=name_suggester(self.people),
            )
            yield Label(HINT, classes="form-hint")
            yield Label("", id="form-error", classes="form-error")

    def on_mount(self) -> None:
        roles = self.query_one("#role", OptionList)
        wanted = self.draft.role if self.draft else "commander"
        if wanted in self.role_keys:
            roles.highlighted = self.role_keys.index(wanted)
        roles.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#person", Input).focus()

    @property
    def role(self) -> str:
        index = self.query_one("#role", OptionList).highlighted
        return self.role_keys[index] if index is not None else "commander"

    def typed(self) -> Assignment | None:
        person = self.query_one("#person", Input).value
        return Assignment(self.role, person) if person.strip() else None

    def action_submit(self) -> None:
        person = self.query_one("#person", Input).value.strip()
        if not person:
            self.query_one("#form-error", Label).update("Type the person's name.")
            self.query_one("#person", Input).focus()
            return
        self.finish(Assignment(self.role, person))
