"""The status-update composer: pick a template, see it filled, edit, copy, post.

ctrl+y copies (OSC 52, which works over SSH, and the local clipboard where
there is one); ctrl+s posts (stored, on the timeline; its audience's update
clock restarts, none once resolved, and the notice says which); Esc closes and
keeps the draft for this incident; ctrl+d discards the draft and stays open on
the template. The fields a person fills (ETA, next steps, root cause, ...) are
the ones the chosen template uses, each labelled.

A saved draft is restored only when it is this person's and the status has not
changed since; anyone else's, or one from before the status changed, is offered
(who saved it and when; ctrl+o opens it) and the suggested template shows.
Each is one `Write` through the bridge; a refused post leaves the composer open
with the text as typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from warroom.composer import Draft, PostedUpdate, audience_of
from warroom.domain.template_context import unfilled_markers
from warroom.domain.templates import Template, placeholder_label
from warroom.domain.visible import visible_line
from warroom.tui.bridge import Write, bridge_of

Filler = Callable[[str, dict[str, str]], str]


def restores(
    draft: Draft, templates: dict[str, Template], me: str, status_changed_at: dt.datetime | None
) -> bool:
    """Whether a saved draft opens in place of the template: it is `me`'s own and the
    status has not changed since it was saved (else it is only offered)."""
    fresh = status_changed_at is None or draft.updated_at >= status_changed_at
    return draft.template in templates and draft.author == me and fresh


class ComposerScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the text area has its own ctrl+y (redo) and ctrl+d (delete)
        Binding("ctrl+y", "copy", "Copy", priority=True),
        Binding("ctrl+s", "post", "Post", priority=True),
        Binding("ctrl+r", "refill", "Refill", priority=True),
        Binding("ctrl+d", "discard", "Discard draft", priority=True),
        Binding("ctrl+o", "open_draft", "Open the saved draft", priority=True),
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
        *,
        me: str = "",
        said_when: Callable[[dt.datetime], str] = lambda at: f"{at:%H:%M}",
        free_values: dict[str, str] | None = None,
        status_changed_at: dt.datetime | None = None,
    ) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.templates = templates
        self.fill = fill
        self.posted = posted
        self.said_when = said_when
        restored = draft is not None and restores(draft, templates, me, status_changed_at)
        self.draft = draft if restored else None  # the draft the body opens with
        self.offered = None if restored else draft  # kept, offered with ctrl+o
        self.template_name = draft.template if draft and restored else suggested
        # typed in the free fields, across templates (the opener's dict: Esc keeps them)
        self.free_values: dict[str, str] = free_values if free_values is not None else {}
        self._filled = ""  # the text as last filled, to tell hand edits apart
        # posting with unfilled markers needs a second ctrl+s, for those very markers
        self._confirmed: tuple[str, ...] | None = None

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
            yield Vertical(*self._free_rows(), id="free-fields")
            yield TextArea(id="body", soft_wrap=True)
            yield Label(
                "ctrl+s post · ctrl+y copy · ctrl+r refill · ctrl+d discard draft · "
                "ctrl+o open a kept draft · Esc close (keeps edits)",
                id="composer-keys",
            )
            yield Label("", id="composer-status")
            yield Static(self._posted_text(), id="posted")

    def _free_rows(self) -> list[Horizontal]:
        """One labelled input per free field the chosen template uses."""
        template = self.templates.get(self.template_name)
        rows = []
        for name in template.free_fields if template else ():
            label = placeholder_label(name)
            rows.append(
                Horizontal(
                    Label(f"{label[:1].upper()}{label[1:]}:", classes="free-label"),
                    Input(
                        self.free_values.get(name, ""),
                        placeholder=f"type the {label}; the text below fills in",
                        id=f"free-{name}",
                        classes="free-input",
                        compact=True,
                    ),
                    classes="free-row",
                )
            )
        return rows

    def on_resize(self) -> None:
        # a short terminal (80x24) gives the text the rows: the posted list goes
        self.set_class(self.size.height < 30, "-short")

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
            self._status(f"Draft restored ({self._saved(self.draft)}).")
        else:
            self.action_refill()
            if self.offered is not None:
                self._status(
                    f"A draft is kept ({self._saved(self.offered)}, "
                    f"{visible_line(self.offered.template)}): ctrl+o opens it in place of this."
                )
        body.focus()

    def _saved(self, draft: Draft) -> str:
        return f"saved {self.said_when(draft.updated_at)} by {visible_line(draft.author)}"

    def _free(self) -> dict[str, str]:
        template = self.templates.get(self.template_name)
        return {n: self.free_values.get(n, "") for n in (template.free_fields if template else ())}

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

    async def _show_free_fields(self) -> None:
        fields = self.query_one("#free-fields", Vertical)
        await fields.remove_children()
        await fields.mount_all(self._free_rows())

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.value != self.template_name and isinstance(event.value, str):
            self.template_name = event.value
            await self._show_free_fields()
            self._refill_if_untouched()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("free-"):
            self.free_values[event.input.id.removeprefix("free-")] = event.value
        if self._filled:
            self._refill_if_untouched()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a free field: the next one, and from the last, the text."""
        event.stop()
        inputs = list(self.query(".free-input").results(Input))
        at = inputs.index(event.input) if event.input in inputs else len(inputs) - 1
        if at + 1 < len(inputs):
            inputs[at + 1].focus()
        else:
            self.query_one("#body", TextArea).focus()

    async def action_open_draft(self) -> None:
        """Open the kept draft (someone else's, or from an earlier phase) in place of the text."""
        if (draft := self.offered) is None:
            self._status("No other draft is kept for this incident.")
            return
        self.offered, self.draft = None, draft
        if draft.template in self.templates and draft.template != self.template_name:
            self.template_name = draft.template  # before the select says so: no refill
            self.query_one("#template", Select).value = draft.template
            await self._show_free_fields()
        self.query_one("#body", TextArea).text = draft.body
        self._filled = ""
        self._status(f"Draft opened ({self._saved(draft)}).")

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
        # the one rule for what a marker is (the CLI's `post` refuses by it too)
        markers = tuple(dict.fromkeys(unfilled_markers(self.body)))
        if markers and markers != self._confirmed:  # new ones since the last ask: ask again
            self._confirmed = markers
            self._status(f"Still unfilled: {', '.join(markers)} — ctrl+s again to post anyway.")
            return
        self._confirmed = None
        incident_id, name, body = self.incident_id, self.template_name, self.body
        template = self.templates.get(name)
        audience = audience_of(template)

        def posted(result: object) -> None:
            self.free_values.clear()  # the next update is asked afresh
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
        """Close; text edited by hand or filled with typed fields (or a draft opened) is
        kept as the draft. The bare template is not: it fills again next time, and a
        draft someone else kept stays."""
        typed = any(v.strip() for v in self._free().values())
        if self.body.strip() and (self.body != self._filled or typed):
            self._keep(self.body)
        self.dismiss(None)

    async def action_discard(self) -> None:
        """Discard the saved draft and start again from the template (its fields empty);
        the composer stays."""
        self._keep("")
        self.draft = self.offered = None
        self.free_values.clear()
        await self._show_free_fields()
        self.action_refill()
        self._status("Draft discarded: the text is the template again.")

    def _keep(self, body: str) -> None:
        """Save the draft (it survives closing the console); an empty body discards it."""
        incident_id, name = self.incident_id, self.template_name
        if body.strip():
            write = Write(lambda room: room.save_draft(incident_id, name, body), "Draft kept")
        else:
            write = Write(lambda room: room.discard_draft(incident_id), "Draft discarded")
        bridge_of(self).write(write)
