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

`WarRoom` (war_room.py) is every area composed; it is imported when first asked
for, so `warroom log` and `warroom ack` import only the areas they act through
(log_room.py, ack_room.py) and not the other mixins' modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warroom.service.war_room import WarRoom


def __getattr__(name: str) -> Any:
    if name == "WarRoom":  # every area's module, imported when first asked for
        from warroom.service.war_room import WarRoom

        globals()["WarRoom"] = WarRoom
        return WarRoom
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["WarRoom"]
