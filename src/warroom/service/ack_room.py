"""`AckRoom`: what `warroom ack` acts through, a `WarRoom` with fewer areas (the
incident actions, the sweep before them, the policy check; see log_room.py)."""

from __future__ import annotations

from warroom.service.clocks import Clocks
from warroom.service.incidents import Incidents
from warroom.service.policy_records import PolicyRecords


class AckRoom(Incidents, Clocks, PolicyRecords):
    """`warroom ack`: the incident acknowledged (see log_room.py)."""
