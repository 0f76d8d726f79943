"""Alerts from monitoring become incidents: each alert is ONE unit of work that records
the alert (with the body as it came) and its timeline row (kind `alert`).

    a new alert                   declares an incident (policy: severity, kind, title);
                                  its start becomes the incident's detected-at
    a new alert of a group        (Alertmanager's groupKey) joins the group's open incident
    the same key again, firing    updates that incident while it is open
    the same key, resolved        logs that alert's resolution; the incident resolves
                                  only when all its alerts have and the policy's
                                  `alerts.resolve_incident` says so (default: log only)
    the same key, acknowledged    logs the sender's acknowledgement
    firing after the incident     opens a new incident
    resolved

A resolve or acknowledgement for an alert warroom never saw (or one it has
already logged), and a signal that is not an alert, is ignored with the reason;
nothing is written for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from warroom.domain import lifecycle
from warroom.domain.alerts.policy import classify
from warroom.domain.vocabulary import OPEN_STATUSES
from warroom.service.incidents import Incidents
from warroom.service.pages import queue_resolved
from warroom.store import alert_writes, incident_writes
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:  # an alert's record is imported by the actions that take one in
    from warroom.domain.alerts.record import Alert, Signal

_SAID = {"firing": "firing", "resolved": "resolved", "acknowledged": "acknowledged upstream"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one signal did: `declared`, `updated`, `resolved alert`, `acknowledged alert`
    or `ignored`; the incident it touched; whether that incident resolved with it."""

    action: str
    source: str
    key: str = ""
    incident: int | None = None
    reason: str = ""
    incident_resolved: bool = False
    item: str = ""

    @property
    def line(self) -> str:
        """How the CLI says it: `declared #12`, `resolved alert on #12`, `ignored: ...`."""
        if self.action == "ignored":
            return self.reason
        on = " on" if self.action.endswith("alert") else ""
        said = f"{self.action}{on} #{self.incident}"
        return said + (f"; #{self.incident} resolved" if self.incident_resolved else "")


def alert_text(alert: Alert, again: bool = False) -> str:
    """The timeline row's text: the alert's own title exactly as sent."""
    status = _SAID.get(alert.status, alert.status) + (" again" if again else "")
    return f"Alert {status} ({alert.source} {alert.key}): {alert.title}"


def _data(alert: Alert, alert_id: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "alert": alert_id,
        "source": alert.source,
        "key": alert.key,
        "group": alert.group,
        "status": alert.status,
        "event": alert.event,
        "labels": dict(alert.labels),
        "links": [list(link) for link in alert.links],
    }
    if alert.starts_at_ns is not None:
        data["starts_at_ns"] = alert.starts_at_ns
    return data


