"""The same finished line for the same drawn line: what makes a scroll cheap.

Textual finishes each line a widget draws (`StylesCache.render_line`: its border,
padding, tint and opacity) into a new `Strip`, and every later step keeps its work
on that object: the app's line filters (`Strip.apply_filter`), the compositor's
cuts (`Strip.divide`) and the terminal text (`Strip.render`). Its own cache is by
screen row, so when the timeline scrolls by one line (an entry from another
console) every row is finished, filtered, cut and turned into text again, although
each shows a line that was on the screen a moment before, one row lower.

`KeptStrips` hands back the very `Strip` it finished before for a line the widget
drew before (the widget returns the same `Strip` object for the same content, as
`TimelineView` does from its own cache), and the border rows as finished before
while the titles they show are the same, as long as nothing the finish depends on
has changed (the widget's size, border, padding, outline, hatch, tint, opacity,
backgrounds and the ANSI theme): then the filters, cuts and text made for it are
found on it. Anything else (a style change, an outline) is finished as Textual
does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.terminal_theme import TerminalTheme
from textual._ansi_theme import DEFAULT_TERMINAL_THEME
from textual._styles_cache import StylesCache
from textual.cache import LRUCache
from textual.color import Color
from textual.content import Content
from textual.css.styles import StylesBase
from textual.filter import LineFilter
from textual.geometry import Region, Size, Spacing
from textual.strip import Strip
from textual.style import Style

# lines finished and kept: a screen's worth twice over, for the tallest terminals
KEPT = 512


def _label(label: tuple[Content, Color, Color, Style] | None) -> tuple[object, ...] | None:
    """A border title as it shows: its text, its spans' styles and its colours
    (`Content` compares by text alone)."""
    if label is None:
        return None
    content, *colours = label
    return (content.plain, tuple(content.spans), *colours)


class KeptStrips(StylesCache):
    """A `StylesCache` that finishes each drawn content line once."""

    def __init__(self) -> None:
        super().__init__()
        # id of a drawn line -> (that line, the line finished)
        self._finished: LRUCache[int, tuple[Strip, Strip]] = LRUCache(KEPT)
        self._finish: tuple[object, ...] | None = None  # what the finished lines used
        # the border and padding rows, by row: (the titles they show, the row finished)
        self._edges: dict[int, tuple[tuple[object, ...], Strip]] = {}
        self._rows: tuple[int, int] = (0, 0)  # the content rows (others: Textual's way)

    def render(
        self,
        styles: StylesBase,
        size: Size,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        filters: Sequence[LineFilter],
        border_title: tuple[Content, Color, Color, Style] | None,
        border_subtitle: tuple[Content, Color, Color, Style] | None,
        content_size: Size | None = None,
        padding: Spacing | None = None,
        crop: Region | None = None,
        opacity: float = 1.0,
        ansi_theme: TerminalTheme = DEFAULT_TERMINAL_THEME,
        native_ansi: bool = False,
    ) -> list[Strip]:
        gutter = styles.gutter
        finish = (
            size,
            content_size,
            padding if padding is not None else styles.padding,
            gutter,
            styles.border,
            styles.outline,
            styles.hatch if styles.has_rule("hatch") else None,
            styles.tint,
            styles.text_opacity,
            base_background,
            background,
            opacity,
            ansi_theme,
            native_ansi,
        )
        if finish != self._finish:
            self._finished.clear()
            self._edges.clear()
            self._finish = finish
        outline = styles.outline
        if any(edge for edge, _color in outline):
            self._rows = (0, 0)  # outlines draw over content rows: Textual's way throughout
        else:
            self._rows = (gutter.top, size.height - gutter.bottom)
        return super().render(
            styles,
            size,
            base_background,
            background,
            render_content_line,
            filters,
            border_title,
            border_subtitle,
            content_size,
            padding,
            crop,
            opacity,
            ansi_theme,
            native_ansi,
        )

    def render_line(
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        border_title: tuple[Content, Color, Color, Style] | None,
        border_subtitle: tuple[Content, Color, Color, Style] | None,
        opacity: float,
        ansi_theme: TerminalTheme,
        native_ansi: bool,
    ) -> Strip:
        first, end = self._rows
        content_y = y - first
        if not first <= y < end or content_y >= content_size.height:
            # a border or padding row: drawn from the styles and the title alone
            edge = (
                _label(border_title),
                _label(border_subtitle),
                styles.border_title_align,
                styles.border_subtitle_align,
            )
            kept_edge = self._edges.get(y)
            if self._rows != (0, 0) and kept_edge is not None and kept_edge[0] == edge:
                return kept_edge[1]
            strip = super().render_line(
                styles,
                y,
                size,
                content_size,
                padding,
                base_background,
                background,
                render_content_line,
                border_title,
                border_subtitle,
                opacity,
                ansi_theme,
                native_ansi,
            )
            self._edges[y] = (edge, strip)
            return strip
        drawn = render_content_line(content_y)
        kept = self._finished.get(id(drawn))
        if kept is not None and kept[0] is drawn:
            return kept[1]
        finished = super().render_line(
            styles,
            y,
            size,
            content_size,
            padding,
            base_background,
            background,
            lambda _y: drawn,
            border_title,
            border_subtitle,
            opacity,
            ansi_theme,
            native_ansi,
        )
        self._finished[id(drawn)] = (drawn, finished)
        return finished
