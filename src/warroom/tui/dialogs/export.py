"""Export the selected incident: the post-mortem in Markdown, or everything as JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, Select

from warroom.tui.dialogs.form import FormScreen

FORMATS = {"markdown": "md", "json": "json"}


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    format: str
    force: bool


def default_path(incident_id: int, fmt: str) -> str:
    suffix = "postmortem.md" if fmt == "markdown" else "export.json"
    return f"incident-{incident_id}-{suffix}"


class ExportScreen(FormScreen[ExportRequest | None, ExportRequest]):
    """Format, file and whether to overwrite; Enter in the file field (or ctrl+s) exports."""

    def __init__(
        self,
        incident_id: int,
        draft: ExportRequest | None = None,
        *,
        keep: Callable[[ExportRequest | None], None] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        self.incident_id = incident_id
        self.draft = draft

    def compose(self) -> ComposeResult:
        fmt = self.draft.format if self.draft else "markdown"
        path = str(self.draft.path) if self.draft else default_path(self.incident_id, fmt)
        with Vertical(classes="form"):
            yield Label(Text(f"Export #{self.incident_id}"), classes="form-title")
            yield Label("Format")
            yield Select(
                [("Post-mortem (Markdown)", "markdown"), ("Everything (JSON)", "json")],
                value=fmt,
                allow_blank=False,
                id="format",
                compact=True,
            )
            yield Label("File (relative to where warroom was started)")
            yield Input(path, id="path", compact=True)
            yield Checkbox(
                "Overwrite if it exists",
                value=self.draft.force if self.draft else False,
                id="force",
                compact=True,
            )
            yield Label("Enter / ctrl+s: export · Esc: cancel (kept)", classes="form-hint")
            yield Label("", id="form-error", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#path", Input)
        fmt = str(event.value)
        for other in FORMATS:
            if path.value == default_path(self.incident_id, other):
                path.value = default_path(self.incident_id, fmt)

    def _request(self, path: str) -> ExportRequest:
        return ExportRequest(
            Path(path).expanduser(),
            str(self.query_one("#format", Select).value),
            self.query_one("#force", Checkbox).value,
        )

    def typed(self) -> ExportRequest | None:
        return self._request(self.query_one("#path", Input).value.strip() or ".")

    def action_submit(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.query_one("#form-error", Label).update("Which file?")
            return
        self.finish(self._request(path))