class Alerts(Incidents):
    """Taking alerts in (the CLI's `warroom ingest`; later the engine's receiver)."""

    def ingest(self, signals: Sequence[Signal], payload: str) -> list[Outcome]:
        """Each signal in its own unit of work, in order; `payload`: the body as received."""
        from warroom.domain.alerts.record import Ignored

        outcomes = []
        for signal in signals:
            if isinstance(signal, Ignored):
                outcomes.append(Outcome("ignored", signal.source, reason=signal.reason))
                continue
            with self.unit_of_work() as uow:
                outcomes.append(self._take(uow, signal, payload))
        return outcomes

    def _take(self, uow: UnitOfWork, alert: Alert, payload: str) -> Outcome:
        firing = alert.status == "firing"
        found = alert_writes.latest_alert(uow, alert.source, alert.key, open_only=firing)
        said = f"{alert.source} {alert.key}"
        if found is None:
            if not firing:
                return self._ignored(alert, f"ignored: {alert.status} {said} matches no incident")
            if not alert.opens:
                return self._ignored(
                    alert,
                    f"ignored: {alert.event or 'update'} for {said}, which matches no "
                    "open incident (it does not open one)",
                )
            joined = alert_writes.open_group_incident(uow, alert.source, alert.group)
            if joined is not None:
                return self._join(uow, alert, payload, joined)
            return self._declare(uow, alert, payload)
        alert_id, incident_id, was = found
        if not firing and was == alert.status:
            # a group that fires again repeats its resolved alerts: said once is enough
            return self._ignored(alert, f"ignored: {said} is already {was} on #{incident_id}")
        alert_writes.update_alert(uow, alert_id, alert)
        alert_writes.insert_signal(uow, alert_id, alert, payload)
        uow.append_timeline(
            incident_id,
            "alert",
            alert_text(alert, again=firing),
            data=_data(alert, alert_id),
            automatic=True,
        )
        if firing:
            return Outcome("updated", alert.source, alert.key, incident_id, item=alert.item)
        if alert.status == "acknowledged":
            return Outcome(
                "acknowledged alert", alert.source, alert.key, incident_id, item=alert.item
            )
        resolved = self._resolve_when_all_have(uow, incident_id)
        return Outcome(
            "resolved alert",
            alert.source,
            alert.key,
            incident_id,
            incident_resolved=resolved,
            item=alert.item,
        )

    def _ignored(self, alert: Alert, reason: str) -> Outcome:
        return Outcome("ignored", alert.source, alert.key, reason=reason, item=alert.item)

    def _join(self, uow: UnitOfWork, alert: Alert, payload: str, incident_id: int) -> Outcome:
        """A new alert of a group that already has an open incident: it joins it."""
        alert_id = alert_writes.insert_alert(uow, incident_id, alert)
        alert_writes.insert_signal(uow, alert_id, alert, payload)
        uow.append_timeline(
            incident_id, "alert", alert_text(alert), data=_data(alert, alert_id), automatic=True
        )
        return Outcome("updated", alert.source, alert.key, incident_id, item=alert.item)

    def _declare(self, uow: UnitOfWork, alert: Alert, payload: str) -> Outcome:
        shape = classify(alert, self.policy.alerts, self.policy.severity_names)
        declared = uow.now
        started = {}
        if alert.starts_at is not None:
            # a sender's clock a little ahead of ours must not put detection after declaration
            started["detected_at"] = min(alert.starts_at, declared)
        summary = alert.description.strip()
        incident_id = self.declare_in(
            uow,
            shape.title,
            shape.severity,
            shape.kind,
            summary,
            self.actor.name,
            False,
            declared,
            started,
        )
        alert_id = alert_writes.insert_alert(uow, incident_id, alert)
        alert_writes.insert_signal(uow, alert_id, alert, payload)
        uow.append_timeline(
            incident_id, "alert", alert_text(alert), data=_data(alert, alert_id), automatic=True
        )
        return Outcome("declared", alert.source, alert.key, incident_id, item=alert.item)

    def _resolve_when_all_have(self, uow: UnitOfWork, incident_id: int) -> bool:
        """Resolve the incident if the policy says so and none of its alerts still fires."""
        if not self.policy.alerts.resolve_incident:
            return False
        if alert_writes.unresolved_alerts(uow, incident_id):
            return False
        old = str(uow.incident_fields(incident_id, "status")["status"])
        if old not in OPEN_STATUSES:
            return False
        lifecycle.check_transition(old, "resolved")
        stamps = lifecycle.stamps_for(old, "resolved")
        current = uow.incident_fields(incident_id, "mitigated_at")
        if current["mitigated_at"]:
            stamps.pop("mitigated_at", None)
        sets: dict[str, Any] = {"status": "resolved"} | {
            k: (uow.stamp if v == "now" else None) for k, v in stamps.items()
        }
        incident_writes.set_fields(uow, incident_id, sets)
        row_id = uow.append_timeline(
            incident_id,
            "status",
            f"Status {old} → resolved (all its alerts resolved)",
            data={"from": old, "to": "resolved", "by": "alerts"},
            automatic=True,
        )
        queue_resolved(uow, self.policy, incident_id, row_id)
        happened = [k.removesuffix("_at") for k, v in sets.items() if k.endswith("_at") and v]
        self._follow_status(uow, incident_id, happened)
        return True
