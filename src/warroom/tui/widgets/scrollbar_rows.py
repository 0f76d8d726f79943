"""A vertical scrollbar's rows, each kind of row the very `Strip` drawn before.

Textual draws a scrollbar as a Rich renderable (`ScrollBarRender`): each repaint
lays the bar out, styles each segment and cuts the lines into new `Strip`s, and
every later step keeps its work on those objects: the finish (`StylesCache`), the
app's line filters, the compositor's cuts and the terminal text. A j/k repaints the
timeline's bar (the thumb of another incident's timeline), 12 rows of a few kinds
only: the track above and below the thumb, the thumb, its two ends. `ScrollbarRows`
lays the bar out as Textual does (`ScrollBarRender.render_bar`, with the colours and
sizes `ScrollBarRender.__rich_console__` gives it, each segment under the widget's
style as `Widget.post_render` puts it) and hands back, for a row that looks as one
drawn before (its text and style, the mouse actions in the style's meta too), that
row's `Strip`: kept by the bar's `KeptStrips`, its finish, filters and cuts are
found on it.
"""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.cache import LRUCache
from textual.css.styles import RulesMap
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RichVisual, Visual
from textual.widget import Widget

# rows kept by look: a bar in one set of colours has at most 18 kinds (the track above
# and below, the thumb, 7 glyphs for each end, the bare track of a bar whose content
# fits), and a bar shows three sets (plain, hover, grab)
KINDS = 64

# a row as it looks: its text and its style (meta included)
Look = tuple[str, RichStyle]

# the colours `ScrollBarRender.__rich_console__` draws with when the style has none
BACK = RichColor.parse("#555555")
BAR = RichColor.parse("bright_magenta")


def kept_rows() -> LRUCache[Look, Strip]:
    """Where a bar keeps its rows by look, from one repaint to the next."""
    return LRUCache(KINDS)


class ScrollbarRows(Visual):
    """The rows of a vertical `ScrollBarRender` as Textual draws them, each kind once."""

    def __init__(self, bar: Widget, drawn: ScrollBarRender, kept: LRUCache[Look, Strip]) -> None:
        self._bar = bar
        self._drawn = drawn
        self._kept = kept

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        drawn = self._drawn
        if width < 1 or not height:
            # (nothing to show; Textual would ask the console for its size)
            return RichVisual(self._bar, drawn).render_strips(width, height, style, options)
        colours = self._bar.app.console.get_style(drawn.style)
        segments = drawn.render_bar(
            size=height,
            virtual_size=drawn.virtual_size,
            window_size=drawn.window_size,
            position=drawn.position,
            thickness=width,
            vertical=True,
            back_color=colours.bgcolor or BACK,
            bar_color=colours.color or BAR,
        )
        base = style.rich_style
        kept = self._kept
        rows = []
        for segment in segments.segments:
            # (`base + style` is what `_Styled` makes; Rich keeps the sums it made)
            look = (segment.text, base + segment.style)
            row = kept.get(look)
            if row is None:
                row = kept[look] = Strip([Segment(*look)], width)
            rows.append(row)
        return rows

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return RichVisual(self._bar, self._drawn).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return RichVisual(self._bar, self._drawn).get_height(rules, width)
