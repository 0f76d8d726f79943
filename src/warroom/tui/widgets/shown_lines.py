"""A pane of a few styled lines that draws only the rows that show, each once.

`Static` draws its whole text each time it is refreshed: every line of it turned
into `Content`, wrapped and formatted (`Widget._render_content`), although a pane
in the clocks column shows 6 to 10 of the ladder's ~17 lines, and a j/k redraws
each pane for the incident it moves to. `ShownLines` keeps the `Static` (its
`content`, its measured height, a mouse selection: the text is made when one of
them asks, not for each incident shown) and draws a row when the compositor asks
for it. A line that fits the pane is one segment in the style `Content` gives it
(the pane's style under the line's, the offset a selection reads); a wider one is
wrapped as `Content` wraps it. The rows are kept until the lines, the width or the
styles change, and a line shown before at the same place (the title, a rung whose
countdown did not move) keeps its very `Strip`, so its finish is kept too
(`KeptStrips`).

Each line is one style: a component class of the pane (read when drawn, so a
theme change shows in the next frame), a style such as "dim", or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, cast

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.content import Content, Span
from textual.css.types import TextAlign, TextOverflow
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, VisualType, visualize
from textual.widgets import Static

from warroom.tui.widgets.in_place import fitted_rows, forget_measure, lay_out_if_resized
from warroom.tui.widgets.kept_strips import KeptStrips

# a pane's line: (its text, its style: a component class, a style, or "")
Line = tuple[str, str]


class DrawnFor(NamedTuple):
    """What the rows were drawn for: the width, the widget's style, the text rules."""

    width: int
    base: Style
    align: TextAlign
    overflow: TextOverflow
    no_wrap: bool
    line_pad: int


def rstripped(lines: Sequence[Line]) -> tuple[Line, ...]:
    """The lines as `Text.rstrip` leaves them joined: blank lines at the end dropped
    and the last one's trailing spaces (the pane's text has always been stripped)."""
    kept = list(lines)
    while kept and not kept[-1][0].strip():
        kept.pop()
    if not kept:
        return (("", ""),)
    text, style = kept[-1]
    kept[-1] = (text.rstrip(), style)
    return tuple(kept)


