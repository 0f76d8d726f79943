"""Re-classifying an incident (severity, kind): the field changes, one timeline row says
from what to what, the previous value comes back, and the same value is refused."""

from __future__ import annotations

import pytest
import sqlite_utils

from warroom.errors import InvalidInput, NotFound
from warroom.service import WarRoom
from warroom.store import read_model


def _last_row(db: sqlite_utils.Database, incident_id: int) -> tuple[str, str, dict[str, str]]:
    row = read_model.timeline(db, incident_id)[-1]
    return row.kind, row.text, row.data


def test_severity_and_kind_change_with_their_timeline_row(
    db: sqlite_utils.Database, room: WarRoom
) -> None:
    incident_id = room.declare("Checkout down", "P2", kind="availability")
    assert room.set_severity(incident_id, "P0") == "P2"
    assert _last_row(db, incident_id) == (
        "severity",
        "Severity P2 → P0",
        {"from": "P2", "to": "P0"},
    )
    assert room.set_kind(incident_id, "security") == "availability"
    assert _last_row(db, incident_id) == (
        "kind",
        "Kind availability → security",
        {"from": "availability", "to": "security"},
    )
    incident = read_model.incident(db, incident_id)
    assert (incident.severity, incident.kind) == ("P0", "security")


def test_the_same_value_or_an_unknown_incident_is_refused_and_writes_nothing(
    db: sqlite_utils.Database, room: WarRoom
) -> None:
    incident_id = room.declare("Checkout down", "P2", kind="availability")
    rows = len(read_model.timeline(db, incident_id))
    with pytest.raises(InvalidInput, match=rf"^incident #{incident_id} is already P2$"):
        room.set_severity(incident_id, "P2")
    with pytest.raises(InvalidInput, match=rf"^incident #{incident_id} is already availability$"):
        room.set_kind(incident_id, "availability")
    assert len(read_model.timeline(db, incident_id)) == rows
    with pytest.raises(NotFound, match="no incident #99"):
        room.set_severity(99, "P1")
    with pytest.raises(NotFound, match="no incident #99"):
        room.set_kind(99, "data")
