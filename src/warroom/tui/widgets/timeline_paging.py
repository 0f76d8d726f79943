"""A timeline view's long-timeline half: a page at a time, scrolled by entry.

`TimelineView` holds a timeline of up to `read_model` WHOLE_UP_TO rows whole; a
longer one arrives as pages (`store.timeline_pages`). This base class keeps the
page (`paged`), asks for the one around the screen and cursor
(`TimelinePageWanted`, read by the watcher), takes it in (`show_page`), and sizes
and scrolls the view over the whole narrowed timeline: one line per entry for
the scrollbar, the screen laid out from its top entry (see `timeline_window`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView

from warroom.domain.timeline_filters import TIMELINE_FILTERS
from warroom.domain.timeline_state import ShownEntry
from warroom.store.read_model import TIMELINE_PAGE, PageRequest, TimelinePage
from warroom.tui.widgets.steady_scrollbar import SteadyScrollBar, steady_vertical_scrollbar
from warroom.tui.widgets.timeline_text import TEXT_INDENT, line_count
from warroom.tui.widgets.timeline_window import (
    ScreenRow,
    TimelineWindow,
    last_top,
    screen_rows,
    top_showing,
)


class TimelinePageWanted(Message):
    """A long timeline's view needs entries it does not hold (the watcher reads them)."""

    def __init__(self, request: PageRequest) -> None:
        super().__init__()
        self.request = request


