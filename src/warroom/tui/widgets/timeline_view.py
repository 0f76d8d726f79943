"""The timeline: every entry as it reads now, oldest first, newest in view.

Built on the Line API: only the visible lines are rendered, so a timeline of
tens of thousands of entries scrolls as fast as one of ten. Entry text is
shown literally (never parsed as markup), control characters made visible
(`␛[2J`, `⟨U+009B⟩`: segments go to the terminal as they are); long entries
wrap under the text column, counted in terminal cells; a rule marks each new
day. Corrections show the newest version (`edited`), struck entries stay
visible, crossed out; pinned ones carry a ★.
A cursor picks the entry that pin, edit, strike and promote act on; a filter
(by kind, pinned) and a search narrow what is shown.

A timeline too long to hold is shown a page at a time (`open_pages`): the view
asks for the page around where its screen and cursor are (`TimelinePageWanted`),
the watcher reads it and it arrives in `show_page` (`timeline_paging`): the scroll
offset counts entries, not lines (`timeline_window`), the cursor is an index into the
whole narrowed timeline.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from warroom.domain.models import TimelineEntry
from warroom.domain.timeline_filters import TIMELINE_FILTERS
from warroom.domain.timeline_state import ShownEntry, TimelineState
from warroom.domain.visible import fit, visible_line
from warroom.domain.vocabulary import ENTRY_KINDS
from warroom.store.read_model import TimelinePage
from warroom.tui.timeline_layout import (
    TimelineLayout,
    TimelineShape,
    lay_out,
    passing,
)
from warroom.tui.widgets.kept_strips import KeptStrips
from warroom.tui.widgets.timeline_paging import PagedTimeline
from warroom.tui.widgets.timeline_text import (
    AUTHOR_W,
    KIND_W,
    TEXT_INDENT,
    TIME_W,
    kind_label,
    line_count,
    wrapped,
)
from warroom.tui.widgets.timeline_window import ScreenRow

# filter name -> (what the title says, which entries pass)
FILTERS: dict[str, tuple[str, Callable[[ShownEntry], bool]]] = {
    name: (rule.label, rule.passes) for name, rule in TIMELINE_FILTERS.items()
}


class TimelineView(PagedTimeline, can_focus=True):
    """A scrolling, windowed view of one incident's timeline, with a cursor."""

    class Shaped(Message):
        """The view has laid out, in the shape it lays out in now (its width, its
        filter): for a reader that lays timelines out ahead (the watcher) to follow."""

        def __init__(self, shape: TimelineShape) -> None:
            super().__init__()
            self.shape = shape

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--time",
        "timeline--author",
        "timeline--kind",
        "timeline--day",
        "timeline--decision",
        "timeline--system",
        "timeline--alert",
        "timeline--struck",
        "timeline--pin",
        "timeline--cursor",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("home,g", "cursor_to(0)", "Oldest", show=False),
        Binding("end,G", "cursor_to(-1)", "Newest", show=False),
    ]

    def __init__(self, *, tz: dt.tzinfo, today: dt.date, **kwargs: object) -> None:
        super().__init__(tz=tz, today=today, **kwargs)
        self.state = TimelineState()
        # each display row (`_rows`): ("day", date) or ("entry", index into shown, line)
        self._first_row: list[int] = []  # display row of each shown entry's first line
        self._laid_out_width = -1
        # what the layout was built from: the state's revision then, and where each
        # shown entry stands in the state's order (a change lays out from there on)
        self._laid_out_revision = -1
        self._state_index: list[int] = []
        # drawn entry lines, by what they show: an entry from another console scrolls
        # every line on screen up one, and each is drawn again from here
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        # and finished (border, filters, cuts) once per drawn line: see kept_strips
        self._styles_cache = KeptStrips()
        self._pass: tuple[int, Style, list[ScreenRow] | None] | None = None
        # the component styles, for the widget's style they were read under: Textual's
        # own cache of them is emptied by every refresh, i.e. for every entry logged
        self._components: dict[str, Style] = {}
        self._components_base: Style | None = None

    # -- data ------------------------------------------------------------------

    @property
    def selected(self) -> ShownEntry | None:
        """The entry under the cursor (the newest when the cursor follows); a long
        timeline's entry whose page has not arrived yet: None."""
        if self.paged is not None:
            return self.paged.entry(self._cursor_index())
        if not self.shown:
            return None
        return self.shown[self.cursor if 0 <= self.cursor < len(self.shown) else -1]

    def latest_version(self, entry_id: int) -> ShownEntry | None:
        """The entry one of whose versions is `entry_id`, as it reads now (if held)."""
        if self.paged is not None:
            index = self.paged.index_of(entry_id)
            return None if index is None else self.paged.entry(index)
        state = self.state
        if entry_id not in state.root:
            return None
        return state.shown(state.versions[state.root[entry_id]][-1])

    def replace(
        self,
        entries: Iterable[TimelineEntry] | TimelineState,
        laid_out: TimelineLayout | None = None,
    ) -> None:
        """Show a different incident's timeline (rows, or rows already folded, and
        perhaps laid out: taken as they are if in this view's shape), cursor on the
        newest entry."""
        # the timeline shown before is let go after the frame: freeing thousands of
        # entries (~5 ms on a slow host at 3,000) held back the key that showed this one
        let_go = [self.state, self.shown, self._rows, self._first_row, self._state_index]
        self.call_after_refresh(let_go.clear)
        if isinstance(entries, TimelineState):
            self.state = entries
        else:
            self.state = TimelineState()
            self.state.add(entries)
        self.paged = self._asked = self._answered = None
        self.matches = None
        self.cursor = -1
        width = self._text_width()
        if laid_out is None or not laid_out.fits(self.state, width, self.filter_name):
            self._relayout(follow=True)
            return
        laid_out.taken = True  # its lists are this view's now
        self._line_counts, self._counted_width = laid_out.counts, width
        self.shown, self._state_index = laid_out.shown, laid_out.state_index
        self._rows, self._first_row = laid_out.rows, laid_out.first_row
        self._laid_out_width = self.scrollable_content_region.width
        self._laid_out_revision = self.state.revision
        self._set_size(follow=True)

    def shape(self) -> TimelineShape:
        """How this view lays a timeline out now (for a reader that lays one out ahead)."""
        return TimelineShape(self._text_width(), self.filter_name, self.tz, line_count)

    def open_pages(self, page: TimelinePage) -> None:
        """Show a long timeline from the page read for it (its newest entries), cursor
        on the newest; the rest is read as the screen and cursor move."""
        self.state = TimelineState()
        self._rows, self._first_row, self._state_index = [], [], []
        self.paged = self._asked = self._answered = None
        self.matches = None
        self.cursor = -1
        self._at_end = True
        self._show(page)
        if page.request.rule != TIMELINE_FILTERS[self.filter_name]:  # read before a filter
            self._ask(self._request("newest"))

    def add(self, entries: list[TimelineEntry]) -> None:
        """Fold in newly written rows (backdated ones land where they happened); a long
        timeline gets its page read again instead (`show_page`)."""
        if not entries or self.paged is not None:
            return
        following = self.cursor == -1
        # the cursor stays on its entry, even when a correction replaces it
        keep = (
            self.state.root.get(self.selected.entry.id) if self.selected and not following else None
        )
        self.state.add(entries)
        if self._laid_out_revision >= 0 and self._text_width() == self._counted_width:
            # what comes before the first changed entry stays as it is laid out
            changed = self.state.changed_from(self._laid_out_revision)
            self._relayout_from(changed, follow=following, keep=keep)
            return
        self._relayout(follow=following, keep=keep)

    def set_filter(self, name: str) -> None:
        self.filter_name = name if name in FILTERS else "all"
        self.cursor = -1
        if self.paged is not None:  # narrowed in SQL: shown when the page arrives
            self._at_end = True
            self._ask(self._request("newest"))
            return
        self._relayout(follow=True)

    def set_matches(self, ids: Iterable[int] | None) -> None:
        """Show only these rows (a search); None shows everything again."""
        self.matches = None if ids is None else frozenset(ids)
        self.cursor = -1
        if self.paged is not None:
            self._at_end = True
            self._ask(self._request("newest"))
            return
        self._relayout(follow=True)

    @property
    def narrowed(self) -> bool:
        return self.filter_name != "all" or self.matches is not None

    def set_today(self, today: dt.date) -> None:
        if today != self.today:
            self.today = today
            if self.paged is not None:
                self._screen = None
                self.refresh()
                return
            self._relayout(follow=False)

    # -- cursor ----------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        if not self.count:
            return
        self._move_to(max(0, min(self.count - 1, self._cursor_index() + step)))

    def action_cursor_to(self, index: int) -> None:
        if self.count:
            self._move_to(index % self.count)

    def _move_to(self, index: int) -> None:
        self.cursor = -1 if index == self.count - 1 else index
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        if self.paged is not None:
            self._at_end = self.cursor < 0  # on the newest: the end is followed again
            self._paged_scroll(self._cursor_top(round(self.scroll_y)))
            return
        if not self.shown:
            return
        index = self.cursor if self.cursor >= 0 else len(self.shown) - 1
        top = self._first_row[index]
        bottom = self._first_row[index + 1] if index + 1 < len(self.shown) else len(self._rows)
        if index == len(self.shown) - 1:
            self.scroll_end(animate=False, immediate=True)
        else:
            self.scroll_to_region(
                Region(0, top, 1, bottom - top), animate=False, immediate=True, force=True
            )

    # -- layout ----------------------------------------------------------------

    def _passes(self) -> Callable[[ShownEntry], bool]:
        wanted = FILTERS[self.filter_name][1]
        matches = self.matches
        if matches is None:
            return wanted
        return lambda s: (
            wanted(s) and (s.entry.id in matches or any(h.id in matches for h in s.history))
        )

    def _relayout(self, *, follow: bool, keep: int | None = None) -> None:
        width = self._text_width()
        if width != self._counted_width:
            self._line_counts = {}
            self._counted_width = width
        # said at each layout made here (a new incident not laid out ahead, a width,
        # a filter): said before a reader was there to hear it, it is said again
        self.post_message(self.Shaped(self.shape()))
        self.shown = []
        self._state_index = []
        self._rows = []
        self._first_row = []
        self._laid_out_width = self.scrollable_content_region.width
        self._relayout_from(0, follow=follow, keep=keep)

    def _relayout_from(self, changed: int, *, follow: bool, keep: int | None) -> None:
        """Lay out again from the state's entry `changed` on (an entry logged now:
        only itself); the entries, day rules and lines before it stay as they are."""
        start = bisect.bisect_left(self._state_index, changed)
        if start < len(self.shown):
            cut = self._first_row[start]
            if cut and self._rows[cut - 1][0] == "day":
                cut -= 1
            del self._rows[cut:]
            del self.shown[start:], self._state_index[start:], self._first_row[start:]
        everything = self.filter_name == "all" and self.matches is None
        passes = None if everything else self._passes()
        passing(self.state.entries_from(changed), changed, passes, self.shown, self._state_index)
        if keep is not None and self.cursor >= start:  # before `start`: the same entry
            root = self.state.root
            self.cursor = next(
                (
                    i
                    for i in range(start, len(self.shown))
                    if root.get(self.shown[i].entry.id) == keep
                ),
                -1,
            )
        self._lay_out(start)
        self._laid_out_revision = self.state.revision
        self._set_size(follow=follow)

    def _lay_out(self, start: int) -> None:
        """Add display rows for `shown[start:]` (the rows for those before are laid out)."""
        lay_out(
            self.shown,
            start,
            self._counted_width,
            self.tz,
            line_count,
            self._line_counts,
            self._rows,
            self._first_row,
        )

    def on_resize(self) -> None:
        if self.paged is not None:
            self._screen = None
            self._paged_size(round(self.scroll_y), follow=self.cursor < 0 and self._at_end)
            return
        following = self.cursor < 0  # on the newest entry: it stays on the bottom line
        if self.scrollable_content_region.width != self._laid_out_width:
            self._relayout(follow=following or self.is_vertical_scroll_end)
        elif following:
            # fewer (or more) rows, the same width: the panes above grew, say, after the
            # entries were laid out for the old height
            self.scroll_end(animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- rendering -------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # what every line of one pass shares, worked out once for the pass rather than
        # for each line: the width, the widget's style (a walk up the DOM) and the rows
        paged = self._on_screen() if self.paged is not None else None
        self._pass = (self.scrollable_content_region.width, self._base_style(), paged)
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        _scroll_x, scroll_y = self.scroll_offset
        row_index = scroll_y + y
        if self._pass is not None:
            width, base, paged = self._pass
        else:
            width, base = self.scrollable_content_region.width, self._base_style()
            paged = self._on_screen() if self.paged is not None else None
        rows, row_index = (self._rows, row_index) if paged is None else (paged, y)
        if row_index >= len(rows):
            if row_index == 0 and self.narrowed and not self.count:
                return self._plain_line("(nothing matches)".ljust(width)[:width], base, width)
            return self._plain_line(" " * width, base, width)
        row = rows[row_index]
        if row[0] == "day":
            day = row[1]
            assert isinstance(day, dt.date)
            label = f"── {day:%a %Y-%m-%d}{' (today)' if day == self.today else ''} "
            style = base + self._component("timeline--day")
            return self._plain_line(label.ljust(width, "─")[:width], style, width)
        if row[0] == "wait":  # a long timeline's entry whose page is on its way
            style = base + self._component("timeline--system")
            text = f"{' ' * TEXT_INDENT}…".ljust(width)[:width]
            return self._plain_line(text, style, width)
        _, index, line_no = row
        assert isinstance(index, int) and isinstance(line_no, int)
        at_cursor = index == self._cursor_index()
        if at_cursor and self.has_focus:
            base = base + self._component("timeline--cursor")
        item = self.shown[index] if self.paged is None else self.paged.entry(index)
        assert item is not None
        return self._entry_line(item, line_no, width, base, at_cursor)

    def _plain_line(self, text: str, style: Style, width: int) -> Strip:
        """A line of one style (a day rule, a blank), the same `Strip` each time it is
        drawn (see `kept_strips`)."""
        key = ("plain", text, style, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = Strip([Segment(text, style)], width)
        return strip

    def _text_style(self, item: ShownEntry, base: Style) -> Style:
        kind = item.entry.kind
        if item.struck:
            return base + self._component("timeline--struck")
        if kind in ("decision", "todo", "root-cause"):
            return base + self._component("timeline--decision")
        if kind == "sla_breach":
            return base + self._component("timeline--alert")
        if kind not in ENTRY_KINDS:
            return base + self._component("timeline--system")
        return base

    def _base_style(self) -> Style:
        """The widget's style; the component styles read under another are read again."""
        base = self.rich_style
        if base != self._components_base:
            self._components, self._components_base = {}, base
        return base

    def _component(self, name: str) -> Style:
        style = self._components.get(name)
        if style is None:
            style = self._components[name] = self.get_component_rich_style(name)
        return style

    def notify_style_update(self) -> None:
        self._strips.clear()  # a theme or focus style changed: draw the lines anew
        self._components = {}
        super().notify_style_update()

    def _entry_line(
        self, item: ShownEntry, line_no: int, width: int, base: Style, at_cursor: bool
    ) -> Strip:
        entry = item.entry
        writer = item.history[0].author if item.history else entry.author
        key = (
            entry.id,
            entry.text,
            entry.kind,
            entry.at,
            writer,
            item.pinned,
            item.struck,
            item.edited,
            str(entry.data.get("reason")) if item.struck else None,
            line_no,
            width,
            base,
            at_cursor,
            self.has_focus,
            self.today,
            self.tz,
        )
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._draw_line(item, line_no, width, base, at_cursor)
        return strip

    def _draw_line(
        self, item: ShownEntry, line_no: int, width: int, base: Style, at_cursor: bool
    ) -> Strip:
        entry = item.entry
        text_lines = wrapped(item, max(10, width - TEXT_INDENT))
        text = text_lines[line_no] if line_no < len(text_lines) else ""
        text_style = self._text_style(item, base)
        if line_no:
            segments = [Segment(" " * TEXT_INDENT, base), Segment(text, text_style)]
        else:
            local = entry.at.astimezone(self.tz)
            when = f"{local:%H:%M:%S}" if local.date() == self.today else f"{local:%m-%d %H:%M}"
            writer = item.history[0].author if item.history else entry.author
            author = fit(visible_line(writer), AUTHOR_W - 1)
            # the entry * E X P act on is always marked, focused or not
            pointer = ("▶" if self.has_focus else "›") if at_cursor else " "
            mark = "★" if item.pinned else " "
            segments = [
                Segment(f"{pointer}{mark}", base + self._component("timeline--pin")),
                Segment(f"{when:<{TIME_W}} ", base + self._component("timeline--time")),
                Segment(
                    f"{author}  ",
                    base + self._component("timeline--author"),
                ),
                Segment(
                    f"{fit(kind_label(entry.kind), KIND_W)} ",
                    base + self._component("timeline--kind"),
                ),
                Segment(text, text_style),
            ]
        return Strip(segments).adjust_cell_length(width, base).crop(0, width)
