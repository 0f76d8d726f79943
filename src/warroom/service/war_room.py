"""`WarRoom`: every area of the war room over one connection, as one actor, on one
clock (see the package's note)."""

from __future__ import annotations

from warroom.service.alerts import Alerts
from warroom.service.checklists import Checklists
from warroom.service.clocks import Clocks
from warroom.service.engines import Engines
from warroom.service.incidents import Incidents
from warroom.service.pages import Pages
from warroom.service.policy_records import PolicyRecords
from warroom.service.post_incident import PostIncident
from warroom.service.scribe import Scribe
from warroom.service.transfer import Transfer
from warroom.service.updates import Updates


class WarRoom(
    Alerts,  # an Incidents too (an alert declares): listed before it
    Incidents,
    Scribe,
    Checklists,
    Clocks,
    Updates,
    Transfer,
    PolicyRecords,
    PostIncident,
    Pages,
    Engines,
):
    """Every action over one database connection, as one actor, on one clock:
    `WarRoom(db, clock, actor, policy, runbooks)`."""
