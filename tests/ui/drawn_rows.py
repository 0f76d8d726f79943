"""A pane's rows as it draws them, and as Textual draws its whole text (`Static`):
the panes that draw their own rows (`ShownLines`) are compared with the two."""

from __future__ import annotations

from textual.strip import Strip
from textual.widgets import Static


def drawn(pane: Static) -> list[Strip]:
    """The content rows the pane draws."""
    return [pane.render_line(y) for y in range(pane.size.height)]


def as_textual_draws(pane: Static) -> list[Strip]:
    """The content rows Textual draws from the pane's whole text (`Static`)."""
    pane._render_content()  # noqa: SLF001 - the way the pane was drawn before
    rows = list(pane._render_cache.lines)  # noqa: SLF001
    blank = Strip.blank(pane.size.width, pane.visual_style.rich_style)
    return rows + [blank] * (pane.size.height - len(rows))


def cells(strip: Strip) -> list[tuple[str, object]]:
    """Each cell's character and style (the offset a selection reads included)."""
    return [(ch, style) for text, style, _ in strip for ch in text]


def assert_drawn_as_textual_draws(pane: Static) -> None:
    ours, textuals = drawn(pane), as_textual_draws(pane)
    assert [s.text for s in ours] == [s.text for s in textuals]
    assert [cells(s) for s in ours] == [cells(s) for s in textuals]
