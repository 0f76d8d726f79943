"""Declare an incident: title, severity, kind, summary, commander, drill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select

from warroom.domain.policy import Policy
from warroom.domain.vocabulary import INCIDENT_KINDS
from warroom.tui.dialogs.form import HINT, FormScreen, name_suggester


@dataclass(frozen=True)
class Declaration:
    title: str
    severity: str
    kind: str
    summary: str
    commander: str
    drill: bool


class DeclareScreen(FormScreen[Declaration | None, Declaration]):
    """The declare form; Enter in the last field (the commander) or ctrl+s declares;
    Esc cancels and keeps what was typed."""

    def __init__(
        self,
        policy: Policy,
        me: str,
        draft: Declaration | None = None,
        *,
        keep: Callable[[Declaration | None], None] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        self.policy = policy
        self.me = me
        self.draft = draft

    def compose(self) -> ComposeResult:
        draft = self.draft
        severities = [(f"{s.name} — {s.label}", s.name) for s in self.policy.severities]
        with Vertical(id="declare", classes="form"):
            yield Label("Declare an incident", classes="form-title")
            yield Label("Title")
            yield Input(
                draft.title if draft else "",
                placeholder="What is broken, in one line",
                id="title",
                compact=True,
            )
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label("Severity")
                    default_sev = (
                        draft.severity
                        if draft
                        else self.policy.severities[min(1, len(self.policy.severities) - 1)].name
                    )
                    yield Select(
                        severities,
                        value=default_sev,
                        allow_blank=False,
                        id="severity",
                        compact=True,
                    )
                with Vertical():
                    yield Label("Kind")
                    yield Select(
                        [(k, k) for k in INCIDENT_KINDS],
                        value=draft.kind if draft else "availability",
                        allow_blank=False,
                        id="kind",
                        compact=True,
                    )
            yield Label("Summary")
            yield Input(
                draft.summary if draft else "",
                placeholder="What is known so far",
                id="summary",
                compact=True,
            )
            yield Label("Commander")
            yield Input(
                draft.commander if draft else "",
                placeholder=f"{self.me} (you; → completes a contact)",
                id="commander",
                compact=True,
                suggester=name_suggester([self.me, *(c.name for c in self.policy.contacts)]),
            )
            yield Checkbox(
                "Drill (an exercise, not a real incident)",
                value=draft.drill if draft else False,
                id="drill",
                compact=True,
            )
            yield Label(HINT, classes="form-hint")
            yield Label("", id="form-error", classes="form-error")
            with Horizontal(classes="form-buttons"):
                yield Button("Declare", variant="error", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()

    def _typed(self, title: str) -> Declaration:
        return Declaration(
            title=title,
            severity=str(self.query_one("#severity", Select).value),
            kind=str(self.query_one("#kind", Select).value),
            summary=self.query_one("#summary", Input).value.strip(),
            commander=self.query_one("#commander", Input).value.strip(),
            drill=self.query_one("#drill", Checkbox).value,
        )

    def typed(self) -> Declaration | None:
        form = self._typed(self.query_one("#title", Input).value.strip())
        return form if form.title or form.summary or form.commander else None

    def action_submit(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.query_one("#form-error", Label).update("An incident needs a title.")
            self.query_one("#title", Input).focus()
            return
        form = self._typed(title)
        self.finish(form if form.commander else replace(form, commander=self.me))
