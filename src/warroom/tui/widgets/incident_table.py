"""The incident list: what is live, how bad, who is on it, what is due next.

Rows keep the read model's order (`store.read_model.list_order`, which `warroom
list` prints too). Titles and names are shown as typed, with control characters
made visible (`␛`); widths count terminal cells (`incident_rows`).
A resolved incident stays listed, marked and dimmed, until it is closed; closed
and cancelled ones appear only when asked for. An ended incident's age stops.

A virtual list: it holds the incidents in order and draws only the rows on
screen, when they are drawn, so ten thousand incidents cost what a screenful
does. A drawn row is kept (a strip) with what it showed (the incident record, its
age and countdown, whether the cursor is on it) and drawn again only when one of
those changed; each second only the rows on screen whose age or countdown text
changed are redrawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import compress
from operator import attrgetter, is_not
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from warroom.domain.lifecycle import age_until
from warroom.domain.models import Incident
from warroom.domain.policy_record import UNKNOWN_SEVERITY
from warroom.domain.timefmt import format_age
from warroom.tui.widgets.incident_rows import (
    COLUMNS,
    KEYS,
    Cell,
    due_cell,
    fixed_widths,
    row_cells,
    title_text,
)
from warroom.tui.widgets.kept_strips import KeptStrips
from warroom.tui.widgets.steady_scrollbar import SteadyScrollBar, steady_vertical_scrollbar

_ID = attrgetter("id")  # an incident's id

AGE, NEXT, TITLE = KEYS.index("age"), KEYS.index("next"), KEYS.index("title")
HEADER = 1  # the column names' line, which stays put while the rows scroll


class _Drawn(NamedTuple):
    """What a kept row strip shows: drawn again when any of it changed."""

    incident: Incident
    age: str
    due: str
    cursor: bool


class IncidentTable(ScrollView, can_focus=True):
    """Live incidents; the row under the cursor is the selected incident."""

    DEFAULT_CSS = """
    IncidentTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .incident-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .incident-table--header {
                background-tint: $foreground 5%;
            }
        }
        & > .incident-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .incident-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .incident-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"incident-table--header", "incident-table--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,ctrl+home", "cursor_to(0)", "First", show=False),
        Binding("end,ctrl+end", "cursor_to(-1)", "Last", show=False),
    ]

    class RowHighlighted(Message):
        """The cursor is on another row (or another incident is under it)."""

        def __init__(self, table: IncidentTable, cursor_row: int, incident_id: int) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.incident_id = incident_id

        @property
        def control(self) -> IncidentTable:
            return self.table

    def __init__(self, *, severities: Collection[str] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # a row's line is the same `Strip` while it looks the same (`_strips`): a j/k that
        # scrolls the list by a row finishes only the row scrolled in (`KeptStrips`), not
        # every row on screen again
        self._styles_cache = KeptStrips()
        # the policy's severity names: any other shows as `P1?` (None: every name is known)
        self.severities = None if severities is None else frozenset(severities)
        self.order: list[int] = []
        self._rows: list[Incident] = []
        self._index: dict[int, int] | None = None  # incident id -> row, made when asked
        self._cursor = 0
        self._announced: tuple[int, int] | None = None  # (row, incident) last posted
        self._now: dt.datetime | None = None
        self._due: Mapping[int, str] = {}
        self._texts: dict[int, tuple[str, str]] = {}  # incident -> (age, due) at _now, _due
        self._widths = [cell_len(label) for _key, label in COLUMNS]
        self._strips: dict[int, tuple[_Drawn, Strip]] = {}  # row -> what it shows, drawn
        self._look: tuple[object, ...] = ()  # styles and width the kept strips were drawn in
        self._header: Strip | None = None

    # -- what the screen hands down -----------------------------------------------

    def show(
        self,
        incidents: list[Incident],
        now: dt.datetime,
        selected: int | None,
        next_due: Mapping[int, str],
        ids: Sequence[int] | None = None,
    ) -> None:
        """Show the rows in the order given (the read model's one list order, which
        `warroom list` prints too): the same rows in the same order (and maybe more
        after them, as the ended incidents read after the live ones at start-up) keep
        the cursor and redraw only the rows that changed; any other change lays the
        list out again, with the cursor on `selected` (the first row if it left)."""
        self._now, self._due, self._texts = now, next_due, {}
        rows = list(incidents)
        # their ids as the read model handed them on, else by a C loop (each list read
        # while another console writes: 10,000 rows at most)
        order = list(ids) if ids is not None else list(map(_ID, rows))
        kept = len(self.order)
        if order == self.order or (kept and order[:kept] == self.order):
            before = self._rows
            moved = compress(range(kept), map(is_not, before, rows))  # other objects
            changed = [n for n in moved if before[n] != rows[n]]
            self._rows, self.order = rows, order
            if kept < len(rows):
                self._index = None
            self._grow(fixed_widths([rows[n] for n in changed] + rows[kept:], self.severities))
            for n in changed:
                self._strips.pop(n, None)
                self._refresh_row(n)
            self._resize()
            self.show_times(now, next_due)
            return
        self._rows, self.order, self._index = rows, order, None
        self._strips.clear()
        self._grow(fixed_widths(rows, self.severities))
        self._resize()
        self._cursor = order.index(selected) if selected in order else 0
        self.refresh()
        self._scroll_to_cursor()
        self._fit_columns()
        self._announce()

    def show_times(self, now: dt.datetime, next_due: Mapping[int, str]) -> None:
        """Once a second: redraw only the rows on screen whose age or countdown text
        changed (a row off screen is drawn as of now when it scrolls into view)."""
        if now != self._now or next_due is not self._due:
            self._now, self._due, self._texts = now, next_due, {}
        if not self._rows:
            return
        shown = self._on_screen()
        if self._measure(shown):
            return  # wider columns: every row is drawn again
        for n in shown:
            drawn = self._strips.get(n)
            if drawn is not None and (drawn[0].age, drawn[0].due) != self._times(drawn[0].incident):
                self._refresh_row(n)

    # -- the cursor -----------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def selected_id(self) -> int | None:
        if not 0 <= self._cursor < len(self.order):
            return None
        return self.order[self._cursor]

    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        """Put the cursor on `row` (kept within the list) and say so."""
        del animate  # the list never animates: each key shows in the next frame
        row = max(0, min(row, len(self._rows) - 1))
        if row != self._cursor:
            self._refresh_row(self._cursor)
            self._cursor = row
            self._refresh_row(row)
        if scroll:
            self._scroll_to_cursor()
        self._announce()

    def action_cursor(self, step: int) -> None:
        self.move_cursor(row=self._cursor + step)

    def action_cursor_to(self, row: int) -> None:
        self.move_cursor(row=row if row >= 0 else len(self._rows) - 1)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - HEADER)
        self.scroll_relative(y=direction * page, animate=False, force=True, immediate=True)
        self.move_cursor(row=self._cursor + direction * page)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER:
            return
        row = offset.y - HEADER + int(self.scroll_offset.y)
        if row < len(self._rows):
            event.stop()
            self.move_cursor(row=row)

    def _announce(self) -> None:
        incident_id = self.selected_id
        if incident_id is None:
            self._announced = None
            return
        if self._announced != (self._cursor, incident_id):
            self._announced = (self._cursor, incident_id)
            self.post_message(self.RowHighlighted(self, self._cursor, incident_id))

    @property
    def vertical_scrollbar(self) -> SteadyScrollBar:
        """The vertical scrollbar (made on first use, as Textual makes its own)."""
        return steady_vertical_scrollbar(self)

    def _scroll_to_cursor(self) -> None:
        if not self._rows:
            return
        if not self.size.height:  # not laid out yet: once it is
            self.call_after_refresh(self._scroll_to_cursor)
            return
        region = Region(0, self._cursor + HEADER, max(1, self.size.width), 1)
        # a j/k that scrolls the list by a row: its scrollbar's thumb moves a cell every
        # ~100 rows of 1,000, and is not drawn again while it looks the same (it was,
        # for every key: 0.8 ms of the key's frame)
        with self.vertical_scrollbar.hold():
            self.scroll_to_region(
                region, animate=False, spacing=Spacing(HEADER, 0, 0, 0), force=True, immediate=True
            )

    # -- cells, as the tests and the console read them --------------------------------

    def get_row(self, row_key: str) -> list[Text]:
        """The cells of incident `row_key` as its row shows them now."""
        if self._index is None:
            self._index = {incident_id: n for n, incident_id in enumerate(self.order)}
        incident = self._rows[self._index[int(row_key)]]
        cells = row_cells(incident, *self._times(incident), self.severities)
        texts = [Text(cell.text) for cell in cells]
        for text, cell in zip(texts, cells, strict=True):
            text.stylize(cell.style)
        return texts

    def get_cell(self, row_key: str, column_key: str) -> Text:
        return self.get_row(row_key)[KEYS.index(column_key)]

    # -- drawing ----------------------------------------------------------------------

    def _times(self, incident: Incident) -> tuple[str, str]:
        """The row's age and countdown as of the moment last handed down (worked out
        once per moment: the countdowns are formatted when looked up)."""
        texts = self._texts.get(incident.id)
        if texts is None:
            if self._now is None:
                return "", ""
            age = format_age(incident.declared_at, age_until(incident, self._now))
            due = self._due.get(incident.id, "")
            if self.severities is not None and incident.severity not in self.severities:
                # declared under another policy: it says so rather than an empty cell
                # (found for the rows drawn, not for every row of each list read)
                due = UNKNOWN_SEVERITY
            texts = self._texts[incident.id] = (age, due)
        return texts

    def _on_screen(self) -> range:
        top = int(self.scroll_offset.y)
        height = max(0, self.scrollable_content_region.height - HEADER)
        return range(top, min(len(self._rows), top + height))

    def _grow(self, widths: list[int]) -> bool:
        """Columns widen to their widest text and never narrow (a column does not
        jump back and forth as the rows on screen change)."""
        grown = [max(a, b) for a, b in zip(self._widths, widths, strict=True)]
        if grown == self._widths:
            return False
        self._widths = grown
        self.refresh()
        return True

    def _measure(self, rows: Iterable[int]) -> bool:
        """Widen the age, countdown and title columns to the rows about to be drawn."""
        widths = list(self._widths)
        for n in rows:
            incident = self._rows[n]
            age, due = self._times(incident)
            widths[AGE] = max(widths[AGE], cell_len(age))
            widths[NEXT] = max(widths[NEXT], cell_len(due_cell(due).text))
            widths[TITLE] = max(widths[TITLE], cell_len(title_text(incident)))
        return self._grow(widths)

    def _resize(self) -> None:
        size = Size(sum(self._widths) + 2 * len(self._widths), len(self._rows) + HEADER)
        if self.virtual_size != size:
            self.virtual_size = size

    def _refresh_row(self, row: int) -> None:
        y = row + HEADER - int(self.scroll_offset.y)
        if HEADER <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _fit_columns(self) -> bool:
        """Widen the age and countdown columns to the rows now on screen; done before
        they are drawn (a column widened while drawing would leave the lines drawn
        before it in the old widths)."""
        return bool(self._rows) and self._measure(self._on_screen())

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        self._fit_columns()  # rows scrolled into view: as of now, in columns wide enough
        super().watch_scroll_y(old_value, new_value)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_columns()

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._fit_columns():  # not expected: the columns were fitted before
            self.call_later(self.refresh)
        look = (
            self.rich_style,
            self.get_component_rich_style("incident-table--cursor"),
            self.get_component_styles("incident-table--header").rich_style,
            self.size.width,
            tuple(self._widths),
        )
        if look != self._look:
            self._look, self._header = look, None
            self._strips.clear()
        if len(self._strips) > 4 * max(self.size.height, 10):
            self._strips.clear()  # rows long scrolled away
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y < HEADER:
            if self._header is None:
                labels = [Cell(label, "") for _key, label in COLUMNS]
                style = self.get_component_styles("incident-table--header").rich_style
                self._header = self._strip(labels, -1, style, Style(), width)
            return self._header
        row = y - HEADER + int(self.scroll_offset.y)
        if not 0 <= row < len(self._rows):
            return Strip.blank(width, self.rich_style)
        incident = self._rows[row]
        drawn = _Drawn(incident, *self._times(incident), row == self._cursor)
        kept = self._strips.get(row)
        if kept is not None and kept[0] == drawn:
            return kept[1]
        cells = row_cells(incident, drawn.age, drawn.due, self.severities)
        cursor = (
            self.get_component_rich_style("incident-table--cursor") if drawn.cursor else Style()
        )
        strip = self._strip(cells, row, self.rich_style, cursor, width)
        self._strips[row] = (drawn, strip)
        return strip

    def _strip(
        self, cells: Sequence[Cell], row: int, row_style: Style, cursor: Style, width: int
    ) -> Strip:
        """One line, drawn as a DataTable draws it: each cell padded by a space either
        side to its column's width (the age to the right) and tagged with its row and
        column, the rest of the line in the row's style; the screen clips the title."""
        # the cursor's colours win over the cell's own
        post = Style.from_color(cursor.color, cursor.bgcolor)
        segments: list[Segment] = []
        for column, (cell, column_width) in enumerate(zip(cells, self._widths, strict=True)):
            pre = row_style + Style.from_meta({"row": row, "column": column}) + cursor
            plain = pre + post
            text = cell.text
            length = cell_len(text)
            if length > column_width:
                text, length = set_cell_size(text, column_width), column_width
            gap = " " * (column_width - length)
            if column == AGE and row >= 0:  # the age to the right, its name not
                text, gap = gap + text, ""
            if not cell.style or not text:
                segments.append(Segment(f" {text}{gap} ", plain))
            else:
                styled = pre + Style.parse(cell.style) + post
                segments += (Segment(" ", plain), Segment(text, styled), Segment(f"{gap} ", plain))
        used = sum(self._widths) + 2 * len(self._widths)
        if used < width:
            rest = Style.from_meta({"row": row, "column": 0, "out_of_bounds": True})
            segments.append(Segment(" " * (width - used), row_style + cursor + rest))
        return Strip(segments, used + max(0, width - used)).crop(0, width)
