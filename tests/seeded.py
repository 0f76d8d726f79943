"""The eight incidents the read-model, deadline-board and first-rows tests start from
(`seed`, or the `seeded` fixture in conftest.py): every status, mixed deadlines, some
overdue, one acknowledged and updated, one with people and a rung."""

from __future__ import annotations

import datetime as dt

from tests.conftest import T0
from warroom.clock import FrozenClock
from warroom.service import WarRoom
from warroom.store import read_model

# (title, severity, declared minutes before T0, status it ends in)
SEEDED = [
    ("old P2", "P2", 180, "investigating"),
    ("new P0", "P0", 10, "investigating"),
    ("older P1 monitoring", "P1", 120, "monitoring"),
    ("newer P1", "P1", 30, "investigating"),
    ("P0 resolved long ago", "P0", 300, "resolved"),
    ("P3 cancelled", "P3", 60, "cancelled"),
    ("P1 closed", "P1", 240, "closed"),
    ("second new P0", "P0", 10, "investigating"),
]
# live before ended; most severe first; longest-running first; ties by id
LIVE = ["new P0", "second new P0", "older P1 monitoring", "newer P1", "old P2"]
ENDED = ["P0 resolved long ago", "P1 closed", "P3 cancelled"]
# issue 14: a resolved incident stays listed (after the live ones) until it is closed
LISTED = [*LIVE, "P0 resolved long ago"]


def seed(room: WarRoom, clock: FrozenClock) -> dict[str, int]:
    """SEEDED declared, moved along and given mixed deadlines; title -> id."""
    ids = {}
    for title, severity, minutes, status in SEEDED:
        number = room.declare(title, severity, declared_at=T0 - dt.timedelta(minutes=minutes))
        ids[title] = number
        if status == "closed":
            room.set_status(number, "resolved")
            room.set_status(number, "closed", postmortem_owner="Ana")
        elif status != "investigating":
            room.set_status(number, status)
    # deadlines mixed: one acknowledged with an update posted, one with people and a rung
    room.acknowledge(ids["newer P1"])
    room.post_update(ids["newer P1"], "Looking into it.")
    room.assign_role(ids["new P0"], "scribe", "Tom")
    room.assign_role(ids["new P0"], "tech-lead", "Priya")
    room.escalate(ids["new P0"])
    clock.step(minutes=20)  # some timers overdue now, some not
    return ids


def same_list(a: read_model.IncidentList, b: read_model.IncidentList) -> bool:
    """Whether two list reads say the same: incidents, clock inputs and breaches."""
    return (a.incidents, dict(a.clocks), a.breaches) == (b.incidents, dict(b.clocks), b.breaches)
