"""Importing an exported incident: one transaction that writes it under new ids.

Every row of the document is written as it was (authors, times, texts), with
new ids; each reference between rows is remapped: a timeline row's
`supersedes` and the data keys in `transfer.DATA_REFERENCES` (a correction's
`corrects`, a pin's `entry`, a follow-up row's `follow_up` and `from_entry`),
a follow-up's `from_entry`, and checklist items to their checklist. The import
adds nothing of its own (no timeline row), so exporting the imported incident
gives back the same document except for the ids. The channel name is kept as
it was: it names the channel people used, even though it carries the old id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from warroom.domain.timefmt import EARLIEST, LATEST, check_day, stored_time
from warroom.errors import InvalidInput
from warroom.store.db import transaction
from warroom.transfer import FIELDS, LISTS, data_references

if TYPE_CHECKING:
    import sqlite3

    from warroom.service import WarRoom


def _insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cursor = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
    )
    return int(cursor.lastrowid or 0)


def _new_ids(conn: sqlite3.Connection, table: str, old_ids: Iterable[int]) -> dict[int, int]:
    """Fresh ids after the table's last one, in the old ids' order (so the order survives).

    Taken inside the write transaction, so no other writer can take them first.
    """
    last = int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
    return {old: last + n for n, old in enumerate(sorted(old_ids), start=1)}


def _fields(row: dict[str, Any], record: str, *skip: str) -> dict[str, Any]:
    return {name: row[name] for name in FIELDS[record] if name not in skip}


def _records(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, record kind, row) for every row of the document."""
    yield "incident", "incident", document["incident"]
    if document["draft"] is not None:
        yield "draft", "drafts", document["draft"]
    for name in LISTS:
        for i, row in enumerate(document[name]):
            yield f"{name}[{i}]", name, row
    for i, checklist in enumerate(document["checklists"]):
        for j, item in enumerate(checklist["items"]):
            yield f"checklists[{i}].items[{j}]", "checklist_items", item


def check_times(document: dict[str, Any]) -> None:
    """Every time and date lies in the range warroom keeps, or InvalidInput names the field.

    `parse_document` checks this already; the import checks again so a document
    built any other way cannot store a year 0001 that breaks every later read.
    """
    for where, record, row in _records(document):
        for name, kind in FIELDS[record].items():
            value = row.get(name)
            if value is None or kind.rstrip("?") not in ("time", "date"):
                continue
            try:
                if kind.startswith("time"):
                    stored_time(value)
                else:
                    check_day(dt.date.fromisoformat(value))
            except (ValueError, TypeError):
                raise InvalidInput(
                    f"{where}.{name} {value!r} is not a {kind.rstrip('?')} warroom can keep"
                    f" ({EARLIEST:%Y}-{LATEST:%Y})"
                ) from None


def import_incident(room: WarRoom, document: dict[str, Any]) -> int:
    """Write a document checked by `transfer.parse_document`; returns the new incident id."""
    conn = room.db.conn
    room.policy.severity(document["incident"]["severity"])  # one this policy knows, or say so
    check_times(document)
    with transaction(room.db):
        incident = _fields(document["incident"], "incident", "id")
        incident["drill"] = int(incident["drill"])
        incident_id = _insert(conn, "incidents", incident)
        ids = {
            name: _new_ids(conn, name, (row["id"] for row in document[name]))
            for name in ("timeline", "follow_ups")
        }
        for row in sorted(document["timeline"], key=lambda r: r["id"]):
            data = dict(row["data"])
            for key, target in data_references(row):
                data[key] = ids[target][data[key]]
            values = _fields(row, "timeline", "id", "data", "supersedes")
            _insert(
                conn,
                "timeline",
                {
                    "id": ids["timeline"][row["id"]],
                    "incident_id": incident_id,
                    **values,
                    "data": json.dumps(data, sort_keys=True),
                    "supersedes": ids["timeline"].get(row["supersedes"]),
                },
            )
        for item in document["follow_ups"]:
            values = _fields(item, "follow_ups", "id", "from_entry")
            _insert(
                conn,
                "follow_ups",
                {
                    "id": ids["follow_ups"][item["id"]],
                    "incident_id": incident_id,
                    **values,
                    "from_entry": ids["timeline"].get(item["from_entry"]),
                },
            )
        for checklist in document["checklists"]:
            values = _fields(checklist, "checklists", "id", "items")
            checklist_id = _insert(conn, "checklists", {"incident_id": incident_id, **values})
            for item in checklist["items"]:
                _insert(conn, "checklist_items", {"checklist_id": checklist_id, **item})
        for name in [n for n in LISTS if n not in ("timeline", "follow_ups", "checklists")]:
            for row in sorted(document[name], key=lambda r: r["id"]):
                _insert(conn, name, {"incident_id": incident_id, **_fields(row, name, "id")})
        if document["draft"] is not None:
            _insert(conn, "drafts", {"incident_id": incident_id, **document["draft"]})
    return incident_id
