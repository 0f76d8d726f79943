"""A vertical scrollbar that is not drawn again when it would look the same.

Each entry another console logs makes the timeline one line longer and scrolls it
one line: Textual repaints the scrollbar for both (`Widget._scroll_update` refreshes
it, and its `position` and sizes are repainting reactives), although on a long
timeline the thumb is a cell at the bottom before and after. `SteadyScrollBar`
skips those repaints while its widget `holds` it (the timeline does, only while it
grows or scrolls for a new entry) if the bar drawn from its values now is the bar
drawn when the hold began; any other repaint (a resize, a hover, a theme) is
Textual's as always.

A repaint draws a row that looks as one drawn before as the very `Strip` drawn then
(`ScrollbarRows`), and the bar keeps its finished rows (`KeptStrips`): a j/k that
shows another incident's timeline repaints the bar, but no row of it is made,
finished, filtered or cut again unless it looks as none did before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import ceil
from typing import Self

from rich.segment import Segment
from textual.app import RenderResult
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widget import Widget

from warroom.tui.widgets.kept_strips import KeptStrips
from warroom.tui.widgets.scrollbar_rows import ScrollbarRows, kept_rows


class SteadyScrollBar(ScrollBar):
    """A scrollbar that can be held steady through a change that looks the same."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._held: list[Segment] | None = None  # the bar as drawn when the hold began
        self._asked = False  # a repaint was asked for while held
        self._kept_rows = kept_rows()  # the rows drawn, by look (ScrollbarRows)
        self._styles_cache = KeptStrips()  # and each one finished once

    def render(self) -> RenderResult:  # type: ignore[override]  # (a widget's may be a Visual)
        drawn = super().render()  # Textual's colours (hover, grab) and sizes
        if not self.vertical or type(drawn) is not ScrollBarRender or self.auto_links:
            return drawn  # (a horizontal bar, another renderer, links: Textual's way)
        return ScrollbarRows(self, drawn, self._kept_rows)

    def look(self) -> list[Segment]:
        """The bar its values draw now (as `render` would lay it out, in neutral colours:
        the colours do not change while it is held)."""
        width, height = self.size
        window = self.window_size if self.window_size < self.window_virtual_size else 0
        bar = self.renderer.render_bar(
            size=height if self.vertical else width,
            virtual_size=ceil(self.window_virtual_size),
            window_size=ceil(window),
            position=self.position,
            thickness=width if self.vertical else height,
            vertical=self.vertical,
        )
        return list(bar.segments)

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Put off the repaints asked for meanwhile to the end, and skip them there if
        the bar would be drawn as it was (in between it may have looked otherwise:
        longer, then scrolled)."""
        self._held, self._asked = self.look(), False
        try:
            yield
        finally:
            held, self._held = self._held, None
            if self._asked and self.look() != held:
                self.refresh()

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if self._held is not None and not (regions or layout or recompose):
            self._asked = True
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


def steady_vertical_scrollbar(widget: Widget) -> SteadyScrollBar:
    """`widget`'s vertical scrollbar as a `SteadyScrollBar` (made on first use, as
    Textual makes its own): for a widget's `vertical_scrollbar` property."""
    bar = widget._vertical_scrollbar  # noqa: SLF001 - where Widget keeps its own
    if bar is not None:
        assert isinstance(bar, SteadyScrollBar)
        return bar
    widget._vertical_scrollbar = bar = SteadyScrollBar(  # noqa: SLF001
        vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
    )
    bar.display = False
    widget.app._start_widget(widget, bar)  # noqa: SLF001 - as Widget.vertical_scrollbar does
    return bar
