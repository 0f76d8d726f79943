"""A paste stays one paste, whatever it holds.

Textual's xterm parser (8.2) reads an ESC inside a bracketed paste as the start of
an escape sequence: it keeps the ESC in the paste but sends the characters after
it to the app as key presses, which arrive before the `Paste` event. A pasted
block whose second line held `\\e[31mred` was logged out of order, part of it as
keys. Most terminals strip ESC from what they paste; tmux's `paste-buffer -p`,
some SSH clients and a browser's terminal pass it on.

`PasteSafeParser` stands each ESC inside a paste in for a character no terminal
sends (a Unicode noncharacter) before the parser sees it, and puts the ESC back
in the `Paste` event, so the paste arrives whole, in order, as it was copied.
Everything outside a paste goes to the parser untouched. The entry line shows an
ESC as `␛` (domain/visible.py), so nothing pasted can drive the terminal.

`for_field` keeps a paste of several lines whole in a one-line form field: Textual's
Input keeps only the first line, so the rest of a pasted description was lost. The
lines go in joined by spaces (the entry line, which logs one entry per line, says
so with `TAKES_LINES`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from textual import _xterm_parser, events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
STAND_IN = "\ufdd0"  # a noncharacter: reserved for a program's own use, never typed

DRIVER_MODULES = (
    "textual.drivers.linux_driver",
    "textual.drivers.linux_inline_driver",
    "textual.drivers.web_driver",
)


def _partial_marker(text: str, marker: str) -> int:
    """How many characters at the end of `text` could begin `marker` (0 if none)."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


class PasteSafeParser(_xterm_parser.XTermParser):
    """Textual's parser, with ESC inside a bracketed paste kept as pasted text."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._in_paste = False
        self._held = ""  # inside a paste: the end of a read that may begin the end marker
        self._recent = ""  # outside a paste: the last characters passed on, which may
        # begin a start marker that the next read completes

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input: what was held goes as it came
            held, self._held = self._held, ""
            parsed = list(super().feed(held)) if held else []
            return self._restored([*parsed, *super().feed("")])
        held, self._held = self._held, ""
        guarded = self._guard(held + data)
        if not guarded:  # all of it held (an end marker cut in two): "" would mean the end
            return []
        return self._restored(super().feed(guarded))

    def tick(self) -> Iterable[Message]:
        return self._restored(super().tick())

    def _guard(self, text: str) -> str:
        """`text` with each ESC inside a paste stood in for. Inside a paste, an end marker
        cut by the read's end is held for the next read; outside, nothing is held (a lone
        ESC is the escape key), and a start marker cut in two is found across the reads."""
        out: list[str] = []
        at = 0
        while at < len(text):
            if self._in_paste:
                end = text.find(PASTE_END, at)
                if end < 0:
                    rest = text[at:]
                    cut = _partial_marker(rest, PASTE_END)
                    out.append(rest[: len(rest) - cut].replace(ESC, STAND_IN))
                    self._held = rest[len(rest) - cut :]
                    return "".join(out)
                out.append(text[at:end].replace(ESC, STAND_IN))
                out.append(PASTE_END)
                at = end + len(PASTE_END)
                self._in_paste = False
                self._recent = ""
            else:
                seen = self._recent + text[at:]
                start = seen.find(PASTE_START)
                if start < 0:
                    out.append(text[at:])
                    self._recent = seen[-(len(PASTE_START) - 1) :]
                    return "".join(out)
                after = start + len(PASTE_START) - len(self._recent)  # in text[at:]
                out.append(text[at : at + after])
                at += after
                self._in_paste = True
                self._recent = ""
        return "".join(out)

    @staticmethod
    def _restored(messages: Iterable[Message]) -> list[Message]:
        shown: list[Message] = []
        for message in messages:
            if isinstance(message, events.Paste) and STAND_IN in message.text:
                message = events.Paste(message.text.replace(STAND_IN, ESC))
            shown.append(message)
        return shown


def guard_pastes() -> None:
    """Make the terminal drivers read input with `PasteSafeParser` (idempotent)."""
    _xterm_parser.XTermParser = PasteSafeParser  # type: ignore[misc]
    for name in DRIVER_MODULES:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "XTermParser", None) is not PasteSafeParser:
            module.XTermParser = PasteSafeParser  # type: ignore[attr-defined]


def for_field(paste: events.Paste, target: Widget) -> events.Paste:
    """The paste as `target` should take it: a one-line field gets its lines joined."""
    if not isinstance(target, Input) or getattr(target, "TAKES_LINES", False):
        return paste
    if "\n" not in paste.text and "\r" not in paste.text:
        return paste
    lines = [line.strip() for line in paste.text.splitlines()]
    return events.Paste(" ".join(line for line in lines if line))
