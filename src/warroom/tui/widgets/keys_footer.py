"""The footer, led by where the keys go now.

A scribe who thinks the entry line has the focus fires actions instead (`e`
pages, `a` acks). So the footer starts by naming the pane that takes the keys;
while the entry line has the focus it says TYPING and offers only what the
entry line does (Enter logs, Esc leaves), since letters go into the entry.

Textual recomposes a footer each time the bindings may have changed (focus
moves, a screen resumes, start-up); this one recomposes only when what it shows
would change, so start-up and moving between panes do not rebuild ~20 keys for
the same line.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

# the focused widget's id -> what the footer calls it
PANES = {
    "incidents": "incident list",
    "timeline": "timeline",
    "checklist": "checklist",
    "follow-ups": "follow-ups",
    "alerts": "alerts",
}
TYPING_ID = "entry-input"
# what the entry line does while it has the focus (its bindings and the palette)
TYPING_ACTIONS = frozenset(
    {"submit", "screen.leave_entry", "command_palette", "app.command_palette"}
)


def keys_go_to(focused: Widget | None) -> str:
    """Where the keys go: a pane's name, "typing", or "" (nothing focused)."""
    if focused is None or focused.id is None:
        return ""
    if focused.id == TYPING_ID:
        return "typing"
    return PANES.get(focused.id, "")


class KeysFooter(Footer):
    """Footer keys, after a label saying which pane they act on."""

    DEFAULT_CSS = """
    KeysFooter FooterLabel.keys-to {
        text-style: bold reverse;
        margin: 0 1 0 0;
        padding: 0 1;
    }
    """

    _shown: object = None  # what the keys on screen were composed from

    def _what_shows(self) -> object:
        """Everything `compose` reads: the same value, the same footer."""
        if not self._bindings_ready or not self.is_attached:
            return None
        where = keys_go_to(self.screen.focused)
        keys = tuple(
            (binding, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
        )
        return (where, keys, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE)

    async def recompose(self) -> None:
        shows = self._what_shows()
        if shows is not None and shows == self._shown:
            return  # the keys on screen are these already
        await super().recompose()

    def compose(self) -> ComposeResult:
        self._shown = self._what_shows()
        where = keys_go_to(self.screen.focused) if self.is_attached else ""
        if where == "typing":
            yield FooterLabel(Text("✎ TYPING: letters go into the entry"), classes="keys-to")
        elif where:
            yield FooterLabel(Text(f"keys → {where}"), classes="keys-to")
        typing = where == "typing"
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if typing and widget.action not in TYPING_ACTIONS:
                    continue  # a letter types itself here: its action is not offered
                if not widget.has_class("-command-palette"):  # the one key not bound
                    # bound to the footer's compactness: born with it (its own default,
                    # then the bound value, each restyled it as it mounted: ~40 passes)
                    widget.set_reactive(FooterKey.compact, self.compact)
                    widget.set_class(self.compact, "-compact", update=False)
            yield widget
