"""Add or edit a follow-up: text, owner, due date, priority (and status when editing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select

from warroom.domain.follow_ups import parse_due
from warroom.domain.visible import visible_line
from warroom.domain.vocabulary import FOLLOW_UP_PRIORITIES, FOLLOW_UP_STATUSES
from warroom.tui.dialogs.form import HINT, FormScreen, name_suggester


@dataclass(frozen=True)
class FollowUpForm:
    text: str
    owner: str
    due_text: str
    due: dt.date | None
    priority: str
    status: str = "open"


class FollowUpScreen(FormScreen[FollowUpForm | None, FollowUpForm]):
    """Enter moves on (and saves from the due date, the last text field); ctrl+s
    saves; Esc cancels and keeps what was typed."""

    def __init__(
        self,
        title: str,
        today: dt.date,
        draft: FollowUpForm,
        *,
        editing: bool = False,
        people: Sequence[str] = (),
        keep: Callable[[FollowUpForm | None], None] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        self.title_text = title
        self.today = today
        self.draft = draft
        self.editing = editing
        self.people = people

    def compose(self) -> ComposeResult:
        draft = self.draft
        with Vertical(classes="form"):
            yield Label(Text(visible_line(self.title_text)), classes="form-title")
            yield Label("What needs doing")
            yield Input(
                draft.text,
                placeholder="e.g. alert on connection-pool saturation",
                id="text",
                compact=True,
                disabled=self.editing,
            )
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label("Owner")
                    yield Input(
                        draft.owner,
                        placeholder="who does it (→ completes)",
                        id="owner",
                        compact=True,
                        suggester=name_suggester(self.people),
                    )
                with Vertical():
                    yield Label("Due")
                    yield Input(
                        draft.due_text,
                        placeholder="2026-12-01, +3d, 2w, fri",
                        id="due",
                        compact=True,
                    )
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label("Priority")
                    yield Select(
                        [(p, p) for p in FOLLOW_UP_PRIORITIES],
                        value=draft.priority,
                        allow_blank=False,
                        id="priority",
                        compact=True,
                    )
                if self.editing:
                    with Vertical():
                        yield Label("Status")
                        yield Select(
                            [(label, key) for key, label in FOLLOW_UP_STATUSES.items()],
                            value=draft.status,
                            allow_blank=False,
                            id="status",
                            compact=True,
                        )
            yield Label(HINT, classes="form-hint")
            yield Label("", id="form-error", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#owner" if self.editing or self.draft.text else "#text", Input).focus()

    def _form(self, due: dt.date | None) -> FollowUpForm:
        status = str(self.query_one("#status", Select).value) if self.editing else self.draft.status
        return FollowUpForm(
            self.query_one("#text", Input).value.strip(),
            self.query_one("#owner", Input).value.strip(),
            self.query_one("#due", Input).value.strip(),
            due,
            str(self.query_one("#priority", Select).value),
            status,
        )

    def typed(self) -> FollowUpForm | None:
        form = self._form(None)
        return form if form.text or form.owner or form.due_text else None

    def action_submit(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        due_text = self.query_one("#due", Input).value.strip()
        error = self.query_one("#form-error", Label)
        if not text:
            error.update("A follow-up needs a text.")
            return
        try:
            due = parse_due(due_text, self.today)
        except ValueError as exc:
            error.update(Text(str(exc)))
            self.query_one("#due", Input).focus()
            return
        self.finish(self._form(due))
