"""`LogRoom`: what `warroom log` acts through, a `WarRoom` with fewer areas.

A plain `warroom log` (cli/quick.py) needs the scribe's action and what every
writing command does first: its incident's due clocks swept (`Clocks`) and this
policy checked against the recorded one (`PolicyRecords`). The same mixins as
`WarRoom`'s, and no area overrides another's methods, so each action behaves
exactly as on `WarRoom`; the other areas' modules (incidents with their
checklists and runbooks, alerts, updates, transfer, engines) are never imported,
and each module imported is start-up time (see also ack_room.py).
"""

from __future__ import annotations

from warroom.service.clocks import Clocks
from warroom.service.policy_records import PolicyRecords
from warroom.service.scribe import Scribe


class LogRoom(Scribe, Clocks, PolicyRecords):
    """`warroom log`: an entry on the timeline (see the module)."""
