"""The incident's own actions: declare, status, severity, kind, acknowledge, roles,
impact and the commander's hand-off.

Each action is ONE unit of work (BEGIN IMMEDIATE) that changes state and
appends the matching timeline row, so the timeline is the complete record.
Actions write what the user did ("set status to fixing"), never a copy of a
whole row, so two consoles cannot overwrite each other's changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from warroom.domain import lifecycle
from warroom.domain.timefmt import to_iso
from warroom.domain.vocabulary import parse_incident_kind, parse_status
from warroom.errors import InvalidInput, WarroomError
from warroom.service.base import RoomBase, checked_moment
from warroom.service.checklists import attach_matching
from warroom.service.pages import queue_event, queue_resolved
from warroom.service.post_incident import earlier_times
from warroom.service.runbook_sync import tick_what_happened
from warroom.store import incident_writes
from warroom.store.unit_of_work import UnitOfWork

IMPACT_FIELDS = {
    "users": "impact_users",
    "services": "impact_services",
    "business": "impact_business",
}


class Incidents(RoomBase):
    """Declaring and re-classifying incidents, who holds which role, and the impact."""

    def declare(
        self,
        title: str,
        severity: str,
        kind: str = "availability",
        summary: str = "",
        *,
        commander: str | None = None,
        drill: bool = False,
        declared_at: dt.datetime | None = None,
        detected_at: dt.datetime | None = None,
        impact_started_at: dt.datetime | None = None,
        impact: Mapping[str, str] | None = None,
    ) -> int:
        """Declare an incident; the declarer commands unless someone else is named.

        `detected_at` / `impact_started_at` (optional, not after the declaration):
        when it was detected (an alert's start) and when customer impact began.
        `impact`: users= / services= / business= known at declaration, recorded in
        the same transaction (with its own `impact` timeline row).
        """
        known = {k: v.strip() for k, v in (impact or {}).items() if v.strip()}
        if unknown := set(known) - set(IMPACT_FIELDS):
            raise InvalidInput(
                f"unknown impact field {sorted(unknown)[0]!r} (expected users, services, business)"
            )
        title = title.strip()
        if not title:
            raise InvalidInput("an incident needs a title")
        sev = self.policy.severity(severity)
        kind = parse_incident_kind(kind)
        commander = (commander or "").strip() or self.actor.name
        now = self.clock.now()
        declared = now if declared_at is None else checked_moment(declared_at, "declared at")
        if declared > now:
            raise InvalidInput("an incident cannot be declared in the future")
        started = earlier_times(
            declared, detected_at=detected_at, impact_started_at=impact_started_at
        )
        with self.unit_of_work(now) as uow:
            incident_id = self.declare_in(
                uow,
                title,
                sev.name,
                kind,
                summary.strip(),
                commander,
                drill,
                declared,
                started,
                impact=known,
            )
        return incident_id

    def declare_in(
        self,
        uow: UnitOfWork,
        title: str,
        severity: str,
        kind: str,
        summary: str,
        commander: str,
        drill: bool,
        declared: dt.datetime,
        started: dict[str, dt.datetime],
        impact: Mapping[str, str] | None = None,
    ) -> int:
        """The declaration's writes inside `uow` (checked values; `started`: detected_at /
        impact_started_at; `impact`: checked users / services / business known now), for
        `declare` and for an alert that opens an incident."""
        incident_id = incident_writes.insert_incident(
            uow,
            title=title,
            severity=severity,
            kind=kind,
            summary=summary,
            commander=commander,
            drill=drill,
            declared=declared,
        )
        incident_writes.set_role(uow, incident_id, "commander", commander, declared)
        if started:
            incident_writes.set_fields(uow, incident_id, {k: to_iso(v) for k, v in started.items()})
        drill_note = " (drill)" if drill else ""
        uow.append_timeline(
            incident_id,
            "declared",
            f"Declared {severity} {kind} incident{drill_note}: {title}. Commander: {commander}",
            at=declared,
            data={"severity": severity, "kind": kind, "commander": commander, "drill": drill}
            | {k: to_iso(v) for k, v in started.items()},
        )
        if impact:
            incident_writes.set_fields(
                uow, incident_id, {IMPACT_FIELDS[k]: v for k, v in impact.items()}
            )
            described = "; ".join(f"{k}: {v}" for k, v in impact.items())
            uow.append_timeline(
                incident_id, "impact", f"Impact — {described}", at=declared, data=dict(impact)
            )
        attach_matching(uow, self.runbooks, incident_id, policy=self.policy)
        queue_event(
            uow,
            self.policy,
            incident_id,
            "declared",
            "declared",
            f"declared ({kind})",
            [commander, *self.policy.pages.subscribers],
            not_to=uow.actor.name,
        )
        return incident_id

    def set_status(
        self, incident_id: int, status: str, *, postmortem_owner: str | None = None
    ) -> str:
        """Move along the lifecycle; returns the previous status.

        Closing names who owns the post-mortem (unless the policy relaxes it).
        """
        new = parse_status(status)
        owner = (postmortem_owner or "").strip()
        with self.unit_of_work() as uow:
            current = uow.incident_fields(
                incident_id, "status", "mitigated_at", "postmortem_owner", "postmortem_done_at"
            )
            old = str(current["status"])
            lifecycle.check_transition(old, new)
            stamps = lifecycle.stamps_for(old, new)
            if stamps.get("mitigated_at") and current["mitigated_at"]:
                del stamps["mitigated_at"]  # first mitigation counts, not a later one
            sets: dict[str, Any] = {"status": new} | {
                k: (uow.stamp if v == "now" else None) for k, v in stamps.items()
            }
            text = f"Status {old} → {new}"
            data: dict[str, Any] = {"from": old, "to": new}
            if "postmortem_done_at" in stamps and current["postmortem_done_at"]:
                # reopened: the post-mortem is to do again (when it was done stays said here)
                text += ". The post-mortem is no longer marked done"
                data["postmortem_undone"] = current["postmortem_done_at"]
            if new == "closed":
                owner = owner or str(current["postmortem_owner"])
                if not owner and self.policy.require_postmortem_owner:
                    raise InvalidInput(
                        f"closing #{incident_id} needs a post-mortem owner "
                        "(the policy's require_postmortem_owner)"
                    )
                sets["postmortem_owner"] = owner
                still_open = incident_writes.open_follow_up_count(uow, incident_id)
                text += f". Post-mortem owner: {owner or 'none'}; open follow-ups: {still_open}"
                data |= {"postmortem_owner": owner, "open_follow_ups": still_open}
            incident_writes.set_fields(uow, incident_id, sets)
            row_id = uow.append_timeline(incident_id, "status", text, data=data)
            if new == "resolved":
                queue_resolved(uow, self.policy, incident_id, row_id, not_to=self.actor.name)
            happened = [k.removesuffix("_at") for k, v in sets.items() if k.endswith("_at") and v]
            self._follow_status(uow, incident_id, happened)
        return old

    def _follow_status(self, uow: UnitOfWork, incident_id: int, events: list[str]) -> None:
        """Runbooks that attach at the new status (post-incident once resolved), and the
        items the status change did; a team runbook file that cannot be read never
        stops a status change (the next declare or `runbook check` names it)."""
        try:
            runbooks = self.runbooks
        except WarroomError:
            for event in events:
                tick_what_happened(uow, incident_id, event)
            return
        attach_matching(uow, runbooks, incident_id, policy=self.policy, events=events)

    def set_severity(self, incident_id: int, severity: str) -> str:
        """Re-classify; returns the previous severity."""
        return self._reclassify(incident_id, "severity", self.policy.severity(severity).name)

    def set_kind(self, incident_id: int, kind: str) -> str:
        """Re-classify the kind (availability, performance, security, data)."""
        return self._reclassify(incident_id, "kind", parse_incident_kind(kind))

    def _reclassify(self, incident_id: int, field: str, new: str) -> str:
        """The incident's `field` (severity or kind) made `new`, with its timeline row and
        the runbooks that now apply; returns the previous value."""
        with self.unit_of_work() as uow:
            old = str(uow.incident_fields(incident_id, field)[field])
            if old == new:
                raise InvalidInput(f"incident #{incident_id} is already {new}")
            incident_writes.set_fields(uow, incident_id, {field: new})
            uow.append_timeline(
                incident_id,
                field,
                f"{field.capitalize()} {old} → {new}",
                data={"from": old, "to": new},
            )
            attach_matching(uow, self.runbooks, incident_id, policy=self.policy)
        return old

    def acknowledge(self, incident_id: int) -> None:
        """Someone has picked the incident up: stops the acknowledge clock."""
        with self.unit_of_work() as uow:
            current = uow.incident_fields(incident_id, "acknowledged_at")
            if current["acknowledged_at"]:
                when = current["acknowledged_at"]
                raise InvalidInput(f"incident #{incident_id} was already acknowledged at {when}")
            incident_writes.set_fields(uow, incident_id, {"acknowledged_at": uow.stamp})
            uow.append_timeline(incident_id, "ack", f"Acknowledged by {self.actor.name}")
            tick_what_happened(uow, incident_id, "acknowledged")

    def assign_role(self, incident_id: int, role: str, person: str) -> str | None:
        """Give `role` (one the policy lists) to `person`; returns who held it before
        when the role holds one person (command), else None.

        Any other role may hold several people: a second SME is added beside the
        first (`unassign_role` takes one away).
        """
        roles = self.policy.incident_roles
        role = roles.parse(role)
        label = roles.label(role)
        person = person.strip()
        if not person:
            raise InvalidInput("a role needs a person's name")
        with self.unit_of_work() as uow:
            uow.require_incident(incident_id)
            held = incident_writes.current_holders(uow, incident_id, role)
            same = next((p for p in held if p.casefold() == person.casefold()), None)
            if same is not None:
                raise InvalidInput(f"{same} is already {label}")
            if roles.single_holder(role):
                previous = incident_writes.set_role(uow, incident_id, role, person, uow.now)
                was = f" (was {previous})" if previous else ""
                text = f"{person} is now {label}{was}"
            else:
                incident_writes.add_role_holder(uow, incident_id, role, person, uow.now)
                previous = None
                text = f"{person} is now {label}"
                if held:
                    text = f"{person} is now also {label} (with {', '.join(held)})"
            uow.append_timeline(
                incident_id,
                "role",
                text,
                data={"role": role, "person": person, "previous": previous, "holders": [*held]},
            )
            tick_what_happened(uow, incident_id, f"role:{role}")
        return previous

    def unassign_role(self, incident_id: int, role: str, person: str) -> None:
        """`person` no longer holds `role` (the others who hold it keep it). Command
        cannot be left empty: hand it off instead."""
        roles = self.policy.incident_roles
        role = roles.parse(role)
        label = roles.label(role)
        person = person.strip()
        if roles.single_holder(role):
            raise InvalidInput(f"{label} cannot be left empty: hand command to someone instead")
        with self.unit_of_work() as uow:
            uow.require_incident(incident_id)
            held = incident_writes.current_holders(uow, incident_id, role)
            match = next((p for p in held if p.casefold() == person.casefold()), None)
            if match is None:
                holders = ", ".join(held) or "nobody"
                raise InvalidInput(f"{person} is not {label} on #{incident_id} (held by {holders})")
            incident_writes.end_role_holder(uow, incident_id, role, match, uow.now)
            left = [p for p in held if p != match]
            still = f" ({', '.join(left)} still is)" if left else ""
            uow.append_timeline(
                incident_id,
                "role",
                f"{match} is no longer {label}{still}",
                data={"role": role, "person": match, "ended": True, "holders": left},
            )

    def hand_off(self, incident_id: int, person: str, note: str) -> str:
        """The commander hands command to `person`, with a note on state, TODOs, next steps.

        One transaction: the role moves and the note is logged. Returns the old commander.
        """
        person, note = person.strip(), note.strip()
        if not person:
            raise InvalidInput("a hand-off needs the person taking command")
        if not note:
            raise InvalidInput("a hand-off needs a note (state, open TODOs, next steps)")
        with self.unit_of_work() as uow:
            uow.require_incident(incident_id)
            previous = incident_writes.set_role(uow, incident_id, "commander", person, uow.now)
            if previous == person:
                raise InvalidInput(f"{person} already has command")
            uow.append_timeline(
                incident_id,
                "role",
                f"Hand-off: {previous or 'nobody'} → {person} has command. {note}",
                data={"role": "commander", "person": person, "previous": previous, "handoff": note},
            )
        return previous or ""

    def set_impact(self, incident_id: int, **impact: str) -> None:
        """Record impact: any of users=, services=, business= (text as typed)."""
        unknown = set(impact) - set(IMPACT_FIELDS)
        if unknown:
            raise InvalidInput(
                f"unknown impact field {sorted(unknown)[0]!r} (expected users, services, business)"
            )
        with self.unit_of_work() as uow:
            current = uow.incident_fields(incident_id, *IMPACT_FIELDS.values())
            changed = {
                name: value.strip()
                for name, value in impact.items()
                if value.strip() != current[IMPACT_FIELDS[name]]
            }
            if not changed:
                raise InvalidInput("impact unchanged")
            incident_writes.set_fields(
                uow, incident_id, {IMPACT_FIELDS[k]: v for k, v in changed.items()}
            )
            described = "; ".join(f"{k}: {v or '(cleared)'}" for k, v in changed.items())
            uow.append_timeline(incident_id, "impact", f"Impact — {described}", data=changed)
