"""The incident list: what is live, how bad, who is on it, what is due next.

Rows keep the read model's order (`store.read_model.list_order`, which `warroom
list` prints too). Titles and names are shown as typed, with control characters
made visible (`␛`); widths count terminal cells.
A resolved incident stays listed, marked and dimmed, until it is closed; closed
and cancelled ones appear only when asked for. An ended incident's age stops.
Each second only the cells whose text changed are redrawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from warroom.domain.lifecycle import age_until
from warroom.domain.models import Incident
from warroom.domain.timefmt import format_age
from warroom.domain.visible import fit, pad, visible_line
from warroom.domain.vocabulary import OPEN_STATUSES

# the title goes last so a narrow terminal clips it rather than the status
COLUMNS = (
    ("sev", "Sev"),
    ("id", "#"),
    ("status", "Status"),
    ("next", "Next deadline"),
    ("age", "Age"),
    ("commander", "Commander"),
    ("title", "Title"),
)
COMMANDER_W = 14
NEXT_W = 18


class IncidentTable(DataTable[Text]):
    """Live incidents; the row under the cursor is the selected incident."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, severities: Collection[str] | None = None, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        # the policy's severity names: any other shows as `P1?` (None: every name is known)
        self.severities = None if severities is None else frozenset(severities)
        self.order: list[int] = []
        self._shown: dict[int, Incident] = {}
        self._cells_drawn: dict[tuple[int, str], str] = {}
        self._times: tuple[dt.datetime, Mapping[int, str]] | None = None  # the last shown

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show(
        self,
        incidents: list[Incident],
        now: dt.datetime,
        selected: int | None,
        next_due: Mapping[int, str],
    ) -> None:
        """Show the rows in the order given (the read model's one list order, which
        `warroom list` prints too): the same rows in the same order redraw only the
        cells that changed; any other change lays the table out again."""
        ordered = list(incidents)
        order = [i.id for i in ordered]
        kept = len(self.order)
        if order == self.order or (kept and order[:kept] == self.order):
            # the same rows in the same order (and maybe more after them, as the ended
            # incidents read after the live ones at start-up): redraw only the rows that
            # changed, and add the new ones below
            shown = self._shown
            for incident in ordered[:kept]:
                before = shown[incident.id]
                if before is not incident and before != incident:
                    self._redraw_row(incident)
            self.show_times(now, next_due)
            for incident in ordered[kept:]:
                self._add(incident, now, next_due)
            self.order = order
            return
        self.clear()
        self.order = order
        self._shown = {i.id: i for i in ordered}
        self._cells_drawn = {}
        for incident in ordered:
            self._add(incident, now, next_due)
        if selected in self.order:
            self.move_cursor(row=self.order.index(selected), animate=False)

    def _add(self, incident: Incident, now: dt.datetime, next_due: Mapping[int, str]) -> None:
        """A row at the bottom, with its age and countdown as of `now`."""
        age = format_age(incident.declared_at, age_until(incident, now))
        due = next_due.get(incident.id, "")
        self._shown[incident.id] = incident
        self._cells_drawn[(incident.id, "age")] = age
        self._cells_drawn[(incident.id, "next")] = due
        self.add_row(*self._cells(incident, age, due), key=str(incident.id))

    def _redraw_row(self, incident: Incident) -> None:
        """One incident changed in place (status, title, commander...): its row only;
        its age and countdown are redrawn by `show_times`."""
        self._shown[incident.id] = incident
        self._cells_drawn.pop((incident.id, "age"), None)
        row = str(incident.id)
        for (key, _label), cell in zip(COLUMNS, self._cells(incident, "", ""), strict=True):
            if key not in ("age", "next"):
                self.update_cell(row, key, cell, update_width=True)

    def _cells(self, incident: Incident, age: str, due: str) -> tuple[Text, ...]:
        ended = incident.status not in OPEN_STATUSES
        # marked in words (works without colour), dimmed so the live rows stand out
        status = f"✓ {incident.status.upper()}" if ended else incident.status
        title = visible_line(incident.title) + ("  [DRILL]" if incident.drill else "")
        commander = fit(visible_line(incident.commander), COMMANDER_W).rstrip()
        cells = (
            self._severity_text(incident.severity),
            Text(f"#{incident.id}"),
            Text(status),
            self._due_text(due),
            self._age_text(incident, age),
            Text(commander),
            Text(title, no_wrap=True),
        )
        if ended:
            for cell in cells:
                cell.stylize("dim")
        return cells

    @staticmethod
    def _age_text(incident: Incident, age: str) -> Text:
        text = Text(age, justify="right")
        if incident.status not in OPEN_STATUSES:
            text.stylize("dim")
        return text

    def _severity_text(self, severity: str) -> Text:
        if self.severities is not None and severity not in self.severities:
            return Text(f"{visible_line(severity)}?", style="bold reverse")  # not in the policy
        return Text(visible_line(severity), style="bold")

    @staticmethod
    def _due_text(due: str) -> Text:
        shown = pad(visible_line(due), NEXT_W)  # a policy's timer name, made safe
        return Text(shown, style="bold reverse" if "OVERDUE" in due else "")

    def show_times(self, now: dt.datetime, next_due: Mapping[int, str]) -> None:
        """Once a second: update only the cells whose text changed, in the rows on
        screen (a change off screen would repaint the table for nothing; those rows
        are brought up to date when they scroll into view)."""
        self._times = (now, next_due)
        top = int(self.scroll_y)
        for incident_id in self.order[top : top + self.size.height]:
            incident = self._shown[incident_id]
            age = format_age(incident.declared_at, age_until(incident, now))
            if self._cells_drawn.get((incident_id, "age")) != age:
                self._cells_drawn[(incident_id, "age")] = age
                self.update_cell(str(incident_id), "age", self._age_text(incident, age))
            due = next_due.get(incident_id, "")
            if self._cells_drawn.get((incident_id, "next")) != due:
                self._cells_drawn[(incident_id, "next")] = due
                cell = self._due_text(due)
                if incident.status not in OPEN_STATUSES:
                    cell.stylize("dim")
                self.update_cell(str(incident_id), "next", cell)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._times is not None and int(old_value) != int(new_value):
            self.show_times(*self._times)  # rows scrolled into view: their times now

    @property
    def selected_id(self) -> int | None:
        if not self.order or self.cursor_row < 0 or self.cursor_row >= len(self.order):
            return None
        return self.order[self.cursor_row]