class PagedTimeline(ScrollView):
    """What a timeline view needs to show a long timeline a page at a time."""

    def __init__(self, *, tz: dt.tzinfo, today: dt.date, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tz = tz
        self.today = today
        self.shown: list[ShownEntry] = []  # what passes the filter and search, in order
        self.filter_name = "all"
        self.matches: frozenset[int] | None = None  # search hits (row ids), None: no search
        self.cursor = -1  # index into `shown` (a long timeline: into all of it); -1 follows
        self._rows: list[tuple[object, ...]] = []  # display rows laid out (a short timeline)
        self._line_counts: dict[int, int] = {}  # entry id -> wrapped lines at _counted_width
        self._counted_width = -1
        # a long timeline: the page held (None: the whole timeline is held), the page
        # asked for and the one last answered, and the screen laid out from the page
        self.paged: TimelineWindow | None = None
        self._asked: PageRequest | None = None
        self._answered: PageRequest | None = None
        self._screen: tuple[tuple[object, ...], list[ScreenRow]] | None = None
        # whether the screen stays at the end as pages arrive: until it is scrolled
        # away (or the cursor moves off the newest)
        self._at_end = True
        self._sizing = False  # the scroll moves because the size did: not the reader
        # the last top entry worked out: (page, height, text width, top)
        self._kept_last_top: tuple[TimelineWindow, int, int, int] | None = None
        self._held_area: Size | None = None  # see `_lines_area`

    @property
    def vertical_scrollbar(self) -> SteadyScrollBar:
        """The vertical scrollbar (made on first use, as Textual makes its own)."""
        return steady_vertical_scrollbar(self)

    @property
    def count(self) -> int:
        """How many entries pass the filter and search (a long timeline's too)."""
        return self.paged.total if self.paged is not None else len(self.shown)

    def _cursor_index(self) -> int:
        return self.cursor if self.cursor >= 0 else self.count - 1

    def _lines_area(self) -> Size:
        """The size of the area the lines are drawn in (held while a page is taken in:
        the layout cannot change meanwhile, and it is asked for ~15 times, each a walk
        up to the screen). Its width holds because `#timeline` keeps a stable scrollbar
        gutter (styles/warroom.tcss): a scrollbar appearing meanwhile takes no column."""
        return self._held_area or self.scrollable_content_region.size

    def _text_width(self) -> int:
        return max(10, self._lines_area().width - TEXT_INDENT)

    def _set_size(self, *, follow: bool, height: int | None = None, top: int | None = None) -> None:
        """Size the scrolling area (`height`: a long timeline's, else the rows laid
        out); then follow the newest, or scroll to `top`."""
        lines = len(self._rows) if height is None else height
        size = Size(self._lines_area().width, lines)
        if self.is_mounted and size.width == self.virtual_size.width != 0:
            # longer or shorter only (an entry logged): the scrollbar and the scroll
            # limits follow without a layout of the whole screen, which would repaint
            # every pane (the incident list's scrollbar always reads as resized)
            # a scrollbar that would look the same is not drawn again (steady_scrollbar)
            scrolled_from = round(self.scroll_y)
            with self.vertical_scrollbar.hold():
                self.set_reactive(PagedTimeline.virtual_size, size)
                self._scroll_update(size)
                if follow:  # the limits are known now: one repaint, not two
                    self._to_end()
                elif top is not None:
                    self.scroll_to(y=top, animate=False, immediate=True, force=True)
            if round(self.scroll_y) != scrolled_from:
                # the scroll repainted every line (`ScrollView.watch_scroll_y`), the
                # title and border are as they were: no second refresh of the view
                return
        else:
            self.virtual_size = size
            if follow:
                self.call_after_refresh(self._end_unless_scrolled_away)
            elif top is not None:
                self.call_after_refresh(
                    self.scroll_to, y=top, animate=False, immediate=True, force=True
                )
        self.refresh()

    def _to_end(self) -> None:
        """The newest line on the bottom line, at once. (Textual's `scroll_end` also
        queues a callback for after the next frame that does nothing here: for each
        entry another console logs, a message to the view, one to the screen, a wake-up
        and a callback run after the frame.)"""
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)  # never anchored

    def _end_unless_scrolled_away(self) -> None:
        """The end, after the layout; a long timeline scrolled away meanwhile stays."""
        if self.paged is None or self._at_end:
            self.scroll_end(animate=False, immediate=True)

    def show_page(self, page: TimelinePage) -> None:
        """A page asked for (or read again after rows were written): shown if it is
        still what the view narrows to; the cursor stays on its entry."""
        if self.paged is None or not page.request.narrowed_like(self._request("newest")):
            return
        self._show(page)

    def _show(self, page: TimelinePage) -> None:
        old, top = self.paged, round(self.scroll_y)
        # the cursor on the newest and the screen at the end: stay there (scrolled away
        # with the cursor still on the newest: stay where the screen is)
        follow = self.cursor < 0 and (old is None or self._at_end)
        held = old.entry(self.cursor) if old is not None and self.cursor >= 0 else None
        top_entry = old.entry(top) if old is not None else None
        window = self.paged = TimelineWindow(page)
        if self._asked is not None and page.request.narrowed_like(self._asked):
            self._answered, self._asked = self._asked, None
        self.shown = list(page.entries)
        # only the page's: what is held never grows with the timeline; an entry the new
        # page carries as the old one did (the same, not an edit, pin or strike of it:
        # another console's entry appended) keeps the lines it was counted to
        counts, self._line_counts = self._line_counts, {}
        if old is not None and counts:
            same = {id(item) for item in old.entries}
            for item in page.entries:
                if id(item) in same and (lines := counts.get(item.entry.id)) is not None:
                    self._line_counts[item.entry.id] = lines
        if self.cursor >= 0:
            found = window.index_of(held.entry.id) if held is not None else None
            self.cursor = found if found is not None else min(self.cursor, window.total - 1)
        if top_entry is not None:
            found = window.index_of(top_entry.entry.id)
            top = found if found is not None else top
        self._screen = None
        self._held_area = self.scrollable_content_region.size
        try:
            self._paged_size(top, follow=follow)
        finally:
            self._held_area = None

    def _request(self, anchor: object, near: int = 0) -> PageRequest:
        assert self.paged is not None
        return PageRequest(
            self.paged.page.request.incident_id,
            TIMELINE_FILTERS[self.filter_name],
            self.matches,
            anchor,  # type: ignore[arg-type]
            near=near,
        )

    def _ask(self, request: PageRequest) -> None:
        # the page answering the same request again would be the same page
        if request != self._asked and request != self._answered:
            self._asked = request
            self.post_message(TimelinePageWanted(request))

    def _counter(self) -> Callable[[ShownEntry], int]:
        """How many lines an entry wraps to, at the text width now (worked out once for
        all the entries one step counts: the width is a walk up to the screen)."""
        width = self._text_width()
        if width != self._counted_width:
            self._line_counts, self._counted_width = {}, width
        counts = self._line_counts

        def lines_of(item: ShownEntry) -> int:
            lines = counts.get(item.entry.id)
            if lines is None:
                lines = counts[item.entry.id] = line_count(item, width)
            return lines

        return lines_of

    def _day_of(self, item: ShownEntry) -> dt.date:
        return item.entry.at.astimezone(self.tz).date()

    def _height(self) -> int:
        return max(1, self._lines_area().height)

    def _last_top(self) -> int:
        """The greatest scroll offset (kept for the page, height and width it was
        worked out for: each entry logged asks for it several times)."""
        assert self.paged is not None
        height, width = self._height(), self._text_width()
        kept = self._kept_last_top
        if kept is not None and kept[0] is self.paged and kept[1:3] == (height, width):
            return kept[3]
        top = last_top(self.paged, height, self._counter(), self._day_of)
        self._kept_last_top = (self.paged, height, width, top)
        return top

    def _cursor_top(self, top: int) -> int:
        """The top entry nearest `top` that shows the cursor's entry whole."""
        assert self.paged is not None
        if self.cursor < 0:
            return self._last_top()
        return top_showing(
            self.paged, self.cursor, top, self._height(), self._counter(), self._day_of
        )

    def _paged_size(self, top: int, *, follow: bool) -> None:
        """One line per entry (see `timeline_window`), as far as the last top entry;
        then at the end (`follow`) or at `top`."""
        last = self._last_top()
        height = last + self._height()
        self._sizing = True
        try:
            self._set_size(follow=follow, height=height, top=max(0, min(top, last)))
        finally:
            self._sizing = False
        if follow:
            self._at_end = True
        self._want_pages(last if follow else max(0, min(top, last)))

    def _paged_scroll(self, top: int) -> None:
        self.scroll_to(y=top, animate=False, immediate=True, force=True)
        self._want_pages(top)

    def _want_pages(self, top: int) -> None:
        """Ask for the page around the screen when it shows entries not held, or
        comes within a third of a page of the edge of what is held."""
        window = self.paged
        if window is None or (self._asked is not None and self._asked.anchor == "newest"):
            return
        if top >= self._last_top() and window.end < window.total:  # at the end
            self._ask(self._request("newest"))
            return
        margin = TIMELINE_PAGE // 3
        if window.covers(top - margin, top + self._height() + margin):
            return
        key = window.key(top)
        self._ask(self._request(key if key is not None else top, top))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # as `ScrollView.watch_scroll_y`, but the lines are drawn again, not the
        # scrollbar's column: the bar repaints itself when it looks otherwise (its
        # position and sizes repaint it; `SteadyScrollBar.hold`), and an entry logged
        # on a long timeline leaves it as it was (it was drawn and written for each)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(Region(0, 0, *self._lines_area()))
        if self.paged is not None and round(old_value) != round(new_value):
            if not self._sizing:
                self._at_end = round(new_value) >= self._last_top()
            self._want_pages(round(new_value))

    def _on_screen(self) -> list[ScreenRow]:
        """A long timeline's display rows from the top entry down (kept until the
        page, the top, the size or the day changes)."""
        assert self.paged is not None
        top, height = round(self.scroll_y), self._height()
        key = (id(self.paged), top, height, self._text_width(), self.today)
        if self._screen is None or self._screen[0] != key:
            lines_of = self._counter()
            above = self.paged.entry(top - 1) if top > 0 else None
            if above is not None and self.paged.end == self.paged.total and top >= self._last_top():
                # at the end the newest line is on the bottom line, as in a short timeline:
                # the entry above the top one fills what is left, cut at the top
                limit = height + lines_of(above) + 1
                rows = screen_rows(self.paged, top - 1, limit, lines_of, self._day_of)
                rows = rows[-height:]
            else:
                rows = screen_rows(self.paged, top, height, lines_of, self._day_of)
            self._screen = (key, rows)
        return self._screen[1]
