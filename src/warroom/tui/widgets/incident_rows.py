"""What each row of the incident list says, cell by cell, and how wide its columns are.

A cell is its text and its rich style (as a string): the list draws the rows on
screen from these, and `IncidentTable.get_cell` hands them out as `Text`. Titles
and names are shown as typed, with control characters made visible (`␛`); widths
count terminal cells. An ended incident's row is marked in words (works without
colour) and dimmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rich.cells import cell_len

from warroom.domain.models import Incident
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
KEYS = tuple(key for key, _label in COLUMNS)
COMMANDER_W = 14
NEXT_W = 18


class Cell(NamedTuple):
    text: str
    style: str  # rich style text ("bold reverse dim"), "" for none


def status_text(status: str) -> str:
    # marked in words (works without colour), dimmed so the live rows stand out
    return status if status in OPEN_STATUSES else f"✓ {status.upper()}"


def severity_cell(severity: str, severities: frozenset[str] | None) -> Cell:
    if severities is not None and severity not in severities:
        return Cell(f"{visible_line(severity)}?", "bold reverse")  # not in the policy
    return Cell(visible_line(severity), "bold")


def commander_text(commander: str) -> str:
    return fit(visible_line(commander), COMMANDER_W).rstrip()


def due_cell(due: str) -> Cell:
    shown = pad(visible_line(due), NEXT_W)  # a policy's timer name, made safe
    return Cell(shown, "bold reverse" if "OVERDUE" in due else "")


def title_text(incident: Incident) -> str:
    return visible_line(incident.title) + ("  [DRILL]" if incident.drill else "")


def row_cells(
    incident: Incident, age: str, due: str, severities: frozenset[str] | None
) -> tuple[Cell, ...]:
    """The seven cells of one incident's row, as of the age and countdown given."""
    cells = (
        severity_cell(incident.severity, severities),
        Cell(f"#{incident.id}", ""),
        Cell(status_text(incident.status), ""),
        due_cell(due),
        Cell(age, ""),
        Cell(commander_text(incident.commander), ""),
        Cell(title_text(incident), ""),
    )
    if incident.status in OPEN_STATUSES:
        return cells
    return tuple(Cell(c.text, f"{c.style} dim".lstrip()) for c in cells)


def fixed_widths(incidents: Iterable[Incident], severities: frozenset[str] | None) -> list[int]:
    """The widths of the columns whose text does not change with the clock (severity,
    number, status, commander), from the distinct values only, so ten thousand rows
    cost a few set insertions each; the age and countdown columns are measured on
    the rows drawn, as is the title (last, clipped by the screen)."""
    severity, status, commander = set(), set(), set()
    top = 0
    for incident in incidents:
        severity.add(incident.severity)
        status.add(incident.status)
        commander.add(incident.commander)
        top = max(top, incident.id)
    widths = [cell_len(label) for _key, label in COLUMNS]
    found = {
        "sev": (cell_len(severity_cell(s, severities).text) for s in severity),
        "id": (len(f"#{top}"),) if top else (),
        "status": (cell_len(status_text(s)) for s in status),
        "commander": (cell_len(commander_text(c)) for c in commander),
        "next": (NEXT_W,) if top else (),
    }
    for n, key in enumerate(KEYS):
        widths[n] = max(widths[n], *found.get(key, ()), 0)
    return widths
