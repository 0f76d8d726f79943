"""How a timeline entry reads as text: its kind's label, its text with what
happened to it, and that text wrapped to the column (in terminal cells)."""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len, chop_cells

from warroom.domain.timeline_state import ShownEntry
from warroom.domain.visible import visible, visible_line

KIND_LABELS = {
    "todo": "TODO",
    "sla_breach": "BREACH",
    "update_posted": "update",
    "escalation": "escalate",
    "root-cause": "cause",
    "went-well": "well",
    "went-wrong": "wrong",
    "follow_up": "follow-up",
    "postmortem": "post-mort",
}
MARK_W, TIME_W, AUTHOR_W, KIND_W = 2, 11, 13, 9
TEXT_INDENT = MARK_W + TIME_W + AUTHOR_W + KIND_W + 3


def kind_label(kind: str) -> str:
    return visible_line(KIND_LABELS.get(kind, kind))


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap `text` to `width` cells, hard-breaking words that are too long.

    Wide characters (CJK, emoji) count two cells, as the terminal draws them.
    """
    width = max(8, width)
    # ASCII (controls already made visible) is one cell a character: len is exact and fast
    cells = len if text.isascii() else cell_len
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:  # after `visible`, only a newline breaks one
        line = ""
        for word in paragraph.split(" "):
            while cells(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                head = word[:width] if cells is len else chop_cells(word, width)[0]
                lines.append(head)
                word = word[len(head) :]
            candidate = f"{line} {word}" if line else word
            if cells(candidate) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def display_text(item: ShownEntry) -> str:
    """An entry's text with what happened to it: edited, or struck and why; its own
    lines kept, every control character (tabs aside: a space) made visible."""
    entry = item.entry
    reason = str(entry.data.get("reason") or "no reason given") if item.struck else ""
    return _display(entry.text, entry.author, item.struck, item.edited, reason)


def _display(text: str, author: str, struck: bool, edited: bool, reason: str) -> str:
    if struck:
        text = f"{text}  ✗ struck by {author}: {reason}"
    elif edited:
        text = f"{text}  (edited by {author})"
    return visible(text).replace("\t", " ")


def wrapped(item: ShownEntry, width: int) -> tuple[str, ...]:
    """`display_text(item)` wrapped to `width` cells, kept for the entries drawn lately:
    the timeline asks again for every line of an entry it draws and for every layout."""
    entry = item.entry
    reason = str(entry.data.get("reason") or "no reason given") if item.struck else ""
    return _wrapped(entry.text, entry.author, item.struck, item.edited, reason, width)


def line_count(item: ShownEntry, width: int) -> int:
    """How many lines `wrapped(item, width)` has. A plain line that fits (printable
    ASCII: what `visible` leaves as it is) is one, counted without wrapping: a
    selection lays out every entry of its timeline on the key, and the kept wraps
    (`_wrapped`) hold a few dozen incidents' entries, not a thousand incidents'."""
    text = item.entry.text
    fits = len(text) <= max(8, width) and text.isascii() and text.isprintable()
    if fits and not item.edited and not item.struck:
        return 1
    return len(wrapped(item, width))


@lru_cache(maxsize=8192)
def _wrapped(
    text: str, author: str, struck: bool, edited: bool, reason: str, width: int
) -> tuple[str, ...]:
    return tuple(wrap(_display(text, author, struck, edited, reason), width))
