"""Status updates: posting one (the update timer restarts) and the draft being written."""

from __future__ import annotations

from warroom.domain.templates import AUDIENCES
from warroom.errors import InvalidInput
from warroom.service.base import RoomBase
from warroom.store import update_writes


class Updates(RoomBase):
    """Status updates that went out, and the one being written."""

    def post_update(
        self, incident_id: int, body: str, *, audience: str = "internal", template: str = ""
    ) -> int:
        """Record a status update that went out; the update timer restarts and the
        draft is gone."""
        body = body.strip()
        if not body:
            raise InvalidInput("an empty update was not posted")
        if audience not in AUDIENCES:
            raise InvalidInput(f"unknown audience {audience!r} (expected internal or external)")
        with self.unit_of_work() as uow:
            uow.require_incident(incident_id)
            update_id = update_writes.insert_update(
                uow, incident_id, audience=audience, template=template, body=body
            )
            first_line = body.splitlines()[0]
            uow.append_timeline(
                incident_id,
                "update_posted",
                f"{audience.capitalize()} update posted: {first_line}",
                data={"audience": audience, "template": template},
            )
            return update_id

    def save_draft(self, incident_id: int, template: str, body: str) -> None:
        """Keep the update being written (it survives closing the console)."""
        with self.unit_of_work() as uow:
            uow.require_incident(incident_id)
            update_writes.save_draft(uow, incident_id, template=template, body=body)

    def discard_draft(self, incident_id: int) -> None:
        """Throw away the incident's unposted status update."""
        with self.unit_of_work() as uow:
            update_writes.delete_draft(uow, incident_id)
