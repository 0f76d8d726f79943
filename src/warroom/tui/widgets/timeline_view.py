"""The timeline: every entry, oldest first, newest in view.

Built on the Line API: only the visible lines are rendered, so a timeline of
tens of thousands of entries scrolls as fast as one of ten. Entry text is
shown literally (never parsed as markup); long entries wrap under the text
column; a rule marks each new day.
"""

from __future__ import annotations

import bisect
import datetime as dt

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from warroom.domain.models import TimelineEntry

KIND_LABELS = {
    "todo": "TODO",
    "sla_breach": "BREACH",
    "update_posted": "update",
    "escalation": "escalate",
}
TIME_W, AUTHOR_W, KIND_W = 11, 13, 9
TEXT_INDENT = TIME_W + AUTHOR_W + KIND_W + 3


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap `text` to `width` cells, hard-breaking words that are too long."""
    width = max(8, width)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            while len(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            candidate = f"{line} {word}" if line else word
            if len(candidate) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _sort_key(entry: TimelineEntry) -> tuple[dt.datetime, int]:
    return (entry.at, entry.id)


class TimelineView(ScrollView, can_focus=True):
    """A scrolling, windowed view of one incident's timeline."""

    COMPONENT_CLASSES = {
        "timeline--time",
        "timeline--author",
        "timeline--kind",
        "timeline--day",
        "timeline--decision",
        "timeline--system",
        "timeline--alert",
    }
    BINDINGS = [
        ("up,k", "scroll_up", "Up"),
        ("down,j", "scroll_down", "Down"),
        ("home,g", "scroll_home", "Oldest"),
        ("end,G", "scroll_end", "Newest"),
    ]

    def __init__(self, *, tz: dt.tzinfo, today: dt.date, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tz = tz
        self.today = today
        self.entries: list[TimelineEntry] = []
        self._keys: list[tuple[dt.datetime, int]] = []
        # each display row: ("day", date) or ("entry", index, line number)
        self._rows: list[tuple[object, ...]] = []
        self._laid_out_width = -1

    # -- data ------------------------------------------------------------------

    def replace(self, entries: list[TimelineEntry]) -> None:
        """Show a different incident's timeline, scrolled to the newest entry."""
        self.entries = sorted(entries, key=_sort_key)
        self._keys = [_sort_key(e) for e in self.entries]
        self._relayout(follow=True)

    def add(self, entries: list[TimelineEntry]) -> None:
        """Merge newly written entries (backdated ones land where they happened)."""
        if not entries:
            return
        follow = self.is_vertical_scroll_end or self.max_scroll_y == 0
        known = {e.id for e in self.entries[-len(entries) * 4 :]}
        for entry in sorted(entries, key=_sort_key):
            if entry.id in known:
                continue
            key = _sort_key(entry)
            index = bisect.bisect(self._keys, key)
            self._keys.insert(index, key)
            self.entries.insert(index, entry)
        self._relayout(follow=follow)

    def set_today(self, today: dt.date) -> None:
        if today != self.today:
            self.today = today
            self._relayout(follow=False)

    # -- layout ----------------------------------------------------------------

    def _text_width(self) -> int:
        return max(10, self.scrollable_content_region.width - TEXT_INDENT)

    def _relayout(self, *, follow: bool) -> None:
        width = self._text_width()
        rows: list[tuple[object, ...]] = []
        last_day: dt.date | None = None
        for index, entry in enumerate(self.entries):
            day = entry.at.astimezone(self.tz).date()
            if day != last_day:
                rows.append(("day", day))
                last_day = day
            for line_no in range(len(wrap(entry.text, width))):
                rows.append(("entry", index, line_no))
        self._rows = rows
        self._laid_out_width = self.scrollable_content_region.width
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)
        self.refresh()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._laid_out_width:
            self._relayout(follow=self.is_vertical_scroll_end)

    # -- rendering -------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row_index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if row_index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[row_index]
        if row[0] == "day":
            day = row[1]
            assert isinstance(day, dt.date)
            label = f"── {day:%a %Y-%m-%d}{' (today)' if day == self.today else ''} "
            style = base + self.get_component_rich_style("timeline--day")
            return Strip([Segment(label.ljust(width, "─")[:width], style)], width)
        _, index, line_no = row
        assert isinstance(index, int) and isinstance(line_no, int)
        return self._entry_line(self.entries[index], line_no, width, base)

    def _entry_line(self, entry: TimelineEntry, line_no: int, width: int, base: Style) -> Strip:
        text_lines = wrap(entry.text, max(10, width - TEXT_INDENT))
        text = text_lines[line_no] if line_no < len(text_lines) else ""
        if entry.kind in ("decision", "todo"):
            text_style = base + self.get_component_rich_style("timeline--decision")
        elif entry.kind == "sla_breach":
            text_style = base + self.get_component_rich_style("timeline--alert")
        elif entry.kind not in ("note", "action", "finding"):
            text_style = base + self.get_component_rich_style("timeline--system")
        else:
            text_style = base
        if line_no:
            segments = [Segment(" " * TEXT_INDENT, base), Segment(text, text_style)]
        else:
            local = entry.at.astimezone(self.tz)
            when = f"{local:%H:%M:%S}" if local.date() == self.today else f"{local:%m-%d %H:%M}"
            author = (
                entry.author if len(entry.author) < AUTHOR_W else entry.author[: AUTHOR_W - 2] + "…"
            )
            segments = [
                Segment(
                    f"{when:<{TIME_W}} ", base + self.get_component_rich_style("timeline--time")
                ),
                Segment(
                    f"{author:<{AUTHOR_W}} ",
                    base + self.get_component_rich_style("timeline--author"),
                ),
                Segment(
                    f"{kind_label(entry.kind):<{KIND_W}} ",
                    base + self.get_component_rich_style("timeline--kind"),
                ),
                Segment(text, text_style),
            ]
        return Strip(segments).adjust_cell_length(width, base).crop(0, width)
