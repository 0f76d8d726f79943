"""The status-update composer: pick a template, see it filled, edit, copy, post.

ctrl+y copies (OSC 52, which works over SSH, and the local clipboard where
there is one); ctrl+s posts (stored, on the timeline; its audience's update
clock restarts, none once resolved, and the notice says which); Esc closes and
keeps the draft for this incident; ctrl+d discards it.
Each is one `Write` through the bridge; a refused post leaves the composer open
with the text as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from warroom.composer import Draft, PostedUpdate, audience_of
from warroom.domain.templates import Template
from warroom.domain.visible import visible_line
from warroom.tui.bridge import Write, bridge_of

Filler = Callable[[str, dict[str, str]], str]


class ComposerScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the text area has its own ctrl+y (redo) and ctrl+d (delete)
        Binding("ctrl+y", "copy", "Copy", priority=True),
        Binding("ctrl+s", "post", "Post", priority=True),
        Binding("ctrl+r", "refill", "Refill", priority=True),
        Binding("ctrl+d", "discard", "Discard draft", priority=True),
        Binding("escape", "close", "Close (keep draft)", priority=True),
    ]

    def __init__(
        self,
        incident_id: int,
        templates: dict[str, Template],
        suggested: str,
        fill: Filler,
        draft: Draft | None,
        posted: list[PostedUpdate],
    ) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.templates = templates
        self.fill = fill
        self.draft = draft
        self.posted = posted
        self.template_name = draft.template if draft and draft.template in templates else suggested
        self._filled = ""  # the text as last filled, to tell hand edits apart
        self._confirmed = False  # posting with unfilled markers needs a second ctrl+s

    def compose(self) -> ComposeResult:
        with Vertical(classes="form composer"):
            yield Label(Text(f"Status update for #{self.incident_id}"), classes="form-title")
            options = [
                (visible_line(f"{t.audience} · {t.phase} · {t.title}"), name)
                for name, t in sorted(self.templates.items())
            ]
            yield Select(
                options, value=self.template_name, allow_blank=False, id="template", compact=True
            )
            with Horizontal(id="free-fields"):
                yield Input(placeholder="ETA", id="free-eta", compact=True)
                yield Input(placeholder="Next steps", id="free-next_steps", compact=True)
            yield TextArea(id="body", soft_wrap=True)
            yield Label(
                "ctrl+y copy · ctrl+s post · ctrl+r refill · ctrl+d discard draft · "
                "Esc close (keeps the draft)",
                id="composer-keys",
            )
            yield Label("", id="composer-status")
            yield Static(self._posted_text(), id="posted")

    def _posted_text(self) -> Text:
        text = Text("Posted updates (latest first)\n", style="bold")
        if not self.posted:
            text.append("none yet", style="italic")
        for update in self.posted[:3]:
            first = update.body.strip().splitlines()[0] if update.body.strip() else ""
            said = visible_line(f"{update.audience} {update.author}")
            text.append(f"{update.posted_at:%H:%M} {said}: ")
            text.append(visible_line(first[:90]))
            text.append("\n")
        return text

    def on_mount(self) -> None:
        body = self.query_one("#body", TextArea)
        if self.draft is not None:
            body.text = self.draft.body
            self._status(
                f"Draft restored (saved {self.draft.updated_at:%H:%M} by {self.draft.author})."
            )
        else:
            self.action_refill()
        body.focus()

    def _free(self) -> dict[str, str]:
        return {
            "eta": self.query_one("#free-eta", Input).value,
            "next_steps": self.query_one("#free-next_steps", Input).value,
        }

    def _status(self, message: str) -> None:
        self.query_one("#composer-status", Label).update(Text(message))

    def action_refill(self) -> None:
        text = self.fill(self.template_name, self._free())
        self._filled = text
        self.query_one("#body", TextArea).text = text

    def _refill_if_untouched(self) -> None:
        if self.query_one("#body", TextArea).text == self._filled:
            self.action_refill()
        else:
            self._status("Edited by hand: ctrl+r refills from the template (your edits go).")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value != self.template_name and isinstance(event.value, str):
            self.template_name = event.value
            self._refill_if_untouched()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._filled:
            self._refill_if_untouched()

    @property
    def body(self) -> str:
        return self.query_one("#body", TextArea).text

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.body)
        where = "terminal clipboard (OSC 52)"
        try:
            import pyperclip

            pyperclip.copy(self.body)
            where += " and the local clipboard"
        except Exception:  # no local clipboard (SSH, no X): OSC 52 is enough
            pass
        self.notify(f"Copied to the {where}.")

    def action_post(self) -> None:
        markers = re.findall(r"⟨([^⟩]*)\?⟩", self.body)
        if markers and not self._confirmed:
            self._confirmed = True
            self._status(f"Still unfilled: {', '.join(markers)} — ctrl+s again to post anyway.")
            return
        self._confirmed = False
        incident_id, name, body = self.incident_id, self.template_name, self.body
        template = self.templates.get(name)
        audience = audience_of(template)

        def posted(result: object) -> None:
            if self.is_attached and self.app.screen is self:
                self.dismiss(None)
            effect = getattr(result, "effect", "")
            self.notify(f"{audience.capitalize()} update posted; {effect}.", markup=False)

        bridge_of(self).write(
            Write(
                lambda room: room.post_update(incident_id, body, audience=audience, template=name),
                "Update posted",
                on_success=posted,
            )
        )

    def action_close(self) -> None:
        if self.body.strip():
            self._keep(self.body)
        self.dismiss(None)

    def action_discard(self) -> None:
        self._keep("")
        self.dismiss(None)

    def _keep(self, body: str) -> None:
        """Save the draft (it survives closing the console); an empty body discards it."""
        incident_id, name = self.incident_id, self.template_name
        if body.strip():
            write = Write(lambda room: room.save_draft(incident_id, name, body), "Draft kept")
        else:
            write = Write(lambda room: room.discard_draft(incident_id), "Draft discarded")
        bridge_of(self).write(write)
