"""Status updates: posting one (its audience's update clock restarts) and the draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.errors import InvalidInput
from warroom.service.base import RoomBase
from warroom.store import queries, update_writes

if TYPE_CHECKING:
    from warroom.domain.update_effect import UpdatePosted


class Updates(RoomBase):
    """Status updates that went out, and the one being written."""

    def post_update(
        self, incident_id: int, body: str, *, audience: str = "internal", template: str = ""
    ) -> UpdatePosted:
        """Record a status update that went out; its audience's update clock restarts
        (none once resolved) and the draft is gone. Says what it did to the clocks."""
        # templates and their clocks only when posting: `log` and `ack` never need them
        from warroom.domain.templates import AUDIENCES
        from warroom.domain.update_effect import UpdatePosted, posting_effect
        from warroom.store import update_queries

        body = body.strip()
        if not body:
            raise InvalidInput("an empty update was not posted")
        if audience not in AUDIENCES:
            raise InvalidInput(f"unknown audience {audience!r} (expected internal or external)")
        with self.unit_of_work() as uow:
            before = queries.incident(uow.db, incident_id)
            first = audience == "external" and not update_queries.has_external(uow.db, incident_id)
            effect = posting_effect(before, self.policy, audience, first=first)
            update_id = update_writes.insert_update(
                uow, incident_id, audience=audience, template=template, body=body
            )
            first_line = body.splitlines()[0]
            uow.append_timeline(
                incident_id,
                "update_posted",
                f"{audience.capitalize()} update posted: {first_line}",
                data={"audience": audience, "template": template, "effect": effect},
            )
            return UpdatePosted(update_id, effect)

    def save_draft(self, incident_id: int, template: str, body: str) -> None:
        """Keep the update being written (it survives closing the console)."""
        with self.unit_of_work() as uow:
            uow.require_incident(incident_id)
            update_writes.save_draft(uow, incident_id, template=template, body=body)

    def discard_draft(self, incident_id: int) -> None:
        """Throw away the incident's unposted status update."""
        with self.unit_of_work() as uow:
            update_writes.delete_draft(uow, incident_id)
