"""Importing an exported incident: one transaction that writes it under new ids.

Every row of the document is written as it was (authors, times, texts), with
new ids; each reference between rows is remapped: a timeline row's
`supersedes` and the data keys in `transfer.DATA_REFERENCES` (a correction's
`corrects`, a pin's `entry`, a follow-up row's `follow_up` and `from_entry`, an
alert row's `alert`), a follow-up's `from_entry`, checklist items to their
checklist, and an alert's signals (bodies as received) to their alert. The import
adds nothing of its own (no timeline row), so exporting the imported incident
gives back the same document except for the ids. The channel name is kept as
it was: it names the channel people used, even though it carries the old id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from warroom.domain.timefmt import EARLIEST, LATEST, check_day, stored_time
from warroom.errors import InvalidInput
from warroom.service.base import RoomBase
from warroom.store.transfer_writes import insert_row, new_ids


def _fields(row: dict[str, Any], record: str, *skip: str) -> dict[str, Any]:
    from warroom.transfer import FIELDS

    return {name: row[name] for name in FIELDS[record] if name not in skip}


def _records(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, record kind, row) for every row of the document."""
    from warroom.transfer import LISTS

    yield "incident", "incident", document["incident"]
    if document["draft"] is not None:
        yield "draft", "drafts", document["draft"]
    for name in LISTS:
        for i, row in enumerate(document[name]):
            yield f"{name}[{i}]", name, row
    for i, checklist in enumerate(document["checklists"]):
        for j, item in enumerate(checklist["items"]):
            yield f"checklists[{i}].items[{j}]", "checklist_items", item
    for i, alert in enumerate(document["alerts"]):
        for j, signal in enumerate(alert["signals"]):
            yield f"alerts[{i}].signals[{j}]", "alert_signals", signal


def check_times(document: dict[str, Any]) -> None:
    """Every time and date lies in the range warroom keeps, or InvalidInput names the field.

    `parse_document` checks this already; the import checks again so a document
    built any other way cannot store a year 0001 that breaks every later read.
    """
    from warroom.transfer import FIELDS

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


class Transfer(RoomBase):
    """Bringing an exported incident in."""

    def import_incident(self, document: dict[str, Any]) -> int:
        """Write a document checked by `transfer.parse_document`; returns the new incident id."""
        # the export module (and the post-mortem it renders) only when importing
        from warroom.transfer import LISTS, data_references

        self.policy.severity(document["incident"]["severity"])  # one this policy knows, or say so
        known = self.policy.incident_roles
        for i, row in enumerate(document["roles"]):
            if known.find(row["role"]) is None:  # roles come from the policy (ladder-and-roles)
                raise InvalidInput(
                    f"roles[{i}].role {row['role']!r} is not one of: {', '.join(known.labels)}"
                )
        check_times(document)
        with self.unit_of_work() as uow:
            incident = _fields(document["incident"], "incident", "id")
            incident["drill"] = int(incident["drill"])
            incident_id = insert_row(uow, "incidents", incident)
            ids = {
                name: new_ids(uow, name, (row["id"] for row in document[name]))
                for name in ("timeline", "follow_ups", "alerts")
            }
            # the alerts first: the timeline's alert rows name them
            for alert in sorted(document["alerts"], key=lambda r: r["id"]):
                values = _fields(alert, "alerts", "id", "signals", "labels", "links")
                alert_id = insert_row(
                    uow,
                    "alerts",
                    {
                        "id": ids["alerts"][alert["id"]],
                        "incident_id": incident_id,
                        **values,
                        "labels": json.dumps(alert["labels"], ensure_ascii=False),
                        "links": json.dumps(alert["links"], ensure_ascii=False),
                    },
                )
                for signal in alert["signals"]:
                    insert_row(uow, "alert_signals", {"alert_id": alert_id, **signal})
            for row in sorted(document["timeline"], key=lambda r: r["id"]):
                data = dict(row["data"])
                for key, target in data_references(row):
                    data[key] = ids[target][data[key]]
                values = _fields(row, "timeline", "id", "data", "supersedes")
                insert_row(
                    uow,
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
                insert_row(
                    uow,
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
                checklist_id = insert_row(uow, "checklists", {"incident_id": incident_id, **values})
                for item in checklist["items"]:
                    insert_row(uow, "checklist_items", {"checklist_id": checklist_id, **item})
            done = ("timeline", "follow_ups", "checklists", "alerts")
            for name in [n for n in LISTS if n not in done]:
                for row in sorted(document[name], key=lambda r: r["id"]):
                    insert_row(uow, name, {"incident_id": incident_id, **_fields(row, name, "id")})
            if document["draft"] is not None:
                insert_row(uow, "drafts", {"incident_id": incident_id, **document["draft"]})
        return incident_id
