"""The console's last guard: no control character reaches the terminal.

Widgets show stored text through `warroom.domain.visible` (`␛`, `⟨U+009B⟩`),
so a person sees what is there. Rich and Textual strip only BEL, BS, VT, FF
and CR from text (`rich.control.strip_control_codes`); ESC, the other C0
controls, DEL, C1 (U+0080–U+009F), U+2028/2029 and bidi overrides pass through
to the terminal in a `Segment`. This line filter runs on every rendered line
of every widget (inputs, toasts and the command palette included) and drops
any of them that is still there. Dropping keeps widths right: each counts
zero cells. Registered once on the app: `self._filters.append(DropControlCharacters())`.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

# what a terminal could act on, or what could reorder the line (see domain/visible.py)
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class DropControlCharacters(LineFilter):
    """Remove control characters from the text of rendered segments."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """The segments with every control character dropped from their text.

        Segments that carry a terminal control of Textual's own (`control` set)
        are left alone; a segment whose text was only control characters goes.
        """
        if not any(s.control is None and UNSAFE.search(s.text) for s in segments):
            return segments
        cleaned = []
        for segment in segments:
            text, style, control = segment
            if control is None and UNSAFE.search(text):
                text = UNSAFE.sub("", text)
                if not text:
                    continue
                segment = Segment(text, style)
            cleaned.append(segment)
        return cleaned
