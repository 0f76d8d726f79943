"""The single door for every write: one function per user action.

Each action is ONE transaction (BEGIN IMMEDIATE) that changes state and
appends the matching timeline row, so the timeline is the complete record.
Actions write what the user did ("set status to fixing"), never a copy of a
whole row, so two consoles cannot overwrite each other's changes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from warroom import service_checklists, service_clocks, service_scribe
from warroom.clock import Clock
from warroom.domain import lifecycle
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.runbooks import Runbook
from warroom.domain.timefmt import check_moment, to_iso
from warroom.domain.vocabulary import (
    ROLES,
    SYSTEM_AUTHOR,
    parse_entry_kind,
    parse_incident_kind,
    parse_role,
    parse_status,
)
from warroom.errors import InvalidInput, NotFound
from warroom.store.db import transaction

IMPACT_FIELDS = {
    "users": "impact_users",
    "services": "impact_services",
    "business": "impact_business",
}


def checked_moment(at: dt.datetime, what: str) -> dt.datetime:
    """A time given to an action (CLI, console, import): refused, naming `what`, unless
    it is zoned and inside the range warroom keeps; a stored year 0999 or 9999 would
    break every later read and clock."""
    try:
        return check_moment(at, what)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


class WarRoom:
    """The user actions over one database connection, as one actor, on one clock."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        clock: Clock,
        actor: Actor,
        policy: Policy,
        runbooks: Sequence[Runbook] = (),
    ):
        self.db = db
        self.clock = clock
        self.actor = actor
        self.policy = policy
        self.runbooks = tuple(runbooks)  # attached automatically where they apply

    # -- helpers -------------------------------------------------------------

    def _current(self, incident_id: int, *columns: str) -> dict[str, Any]:
        cols = ", ".join(columns)
        row = self.db.conn.execute(
            f"SELECT {cols} FROM incidents WHERE id = ?", (incident_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no incident #{incident_id}")
        return dict(zip(columns, row, strict=True))

    def _append(
        self,
        incident_id: int,
        kind: str,
        text: str,
        *,
        now: dt.datetime,
        at: dt.datetime | None = None,
        data: dict[str, Any] | None = None,
        supersedes: int | None = None,
        automatic: bool = False,
    ) -> int:
        """Write one timeline row. `automatic`: the system's own event (a breach, a
        rung reached on time), signed as warroom; the console that noticed it is detail."""
        if automatic:
            data = {**(data or {}), "noticed_by": self.actor.name}
        cursor = self.db.conn.execute(
            "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text, data,"
            " supersedes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                incident_id,
                to_iso(at or now),
                to_iso(now),
                SYSTEM_AUTHOR if automatic else self.actor.name,
                self.actor.os_user,
                kind,
                text,
                json.dumps(data or {}, sort_keys=True),
                supersedes,
            ),
        )
        return int(cursor.lastrowid or 0)

    def _set_role(self, incident_id: int, role: str, person: str, now: dt.datetime) -> str | None:
        """Move `role` to `person`, ending the previous holder; returns who had it."""
        row = self.db.conn.execute(
            "SELECT id, person FROM roles WHERE incident_id = ? AND role = ? AND ended_at IS NULL",
            (incident_id, role),
        ).fetchone()
        if row is not None:
            self.db.conn.execute(
                "UPDATE roles SET ended_at = ? WHERE id = ?", (to_iso(now), row[0])
            )
        self.db.conn.execute(
            "INSERT INTO roles (incident_id, role, person, assigned_at, assigned_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (incident_id, role, person, to_iso(now), self.actor.name),
        )
        if role == "commander":
            self.db.conn.execute(
                "UPDATE incidents SET commander = ? WHERE id = ?", (person, incident_id)
            )
        return None if row is None else str(row[1])

    # -- actions -------------------------------------------------------------

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
    ) -> int:
        """Declare an incident; the declarer commands unless someone else is named."""
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
        with transaction(self.db):
            cursor = self.db.conn.execute(
                "INSERT INTO incidents (title, severity, status, kind, summary, commander, drill,"
                " declared_at) VALUES (?, ?, 'investigating', ?, ?, ?, ?, ?)",
                (title, sev.name, kind, summary.strip(), commander, int(drill), to_iso(declared)),
            )
            incident_id = int(cursor.lastrowid or 0)
            channel = f"#incident-{declared:%Y-%m-%d}-{incident_id}"
            self.db.conn.execute(
                "UPDATE incidents SET channel = ? WHERE id = ?", (channel, incident_id)
            )
            self._set_role(incident_id, "commander", commander, declared)
            drill_note = " (drill)" if drill else ""
            self._append(
                incident_id,
                "declared",
                f"Declared {sev.name} {kind} incident{drill_note}: {title}. Commander: {commander}",
                now=now,
                at=declared,
                data={"severity": sev.name, "kind": kind, "commander": commander, "drill": drill},
            )
            service_checklists.attach_matching(self, incident_id, sev.name, kind)
        return incident_id

    def log(
        self, incident_id: int, text: str, kind: str = "note", *, at: dt.datetime | None = None
    ) -> int:
        """A scribe's timeline entry; `at` backdates when it happened."""
        text = text.strip()
        if not text:
            raise InvalidInput("an empty entry was not logged")
        kind = parse_entry_kind(kind)
        now = self.clock.now()
        if at is not None and checked_moment(at, "entry time") > now:
            raise InvalidInput("an entry cannot happen in the future")
        with transaction(self.db):
            self._current(incident_id, "id")
            return self._append(incident_id, kind, text, now=now, at=at)

    def set_status(
        self, incident_id: int, status: str, *, postmortem_owner: str | None = None
    ) -> str:
        """Move along the lifecycle; returns the previous status.

        Closing names who owns the post-mortem (unless the policy relaxes it).
        """
        new = parse_status(status)
        owner = (postmortem_owner or "").strip()
        now = self.clock.now()
        with transaction(self.db):
            current = self._current(incident_id, "status", "mitigated_at", "postmortem_owner")
            old = str(current["status"])
            lifecycle.check_transition(old, new)
            stamps = lifecycle.stamps_for(old, new)
            if stamps.get("mitigated_at") and current["mitigated_at"]:
                del stamps["mitigated_at"]  # first mitigation counts, not a later one
            sets: dict[str, Any] = {"status": new} | {
                k: (to_iso(now) if v == "now" else None) for k, v in stamps.items()
            }
            text, data = f"Status {old} → {new}", {"from": old, "to": new}
            if new == "closed":
                owner = owner or str(current["postmortem_owner"])
                if not owner and self.policy.require_postmortem_owner:
                    raise InvalidInput(
                        f"closing #{incident_id} needs a post-mortem owner "
                        "(the policy's require_postmortem_owner)"
                    )
                sets["postmortem_owner"] = owner
                still_open = self.db.conn.execute(
                    "SELECT count(*) FROM follow_ups WHERE incident_id = ? AND status = 'open'",
                    (incident_id,),
                ).fetchone()[0]
                text += f". Post-mortem owner: {owner or 'none'}; open follow-ups: {still_open}"
                data |= {"postmortem_owner": owner, "open_follow_ups": still_open}
            assignments = ", ".join(f"{k} = ?" for k in sets)
            self.db.conn.execute(
                f"UPDATE incidents SET {assignments} WHERE id = ?", (*sets.values(), incident_id)
            )
            self._append(incident_id, "status", text, now=now, data=data)
        return old

    def set_severity(self, incident_id: int, severity: str) -> str:
        """Re-classify; returns the previous severity."""
        new = self.policy.severity(severity).name
        now = self.clock.now()
        with transaction(self.db):
            old = str(self._current(incident_id, "severity")["severity"])
            if old == new:
                raise InvalidInput(f"incident #{incident_id} is already {new}")
            self.db.conn.execute(
                "UPDATE incidents SET severity = ? WHERE id = ?", (new, incident_id)
            )
            self._append(
                incident_id,
                "severity",
                f"Severity {old} → {new}",
                now=now,
                data={"from": old, "to": new},
            )
            kind = str(self._current(incident_id, "kind")["kind"])
            service_checklists.attach_matching(self, incident_id, new, kind)
        return old

    def set_kind(self, incident_id: int, kind: str) -> str:
        """Re-classify the kind (availability, performance, security, data)."""
        new = parse_incident_kind(kind)
        now = self.clock.now()
        with transaction(self.db):
            current = self._current(incident_id, "kind", "severity")
            old = str(current["kind"])
            if old == new:
                raise InvalidInput(f"incident #{incident_id} is already {new}")
            self.db.conn.execute("UPDATE incidents SET kind = ? WHERE id = ?", (new, incident_id))
            self._append(
                incident_id, "kind", f"Kind {old} → {new}", now=now, data={"from": old, "to": new}
            )
            service_checklists.attach_matching(self, incident_id, str(current["severity"]), new)
        return old

    # -- checklists (see service_checklists.py) ----------------------------------------

    def attach_runbook(self, incident_id: int, runbook_id: str) -> int:
        """Attach a runbook's checklist to the incident."""
        return service_checklists.attach(self, incident_id, runbook_id)

    def detach_runbook(self, incident_id: int, runbook_id: str) -> None:
        """Take a runbook's checklist off the incident (its history stays)."""
        service_checklists.detach(self, incident_id, runbook_id)

    def tick(self, incident_id: int, item: str, *, done: bool = True) -> None:
        """Tick (or untick) a checklist item, by number or key."""
        service_checklists.tick(self, incident_id, item, done=done)

    def answer(self, incident_id: int, item: str, reply: str) -> None:
        """Answer a checklist question; the answer is kept for update templates."""
        service_checklists.answer(self, incident_id, item, reply)

    # -- the scribe's tools (see service_scribe.py) ---------------------------------

    def correct(
        self, entry_id: int, text: str, kind: str | None = None, at: dt.datetime | None = None
    ) -> int:
        """Correct an entry (text, kind, when): a new row supersedes it; the old one stays."""
        return service_scribe.correct(self, entry_id, text, kind, at)

    def strike(self, entry_id: int, reason: str = "") -> int:
        """Strike an entry out (kept in the record, marked struck)."""
        return service_scribe.strike(self, entry_id, reason)

    def pin(self, entry_id: int, pinned: bool = True) -> int:
        """Pin (or unpin) an entry that matters for the post-mortem."""
        return service_scribe.pin(self, entry_id, pinned)

    def add_follow_up(
        self,
        incident_id: int,
        text: str,
        *,
        owner: str = "",
        due: dt.date | None = None,
        priority: str = "medium",
    ) -> int:
        """Record a follow-up (action item) for the incident."""
        return service_scribe.add_follow_up(
            self, incident_id, text, owner=owner, due=due, priority=priority
        )

    def promote(
        self,
        entry_id: int,
        *,
        owner: str = "",
        due: dt.date | None = None,
        priority: str = "medium",
        text: str | None = None,
    ) -> int:
        """Turn a TODO entry into a follow-up (its text, unless `text` rewords it)."""
        return service_scribe.promote(
            self, entry_id, owner=owner, due=due, priority=priority, text=text
        )

    def update_follow_up(self, follow_up_id: int, **changes: Any) -> None:
        """Change a follow-up's status, owner, due date or priority."""
        service_scribe.update_follow_up(self, follow_up_id, **changes)

    def acknowledge(self, incident_id: int) -> None:
        """Someone has picked the incident up: stops the acknowledge clock."""
        now = self.clock.now()
        with transaction(self.db):
            current = self._current(incident_id, "acknowledged_at")
            if current["acknowledged_at"]:
                when = current["acknowledged_at"]
                raise InvalidInput(f"incident #{incident_id} was already acknowledged at {when}")
            self.db.conn.execute(
                "UPDATE incidents SET acknowledged_at = ? WHERE id = ?", (to_iso(now), incident_id)
            )
            self._append(incident_id, "ack", f"Acknowledged by {self.actor.name}", now=now)

    def assign_role(self, incident_id: int, role: str, person: str) -> str | None:
        """Give `role` to `person`; returns who held it before, if anyone."""
        role = parse_role(role)
        person = person.strip()
        if not person:
            raise InvalidInput("a role needs a person's name")
        now = self.clock.now()
        with transaction(self.db):
            self._current(incident_id, "id")
            previous = self._set_role(incident_id, role, person, now)
            if previous == person:
                raise InvalidInput(f"{person} is already {ROLES[role]}")
            was = f" (was {previous})" if previous else ""
            self._append(
                incident_id,
                "role",
                f"{person} is now {ROLES[role]}{was}",
                now=now,
                data={"role": role, "person": person, "previous": previous},
            )
        return previous

    # -- clocks (see service_clocks.py) -----------------------------------------------

    def sweep(self, incident_ids: list[int] | None = None) -> service_clocks.SweepResult:
        """Write due breaches and auto-escalations, exactly once each."""
        return service_clocks.sweep(self, incident_ids)

    def escalate(self, incident_id: int) -> service_clocks.Engaged:
        """Engage the next rung of the ladder now."""
        return service_clocks.escalate_now(self, incident_id)

    def notify(self, engaged: list[service_clocks.Engaged]) -> list[str]:
        """Run the policy's notify hook for new escalations; failures are logged, not raised."""
        return service_clocks.notify(self, engaged)

    def post_update(
        self, incident_id: int, body: str, *, audience: str = "internal", template: str = ""
    ) -> int:
        """Record a status update that went out; the update timer restarts."""
        return service_clocks.post_update(
            self, incident_id, body, audience=audience, template=template
        )

    def save_draft(self, incident_id: int, template: str, body: str) -> None:
        """Keep an unposted status update for the incident."""
        service_clocks.save_draft(self, incident_id, template, body)

    def discard_draft(self, incident_id: int) -> None:
        """Throw away the incident's unposted status update."""
        service_clocks.discard_draft(self, incident_id)

    def hand_off(self, incident_id: int, person: str, note: str) -> str:
        """The commander hands command to `person`, with a note on state, TODOs, next steps.

        One transaction: the role moves and the note is logged. Returns the old commander.
        """
        person, note = person.strip(), note.strip()
        if not person:
            raise InvalidInput("a hand-off needs the person taking command")
        if not note:
            raise InvalidInput("a hand-off needs a note (state, open TODOs, next steps)")
        now = self.clock.now()
        with transaction(self.db):
            self._current(incident_id, "id")
            previous = self._set_role(incident_id, "commander", person, now)
            if previous == person:
                raise InvalidInput(f"{person} already has command")
            self._append(
                incident_id,
                "role",
                f"Hand-off: {previous or 'nobody'} → {person} has command. {note}",
                now=now,
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
        now = self.clock.now()
        with transaction(self.db):
            current = self._current(incident_id, *IMPACT_FIELDS.values())
            changed = {
                name: value.strip()
                for name, value in impact.items()
                if value.strip() != current[IMPACT_FIELDS[name]]
            }
            if not changed:
                raise InvalidInput("impact unchanged")
            assignments = ", ".join(f"{IMPACT_FIELDS[k]} = ?" for k in changed)
            self.db.conn.execute(
                f"UPDATE incidents SET {assignments} WHERE id = ?", (*changed.values(), incident_id)
            )
            described = "; ".join(f"{k}: {v or '(cleared)'}" for k, v in changed.items())
            self._append(incident_id, "impact", f"Impact — {described}", now=now, data=changed)
