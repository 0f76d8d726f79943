"""Checklist actions: attach and detach runbooks, tick, untick, answer.

Ticks are operations, not row copies (see store/checklist_writes.py), so two
engineers ticking different items at the same moment both survive.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from warroom.domain.policy import Policy
from warroom.errors import InvalidInput, NotFound
from warroom.service.assessment import fill_impact
from warroom.service.base import RoomBase
from warroom.service.runbook_sync import follow_incident, tick_what_happened
from warroom.store import checklist_writes
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from warroom.domain.runbooks import Runbook


def attach_runbook_in(uow: UnitOfWork, incident_id: int, runbook: Runbook) -> int:
    """Copy a runbook's items onto the incident, inside the caller's unit of work."""
    steps = runbook.steps()
    checklist_id = checklist_writes.insert_checklist(uow, incident_id, runbook, steps)
    uow.append_timeline(
        incident_id,
        "checklist",
        f"Runbook attached: {runbook.title} ({len(steps)} items)",
        data={"runbook": runbook.id, "items": len(steps)},
    )
    return checklist_id


def attach_matching(
    uow: UnitOfWork,
    runbooks: Sequence[Runbook],
    incident_id: int,
    severity: str = "",
    kind: str = "",
    *,
    policy: Policy | None = None,
    events: Collection[str] = (),
) -> list[str]:
    """Bring the incident's runbooks in line with what it is now, inside the caller's
    unit of work (declaring or re-classifying it): see runbook_sync.follow_incident.
    `severity` and `kind` are read from the incident; they are kept for old callers."""
    del severity, kind
    return follow_incident(uow, runbooks, incident_id, policy, events)


def resolve_item(uow: UnitOfWork, incident_id: int, ref: str) -> tuple[int, str, str, str]:
    """An item by its number in `warroom checklist ID` or by its key: (id, text, ask, key)."""
    from warroom.store import checklist_queries  # its checklist records: not on log's path

    items = [i for c in checklist_queries.checklists(uow.db, incident_id) for i in c.items]
    ref = ref.strip()
    for item in items:
        if ref == item.key or (ref.isdigit() and int(ref) == item.number):
            return item.id, item.text, item.ask, item.key
    raise NotFound(f"#{incident_id} has no checklist item {ref!r}")


class Checklists(RoomBase):
    """Runbook checklists on an incident."""

    def attach_runbook(self, incident_id: int, runbook_id: str) -> int:
        """Attach a runbook's checklist to the incident (whether or not it applies)."""
        runbook = next((r for r in self.runbooks if r.id == runbook_id), None)
        if runbook is None:
            known = ", ".join(r.id for r in self.runbooks) or "none loaded"
            raise InvalidInput(f"unknown runbook {runbook_id!r} (known: {known})")
        with self.unit_of_work() as uow:
            uow.require_incident(incident_id)
            if checklist_writes.attached_checklist(uow, incident_id, runbook_id) is not None:
                raise InvalidInput(f"runbook {runbook_id!r} is already attached to #{incident_id}")
            checklist_id = attach_runbook_in(uow, incident_id, runbook)
            # e.g. attached after the acknowledgement: its acknowledge item is done
            tick_what_happened(uow, incident_id, checklist_id=checklist_id)
            return checklist_id

    def detach_runbook(self, incident_id: int, runbook_id: str) -> None:
        """Take a runbook's checklist off the incident; its ticks stay in the record."""
        with self.unit_of_work() as uow:
            found = checklist_writes.attached_checklist(uow, incident_id, runbook_id)
            if found is None:
                raise NotFound(f"runbook {runbook_id!r} is not attached to #{incident_id}")
            checklist_id, title = found
            checklist_writes.detach_checklist(uow, checklist_id)
            uow.append_timeline(
                incident_id,
                "checklist",
                f"Runbook detached: {title}",
                data={"runbook": runbook_id, "detached": True},
            )

    def tick(self, incident_id: int, item: str, *, done: bool = True) -> None:
        """Tick (or untick) a checklist item, by number or key; ticking a ticked item
        changes nothing and says so."""
        with self.unit_of_work() as uow:
            item_id, text, _, key = resolve_item(uow, incident_id, item)
            if done:
                changed = checklist_writes.tick_item(uow, item_id)
            else:
                changed = checklist_writes.untick_item(uow, item_id)
            if not changed:
                who, when = checklist_writes.ticked_by(uow, item_id)
                if done:
                    raise InvalidInput(f"already ticked by {who} at {when}: {text}")
                raise InvalidInput(f"not ticked: {text}")
            verb = "Ticked" if done else "Unticked"
            uow.append_timeline(
                incident_id, "checklist", f"{verb}: {text}", data={"item": key, "done": done}
            )

    def answer(self, incident_id: int, item: str, reply: str) -> None:
        """Answer a checklist question (an `ask:` item): the answer is kept for update
        templates and the item ticked; an item that describes an impact field (users,
        services) fills it when the incident has none yet (service/assessment.py)."""
        reply = reply.strip()
        if not reply:
            raise InvalidInput("an empty answer was not recorded")
        with self.unit_of_work() as uow:
            item_id, text, ask, key = resolve_item(uow, incident_id, item)
            if not ask:
                raise InvalidInput(f"item asks no question: {text}")
            checklist_writes.answer_item(uow, item_id, reply)
            uow.append_timeline(
                incident_id,
                "checklist",
                f"Answered: {ask} — {reply}",
                data={"item": key, "question": ask, "answer": reply},
            )
            fill_impact(uow, self.runbooks, incident_id, key, reply)
