"""A pane of a few styled lines that draws only the rows that show, each once.

`Static` draws its whole text each time it is refreshed: every line of it turned
into `Content`, wrapped and formatted (`Widget._render_content`), although a pane
in the clocks column shows 6 to 10 of the ladder's ~17 lines, and a j/k redraws
each pane for the incident it moves to. `ShownLines` keeps the `Static` (its
`content`, its measured height, a mouse selection: the text is made when one of
them asks, not for each incident shown) and draws a row when the compositor asks
for it. A line that fits the pane is cut at its spans' edges, each piece in the
style `Content` gives it (the pane's style under the spans', the offset a selection
reads, kept by spans and place); a wider one is wrapped as `Content` wraps it. The
rows are kept until the lines, the width or the styles change, and a line shown
before at the same place (the title, a rung whose countdown did not move) keeps its
very `Strip`, so its finish is kept too (`KeptStrips`).

A pane shows either lines of one style each (`show_lines`: a component class of the
pane, read when drawn so a theme change shows in the next frame, a style such as
"dim", or none), or a Rich `Text` with styles by name on its spans (`show_text`:
the incident header), drawn as `Static` draws that `Text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
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

from warroom.tui.widgets.in_place import (
    fitted_height,
    fitted_rows,
    forget_measure,
    lay_out_if_resized,
)
from warroom.tui.widgets.kept_strips import KeptStrips

# a pane's line: (its text, its style: a component class, a style, or "")
Line = tuple[str, str]
# a style over part of a line: (start, end, its style's name), in the order the
# `Text` holds them (`Content` puts later ones over earlier ones)
LineSpan = tuple[int, int, str]
# a line as it is drawn: its text and its spans
Spanned = tuple[str, tuple[LineSpan, ...]]

# a piece's styles kept by (its spans' styles, place): cleared past this many
PIECE_STYLES = 4096


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


def spanned(text: Text) -> tuple[Spanned, ...] | None:
    """`text`'s lines, each with the part of each span over it (as `Content.split`
    cuts them); None when a span's style is not a name (a Rich `Style`: read as
    `Content` reads it, with its meta, by Static's way). (The control characters
    `Content` drops, moving the spans after them, a `Text` has dropped already.)"""
    plain = text.plain
    spans: list[LineSpan] = []
    whole = text.style
    if whole:  # under every span (`Content.from_rich_text`: `stylize_before`)
        if not isinstance(whole, str):
            return None
        spans.append((0, len(plain), whole))
    for start, end, style in text.spans:
        if not isinstance(style, str):
            return None
        spans.append((start, end, style))
    lines: list[Spanned] = []
    start = 0
    for line in plain.split("\n"):
        end = start + len(line)
        cut = tuple(
            (max(first, start) - start, min(last, end) - start, style)
            for first, last, style in spans
            if first < end and last > start
        )
        lines.append((line, cut))
        start = end + 1
    return tuple(lines)


class ShownLines(Static):
    """A `Static` of styled lines, drawn a row at a time (see the module)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._styles_cache = KeptStrips()
        self._shown_lines: tuple[Spanned, ...] = (("", ()),)
        # the rows drawn so far for the lines (a wrapped line: several), and the first
        # line not drawn yet: a row is drawn when it is asked for
        self._rows: list[Strip] = []
        self._next_line = 0
        # what the rows were drawn for (the width, the widget's style and text rules)
        self._drawn_for: DrawnFor | None = None
        # the rows each line was drawn as, by (line number, line), for these lines and
        # the ones before: a line shown again at the same place is reused
        self._kept: dict[tuple[int, Spanned], list[Strip]] = {}
        self._kept_before: dict[tuple[int, Spanned], list[Strip]] = {}
        self._styles: dict[str, Style] = {}  # the spans' styles, by name, for the rows
        # a piece's finished style, by (its spans' styles, character, line)
        self._piece_styles: dict[tuple[tuple[str, ...], int, int], RichStyle] = {}
        self._blank: Strip | None = None  # a row under the lines (the same, finished once)
        self._in_pass: bool | None = None  # in a pass: whether the rows are drawn here
        # the text shown (`show_text`), else made from the lines when asked for; and the
        # visual a `Static` would hold, made when asked for
        self._given: Text | None = None
        self._text: Text | None = None
        self._visual: Visual | None = None
        self._own_rows = True  # False: a text only `Static` reads right, drawn its way

    def show_lines(self, lines: Sequence[Line]) -> None:
        """Show `lines`; the screen is laid out again only when a height-auto pane's
        number of rows changes (`lay_out_if_resized`)."""
        shown = rstripped(lines)
        self._given = None
        self._own_rows = True
        one_style = tuple(
            (text, ((0, len(text), style),) if style and text else ()) for text, style in shown
        )
        if width := self._show(one_style):
            plain = "\n".join(text for text, _style in shown)
            lay_out_if_resized(self, width, fitted_rows(plain, width))

    def show_text(self, text: Text) -> None:
        """Show `text` as `Static.update` would (its spans' styles by name, such as
        "bold" or "dim", read as Rich reads them), laid out again only when the
        pane's height changes."""
        lines = spanned(text)
        self._own_rows = lines is not None
        self._given = text
        if width := self._show(lines or tuple((line, ()) for line in text.plain.split("\n"))):
            lay_out_if_resized(self, width, fitted_height(text, width))

    def _show(self, lines: tuple[Spanned, ...]) -> int:
        """Show `lines`: the width they are shown at, 0 when not laid out yet."""
        self._shown_lines = lines
        self._rows, self._next_line = [], 0
        if self._kept:  # (lines replaced before any row of them was drawn: the older kept)
            self._kept_before, self._kept = self._kept, {}
        self._text = self._visual = None
        width = self.content_region.width if self.is_mounted else 0
        if width <= 0:
            forget_measure(self)  # not laid out yet, or hidden: the next layout measures it
            self.refresh(layout=True)
            return 0
        self.refresh()
        return width

    @property
    def content(self) -> Text:
        """The pane's text as a `Static` would hold it, made when something asks for
        it (a mouse selection, a wrapped pane's height): not for each incident shown."""
        if self._given is not None:
            return self._given
        if self._text is None:
            self._text = Text()
            last = len(self._shown_lines) - 1
            for index, (line, spans) in enumerate(self._shown_lines):
                end = "" if index == last else "\n"
                style = spans[0][2] if spans else ""
                self._text.append(line + end, style=self._rich_style(style) if style else "")
        return self._text

    @content.setter
    def content(self, content: VisualType) -> None:
        raise AttributeError("a pane's lines are set with show_lines or show_text")

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
        if (
            not self._own_rows
            or self.text_selection is not None
            or styles.content_align != ("left", "top")
        ):
            return False  # a mouse selection, an alignment, a text to read: Static's way
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
            self._styles, self._piece_styles = {}, {}
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
        line = self._shown_lines[number]
        key = (number, line)
        rows = self._kept.get(key) or self._kept_before.get(key)
        if rows is None:
            rows = self._draw(number, *line)
        self._kept[key] = rows
        self._rows.extend(rows)

    def _draw(self, number: int, text: str, spans: tuple[LineSpan, ...]) -> list[Strip]:
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
            # it fits: one row, the wrap leaves it whole (`_FormattedLine.to_strip`)
            return [Strip(self._pieces(number, text, spans), cells)]
        line = Content(text, [Span(start, end, self._style(name)) for start, end, name in spans])
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

    def _pieces(self, number: int, text: str, spans: tuple[LineSpan, ...]) -> list[Segment]:
        """Line `number` cut where a span starts or ends, as `Content.render` cuts it,
        each piece in the styles of the spans over it."""
        if not spans:
            return [Segment(text, self._piece_style((), 0, number))]
        edges = sorted({0, len(text), *(start for start, _, _ in spans), *(e for _, e, _ in spans)})
        pieces = []
        for left, right in pairwise(edges):
            names = tuple(name for start, end, name in spans if start <= left and right <= end)
            pieces.append(Segment(text[left:right], self._piece_style(names, left, number)))
        return pieces

    def _piece_style(self, names: tuple[str, ...], x: int, y: int) -> RichStyle:
        """The style of a piece from character `x` of line `y` under the spans' `names`:
        the pane's style under the spans' (`Content.render`), then the offset a
        selection reads (`_FormattedLine.to_strip`: in characters, not cells). Kept:
        the next incident's header has its pieces mostly at the same places."""
        key = (names, x, y)
        kept = self._piece_styles.get(key)
        if kept is None:
            assert self._drawn_for is not None
            base = self._drawn_for.base
            under = Style.combine([base, *map(self._style, names)])
            kept = (base + under).rich_style_with_offset(x, y)
            if len(self._piece_styles) >= PIECE_STYLES:
                self._piece_styles.clear()
            self._piece_styles[key] = kept
        return kept

    def _style(self, name: str) -> Style:
        """A span's style, as `Content.from_rich_text` reads the `Text`'s span; read
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
