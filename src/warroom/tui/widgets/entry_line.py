"""The scribe's line: always there, `l` to focus, Enter to log.

The kind shows beside the input as you type its prefix (`d:` decision,
`a:` action, `f:` finding, `t:` TODO, `n:` note); a leading `HH:MM` backdates.
The line clears in the same step that takes its text, so keys typed right
behind Enter start the next entry; a paste of several lines logs one entry per
line, in order. If a write fails, the text comes back into the line (nothing
typed is lost).

Typing is a mode you can see: while the input has the focus the line opens into
a heavy box titled TYPING (and the footer says so), so nobody fires `e` or `a`
thinking they are typing, or types into the list thinking they are logging.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input, Static

from warroom.domain.entries import without_leading_time
from warroom.domain.vocabulary import split_entry_prefix
from warroom.tui.widgets.timeline_text import kind_label


class LineInput(Input):
    """An Input that hands over each typed or pasted line exactly once."""

    TAKES_LINES = True  # a pasted block comes here whole: one entry per line

    # Input sets its virtual size on every change of value (each key, each Enter), and
    # Widget's reactive lays the whole screen out again for it (~5-14 ms at 1,000
    # incidents, a frame of its own). The line's box is fixed by the style sheet and a
    # ScrollView keeps its own virtual size through a layout, so the new width needs
    # only the repaint the new value gets anyway (scrolling reads the size directly).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    @dataclass
    class Lines(Message):
        """Lines to log, in the order typed (the line is already clear)."""

        lines: list[str]

    async def action_submit(self) -> None:
        text, self.value = self.value, ""  # one step: nothing typed after Enter joins it
        if text.strip():
            self.post_message(self.Lines([text]))

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # Input's own handler would insert the first line again
        if "\n" not in event.text and "\r" not in event.text:
            self.insert_text_at_cursor(event.text)  # one line: edit it before Enter
            return
        before, after = self.value[: self.cursor_position], self.value[self.cursor_position :]
        self.value = ""
        lines = [line for line in (before + event.text + after).splitlines() if line.strip()]
        if lines:
            self.post_message(self.Lines(lines))


IDLE_HINT = "press l to log an entry (keys act on the heavy-bordered pane)"
TYPING_HINT = "d: decision  a: action  f: finding  t: TODO  cause: root cause  HH:MM backdates"
TYPING_TITLE = "✎ TYPING an entry · Enter logs it · Esc back to the list"


class EntryLine(Horizontal):
    """A kind badge and an input; posts Submitted with the raw typed text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "screen.leave_entry", "Back to list"),
        Binding("enter", "submit", "Log entry", show=True, priority=False),
    ]

    @dataclass
    class Submitted(Message):
        text: str

    kind = "note"  # the kind the typed prefix gives, as the badge says it
    _badge_text = "note"  # what the badge shows now

    def compose(self) -> ComposeResult:
        yield Static(Text("note"), id="entry-kind")
        yield LineInput(placeholder=IDLE_HINT, id="entry-input", select_on_focus=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.typing(True)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.typing(False)

    def typing(self, on: bool) -> None:
        """Open the line into its TYPING box, or close it back to one row."""
        self.set_class(on, "-typing")
        self.border_title = TYPING_TITLE if on else None
        self.input.placeholder = TYPING_HINT if on else IDLE_HINT
        self._badge(on)

    def _badge(self, typing: bool) -> None:
        """The kind the prefix gives, marked ✎ while typing. Redrawn only when it reads
        differently: `Static.update` lays the whole screen out again (the badge's width
        is fixed), which on each key typed and on each Enter cost a frame of its own."""
        text = f"✎ {self.kind}" if typing else self.kind
        if text != self._badge_text:
            self._badge_text = text
            self.query_one("#entry-kind", Static).update(Text(text))

    async def action_submit(self) -> None:
        await self.input.action_submit()

    @property
    def input(self) -> LineInput:
        return self.query_one("#entry-input", LineInput)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        kind, _ = split_entry_prefix(without_leading_time(event.value))
        self.kind = kind_label(kind)
        self._badge(self.has_class("-typing"))

    def on_line_input_lines(self, event: LineInput.Lines) -> None:
        event.stop()
        for line in event.lines:
            self.post_message(self.Submitted(line))

    def restore(self, text: str) -> None:
        """A write failed: put the text back, ahead of anything typed since."""
        current = self.input.value.strip()
        self.input.value = f"{text} {current}".strip() if current else text
        self.input.cursor_position = len(self.input.value)