class ShownLines(Static):
    """A `Static` of styled lines, drawn a row at a time (see the module)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._styles_cache = KeptStrips()
        self._shown_lines: tuple[Line, ...] = (("", ""),)
        # the rows drawn so far for the lines (a wrapped line: several), and the first
        # line not drawn yet: a row is drawn when it is asked for
        self._rows: list[Strip] = []
        self._next_line = 0
        # what the rows were drawn for (the width, the widget's style and text rules)
        self._drawn_for: DrawnFor | None = None
        # the rows each line was drawn as, by (line number, text, style), for these
        # lines and the ones before: a line shown again at the same place is reused
        self._kept: dict[tuple[int, str, str], list[Strip]] = {}
        self._kept_before: dict[tuple[int, str, str], list[Strip]] = {}
        self._styles: dict[str, Style] = {}  # the lines' styles, by name, for the rows
        self._segment_styles: dict[tuple[str, int], RichStyle] = {}  # by name and line
        self._blank: Strip | None = None  # a row under the lines (the same, finished once)
        self._in_pass: bool | None = None  # in a pass: whether the rows are drawn here
        # the text and the visual a `Static` would hold, made when asked for
        self._text: Text | None = None
        self._visual: Visual | None = None

    def show_lines(self, lines: Sequence[Line]) -> None:
        """Show `lines`; the screen is laid out again only when a height-auto pane's
        number of rows changes (`lay_out_if_resized`)."""
        self._shown_lines = rstripped(lines)
        self._rows, self._next_line = [], 0
        if self._kept:  # (lines replaced before any row of them was drawn: the older kept)
            self._kept_before, self._kept = self._kept, {}
        self._text = self._visual = None
        width = self.content_region.width if self.is_mounted else 0
        if width <= 0:
            forget_measure(self)  # not laid out yet, or hidden: the next layout measures it
            self.refresh(layout=True)
            return
        self.refresh()
        plain = "\n".join(text for text, _style in self._shown_lines)
        lay_out_if_resized(self, width, fitted_rows(plain, width))

    @property
    def content(self) -> Text:
        """The pane's text as a `Static` would hold it, made when something asks for
        it (a mouse selection, a wrapped pane's height): not for each incident shown."""
        if self._text is None:
            self._text = Text()
            last = len(self._shown_lines) - 1
            for index, (line, style) in enumerate(self._shown_lines):
                end = "" if index == last else "\n"
                self._text.append(line + end, style=self._rich_style(style) if style else "")
        return self._text

    @content.setter
    def content(self, content: VisualType) -> None:
        raise AttributeError("a pane's lines are set with show_lines")

    @property
    def visual(self) -> Visual:
        """What `Static` draws (`render`): the text, made into `Content` when asked for."""
        if self._visual is None:
            self._visual = visualize(self, self.content, markup=self._render_markup)
        return self._visual

    def _rich_style(self, style: str) -> str | RichStyle:
        if style in self.COMPONENT_CLASSES:
            return self.get_component_rich_style(style)
        return style

    def notify_style_update(self) -> None:
        self._drawn_for = None  # a theme, a class (`-overdue`): drawn anew
        self._text = self._visual = None
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        # what the rows are drawn for, checked once a pass rather than once a row
        self._in_pass = self._check_drawn_for()
        try:
            return super().render_lines(crop)
        finally:
            self._in_pass = None

    def _check_drawn_for(self) -> bool:
        """Whether the rows can be drawn here (else Static's way), the rows drawn
        before dropped when the width or a style changed."""
        styles = self.styles
        if self.text_selection is not None or styles.content_align != ("left", "top"):
            return False  # a mouse selection, an alignment: Static's way
        get_rule = styles.get_rule
        drawn_for = DrawnFor(
            self.size.width,
            self.visual_style,
            cast(TextAlign, get_rule("text_align", "left")),
            cast(TextOverflow, get_rule("text_overflow", "fold")),
            get_rule("text_wrap", "wrap") == "nowrap",
            cast(int, get_rule("line_pad", 0)),
        )
        if drawn_for != self._drawn_for:
            self._drawn_for = drawn_for
            self._rows, self._next_line = [], 0
            self._kept, self._kept_before = {}, {}
            self._styles, self._segment_styles = {}, {}
            self._blank = None
        return True

    def render_line(self, y: int) -> Strip:
        if not (self._check_drawn_for() if self._in_pass is None else self._in_pass):
            return super().render_line(y)
        while len(self._rows) <= y and self._next_line < len(self._shown_lines):
            self._draw_next()
        if y < len(self._rows):
            return self._rows[y]
        assert self._drawn_for is not None
        if self._blank is None:
            self._blank = Strip.blank(self._drawn_for.width, self._drawn_for.base.rich_style)
        return self._blank

    def _draw_next(self) -> None:
        number = self._next_line
        self._next_line += 1
        text, style = self._shown_lines[number]
        key = (number, text, style)
        rows = self._kept.get(key) or self._kept_before.get(key)
        if rows is None:
            rows = self._draw(number, text, style)
        self._kept[key] = rows
        self._rows.extend(rows)

    def _draw(self, number: int, text: str, style: str) -> list[Strip]:
        """The rows of one line, as `Content.render_strips` draws them in the whole
        text (the line's number in the segments' offsets, for a mouse selection)."""
        assert self._drawn_for is not None
        width, base, align, overflow, no_wrap, line_pad = self._drawn_for
        if (
            text.isprintable()  # (no tab, no control code for `Content` to strip)
            and len(text) <= width
            and (cells := cell_len(text)) <= width
            and align in ("left", "start")
            and not no_wrap
            and not line_pad
        ):
            # it fits: one row of one segment, in the style `_FormattedLine.to_strip`
            # gives a line of one span (or none) that the wrap leaves whole
            return [Strip([Segment(text, self._segment_style(style, number))], cells)]
        spans = [Span(0, len(text), self._style(style))] if style and text else []
        line = Content(text, spans)
        # wrapped as `Content.render_strips` wraps the whole text, a line at a time
        formatted = line._wrap_and_format(  # noqa: SLF001
            width,
            align=align,
            overflow=overflow,
            no_wrap=no_wrap,
            line_pad=line_pad,
            tab_size=8,
            get_style=self._get_style,
        )
        for row in formatted:
            row.y = number
        return [Strip(*row.to_strip(base)) for row in formatted]

    def _segment_style(self, name: str, number: int) -> RichStyle:
        """The style of line `number` drawn in `name` (or the pane's own): the pane's
        style under the line's (`Content.render`), then the offset a selection reads."""
        key = (name, number)
        kept = self._segment_styles.get(key)
        if kept is None:
            assert self._drawn_for is not None
            base = self._drawn_for.base
            under = Style.combine([base, self._style(name)]) if name else base
            kept = (base + under).rich_style_with_offset(0, number)
            self._segment_styles[key] = kept
        return kept

    def _style(self, name: str) -> Style:
        """A line's style, as `Content.from_rich_text` reads the `Text`'s span; read
        once for the rows drawn (Textual's own cache of component styles is emptied
        by every refresh, i.e. for every incident shown)."""
        style = self._styles.get(name)
        if style is None:
            if name in self.COMPONENT_CLASSES:
                rich = self.get_component_rich_style(name)
            else:
                rich = self.app.console.get_style(name)
            style = self._styles[name] = Style.from_rich_style(rich, self.app.ansi_theme)
        return style
