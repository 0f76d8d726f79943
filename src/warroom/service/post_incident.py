"""The post-mortem and the incident's own times: its owner, marking it done, and
when the incident was detected and when customer impact started and ended.

The post-mortem is its own piece of work, not closing: an owner can be named at
any time, its due date comes from the policy (resolution + `postmortem_due`),
and its clock is met when it is marked done. Each change is one unit of work
with its own timeline row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from warroom.domain import sla
from warroom.domain.timefmt import from_iso, to_iso
from warroom.errors import InvalidInput
from warroom.service.base import RoomBase, checked_moment
from warroom.store import incident_writes, queries
from warroom.store.unit_of_work import UnitOfWork

# incident column -> how it is said
TIME_FIELDS = {
    "detected_at": "detected",
    "impact_started_at": "impact started",
    "impact_ended_at": "impact ended",
}


def _said(at: dt.datetime) -> str:
    return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


def _stored(value: Any) -> dt.datetime | None:
    return from_iso(str(value)) if value else None


def earlier_times(declared: dt.datetime, **times: dt.datetime | None) -> dict[str, dt.datetime]:
    """Times given at declaration (detected_at, impact_started_at): checked, none after
    the declaration; column -> moment for those given."""
    found = {}
    for column, at in times.items():
        if at is None:
            continue
        at = checked_moment(at, TIME_FIELDS[column])
        if at > declared:
            raise InvalidInput(
                f"{TIME_FIELDS[column]} {_said(at)} is after the declaration ({_said(declared)})"
            )
        found[column] = at
    return found


class PostIncident(RoomBase):
    """Who owns the post-mortem, whether it is done, and the incident's own times."""

    def postmortem(self, incident_id: int, *, owner: str | None = None, done: bool = False) -> None:
        """Name the post-mortem's owner (any time) and/or mark it done (once resolved)."""
        owner = None if owner is None else owner.strip()
        if owner is None and not done:
            raise InvalidInput("say who owns the post-mortem (--owner NAME) or that it is --done")
        if owner == "":
            raise InvalidInput("a post-mortem owner needs a name")
        with self.unit_of_work() as uow:
            current = uow.incident_fields(
                incident_id, "status", "resolved_at", "postmortem_owner", "postmortem_done_at"
            )
            if current["status"] == "cancelled":
                raise InvalidInput(f"#{incident_id} was cancelled: it has no post-mortem")
            if owner is not None:
                self._name_owner(uow, incident_id, owner, str(current["postmortem_owner"]))
            if done:
                self._mark_done(uow, incident_id, current)

    def _name_owner(self, uow: UnitOfWork, incident_id: int, owner: str, previous: str) -> None:
        if owner == previous:
            raise InvalidInput(f"{owner} already owns the post-mortem of #{incident_id}")
        incident_writes.set_fields(uow, incident_id, {"postmortem_owner": owner})
        was = f" (was {previous})" if previous else ""
        uow.append_timeline(
            incident_id,
            "postmortem",
            f"Post-mortem owner: {owner}{was}",
            data={"owner": owner, "previous": previous},
        )

    def _mark_done(self, uow: UnitOfWork, incident_id: int, current: dict[str, Any]) -> None:
        if current["postmortem_done_at"]:
            raise InvalidInput(
                f"the post-mortem of #{incident_id} was already marked done at"
                f" {_said(from_iso(str(current['postmortem_done_at'])))}"
            )
        if not current["resolved_at"]:
            raise InvalidInput(
                f"#{incident_id} is not resolved yet: the post-mortem is written after"
                " the resolution"
            )
        incident_writes.set_fields(uow, incident_id, {"postmortem_done_at": uow.stamp})
        incident = queries.incident(uow.db, incident_id)
        history = queries.history(uow.db, incident_id)
        due = next(
            (d for d in sla.deadlines(incident, self.policy, history) if d.name == "postmortem"),
            None,
        )
        data: dict[str, Any] = {"done_at": uow.stamp}
        verdict = ""  # a severity the policy does not know has no due date
        if due is not None:
            late = uow.now - due.deadline
            on_time = late <= dt.timedelta(0)
            data |= {"due": to_iso(due.deadline), "on_time": on_time}
            verdict = " (on time)"
            if not on_time:
                missed_by = sla.span(int(late.total_seconds()))
                verdict = f" (due {_said(due.deadline)}; missed by {missed_by})"
        uow.append_timeline(
            incident_id,
            "postmortem",
            f"Post-mortem marked done by {uow.actor.name}{verdict}",
            data=data,
        )

    def set_times(
        self,
        incident_id: int,
        *,
        detected_at: dt.datetime | None = None,
        impact_started_at: dt.datetime | None = None,
        impact_ended_at: dt.datetime | None = None,
    ) -> None:
        """Record when the incident was detected and when customer impact started and
        ended (each optional; given ones replace what was recorded). One timeline row."""
        given = {
            "detected_at": detected_at,
            "impact_started_at": impact_started_at,
            "impact_ended_at": impact_ended_at,
        }
        changes = {
            column: checked_moment(at, TIME_FIELDS[column])
            for column, at in given.items()
            if at is not None
        }
        if not changes:
            raise InvalidInput("give a time: detected, impact started or impact ended")
        now = self.clock.now()
        for column, at in changes.items():
            if at > now:
                raise InvalidInput(f"{TIME_FIELDS[column]} {_said(at)} is in the future")
        with self.unit_of_work(now) as uow:
            current = uow.incident_fields(incident_id, "declared_at", *TIME_FIELDS)
            self._check_times(current, changes)
            self._write_times(uow, incident_id, current, changes)

    def _check_times(self, current: dict[str, Any], changes: dict[str, dt.datetime]) -> None:
        times = {column: _stored(current[column]) for column in TIME_FIELDS} | changes
        declared = from_iso(str(current["declared_at"]))
        detected, started = times["detected_at"], times["impact_started_at"]
        ended = times["impact_ended_at"]
        if detected is not None and detected > declared:
            raise InvalidInput(
                f"detected {_said(detected)} is after the declaration ({_said(declared)})"
            )
        if started is not None and ended is not None and ended < started:
            raise InvalidInput(f"impact ended {_said(ended)} before it started ({_said(started)})")

    def _write_times(
        self,
        uow: UnitOfWork,
        incident_id: int,
        current: dict[str, Any],
        changes: dict[str, dt.datetime],
    ) -> None:
        moved = {c: at for c, at in changes.items() if _stored(current[c]) != at}
        if not moved:
            raise InvalidInput("those times are already recorded")
        incident_writes.set_fields(uow, incident_id, {c: to_iso(at) for c, at in moved.items()})
        said = []
        for column, at in moved.items():
            before = _stored(current[column])
            was = f" (was {_said(before)})" if before else ""
            said.append(f"{TIME_FIELDS[column]} {_said(at)}{was}")
        uow.append_timeline(
            incident_id,
            "impact",
            "Impact times — " + "; ".join(said),
            data={column: to_iso(at) for column, at in moved.items()},
        )
