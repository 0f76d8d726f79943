"""Redraw a pane's text without laying the screen out again when it keeps its height.

`Static.update` asks for a layout of the whole screen each time (its height may
change). The selected incident's panes are redrawn on every `j`/`k` and the
clocks once a second, almost always with as many lines as before: then a repaint
of the pane is all it takes, and the screen's layout (every widget placed again)
is kept for when a pane grows or shrinks (`ShownLines.show_lines`, `show_text`).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

_ANY = Size(0, 0)  # a widget that is not a container is measured by its width alone
# (width, content height) each widget's text was last measured at: measured once per text
_MEASURED: WeakKeyDictionary[Widget, tuple[int, int]] = WeakKeyDictionary()


def forget_measure(widget: Widget) -> None:
    """`widget` was redrawn while not laid out yet, or hidden (z): the next layout
    measures it, and what was measured before no longer says its height (else, shown
    again, a text of that old height would not lay it out again)."""
    _MEASURED.pop(widget, None)


def lay_out_if_resized(widget: Widget, width: int, height: int | None) -> None:
    """After `widget` was repainted with new lines `width` wide (`height` rows, or
    None: measured), lay the screen out again if its box follows its lines and their
    height changed."""
    before = _MEASURED.get(widget)
    if height is None:
        height = widget.get_content_height(_ANY, _ANY, width)
    _MEASURED[widget] = (width, height)
    if (
        before != (width, height)
        and widget.styles.height is not None
        and widget.styles.height.is_auto
    ):
        widget.refresh(layout=True)  # its box follows its lines (else its box stays)


def fitted_height(text: Text, width: int) -> int | None:
    """The text's height in rows when every line fits `width` (one row each: nothing
    wraps), without wrapping it (measuring wrapped the pane's text a second time each
    `j`/`k`, besides the frame's own wrap); None when a line may wrap (then measured)."""
    return fitted_rows(text.plain, width)


def fitted_rows(plain: str, width: int) -> int | None:
    """`fitted_height` of a text whose plain characters are `plain`."""
    if "\t" in plain or "\r" in plain:
        return None  # tabs expand, a carriage return splits: measured
    lines = plain.split("\n")
    if all(cell_len(line) <= width for line in lines):
        return len(lines)
    return None
