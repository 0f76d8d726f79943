"""The single door for every write: the user and system actions, one module per
area of the war room.

Each action is ONE unit of work (`RoomBase.unit_of_work`, a BEGIN IMMEDIATE
transaction the store opens) that changes state and appends its timeline row;
the statements themselves live in `store/` (`store/*_writes.py`).

    incidents.py   declare, status, severity, kind, acknowledge, roles, impact, hand-off
    scribe.py      log, correct, strike, pin, follow-ups
    checklists.py  attach / detach runbooks, tick, answer
    clocks.py      sweep (breaches, auto-escalation), escalate, the notify hook
    updates.py     post a status update, drafts
    transfer.py    import an exported incident
    policy_records.py  the policy in effect: recorded once, compared by every process
    runbook_sync.py    checklists that follow the incident (attach, replace, system ticks)
    post_incident.py  the post-mortem (owner, done), detected and impact times
    alerts.py      alerts from monitoring: declare, update, log their resolution
    pages.py       pages to people: queued with their cause, delivered in rounds
    engines.py     the record of a running engine (`warroom engine`): started, heard, stopped
"""

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


__all__ = ["WarRoom"]
