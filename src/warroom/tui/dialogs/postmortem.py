"""The post-mortem: name who owns it (any time) and mark it done (once resolved)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label

from warroom.domain.visible import visible_line
from warroom.tui.dialogs.form import FormScreen, name_suggester


@dataclass(frozen=True)
class PostmortemForm:
    """What changed: a new owner (None: unchanged) and whether it is now done."""

    owner: str | None
    done: bool


class PostmortemScreen(FormScreen[PostmortemForm | None, str]):
    """Owner field and a "done" box; Enter or ctrl+s saves, Esc cancels (the name kept)."""

    def __init__(
        self,
        incident_ref: str,
        owner: str,
        *,
        due: str,
        done: str,
        can_finish: bool,
        typed: str | None = None,
        people: Sequence[str] = (),
        keep: Callable[[str | None], None] | None = None,
    ):
        super().__init__(keep=keep)
        self.people = people
        self.kept = typed
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
            yield Input(
                self.kept if self.kept is not None else self.owner,
                placeholder="who writes the post-mortem (→ completes)",
                id="pm-owner",
                compact=True,
                suggester=name_suggester(self.people),
            )
            if self.done:
                yield Label(Text(f"Done {self.done}"))
            elif self.can_finish:
                yield Checkbox("Post-mortem done", False, id="pm-done")
            else:
                yield Label("Can be marked done once the incident is resolved.")
            yield Label("Enter / ctrl+s: save · Esc: cancel (kept)", classes="form-hint")
            yield Label("", id="form-error", classes="form-error")

    def typed(self) -> str | None:
        typed = self.query_one("#pm-owner", Input).value
        return typed if typed.strip() != self.owner.strip() else None

    def action_submit(self) -> None:
        typed = self.query_one("#pm-owner", Input).value.strip()
        boxes = self.query("#pm-done").results(Checkbox)
        done = any(box.value for box in boxes)
        owner = typed if typed != self.owner.strip() else None
        if owner == "":
            self.query_one("#form-error", Label).update("An owner needs a name.")
            return
        self.finish(PostmortemForm(owner, done) if owner or done else None)
