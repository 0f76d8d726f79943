"""PagerDuty webhooks: V3 (`{"event": {...}}`), and leniently the legacy V2 and V1
bodies (`{"messages": [...]}`; V2 says `event`, V1 says `type`).

A PagerDuty incident is known by its id. The event type decides the status,
not the incident's `status` field, which does not always follow it (an
escalated incident is still "triggered"); notes, status updates, responder
requests and the like are about an incident but are not alert signals: they
are ignored with the reason.
"""

from __future__ import annotations

from typing import Any

from warroom.domain.alerts.record import (
    Alert,
    AlertError,
    Ignored,
    Signal,
    moment,
    obj,
    optional_list,
    optional_obj,
    required_text,
    text,
    where,
)

SOURCE = "pagerduty"
# event type (any version, without "incident.") -> alert status
_STATUS = {
    "triggered": "firing",
    "trigger": "firing",
    "reopened": "firing",
    "escalated": "firing",
    "escalate": "firing",
    "unacknowledged": "firing",
    "unacknowledge": "firing",
    "acknowledged": "acknowledged",
    "acknowledge": "acknowledged",
    "resolved": "resolved",
    "resolve": "resolved",
}
# who holds it changed: an update for an incident warroom knows, never a new one
_REASSIGNED = ("assign", "assigned", "reassigned", "delegate", "delegated")
_FROM_INCIDENT_STATUS = {"triggered": "firing", "acknowledged": "acknowledged"}


def _name(reference: Any) -> str:
    """A reference's name: V3 `summary`, legacy `name`."""
    if not isinstance(reference, dict):
        return ""
    return str(reference.get("summary") or reference.get("name") or "")


def _incident(
    incident: dict[str, Any], event_type: str, at: str, occurred: Any, item: str
) -> Signal:
    short = event_type.removeprefix("incident.")
    status = _STATUS.get(short)
    reassigned = short in _REASSIGNED
    if status is None and reassigned:  # says nothing new: the incident's status stands
        status = _FROM_INCIDENT_STATUS.get(text(incident, "status", at, SOURCE).lower())
    if status is None:
        return Ignored(SOURCE, f"ignored: pagerduty {event_type} is not an alert signal", item)
    incident_id = required_text(incident, "id", at, SOURCE)
    labels: dict[str, str] = {}
    service = _name(incident.get("service"))
    if service:
        labels["service"] = service
    priority = incident.get("priority")
    priority_name = (
        _name(priority) if isinstance(priority, dict) else text(incident, "priority", at, SOURCE)
    )
    if priority_name:
        labels["priority"] = priority_name
    for name in ("urgency", "incident_key", "incident_number", "number"):
        if value := text(incident, name, at, SOURCE):
            labels[name] = value
    details = optional_obj(incident, "trigger_summary_data", at, SOURCE)
    title = (
        text(incident, "summary", at, SOURCE)  # V2's summary names the number: "[#33] ..."
        or text(incident, "title", at, SOURCE)
        or text(details, "description", where(at, "trigger_summary_data"), SOURCE)
        or text(details, "subject", where(at, "trigger_summary_data"), SOURCE)
        or f"PagerDuty incident {incident_id}"
    )
    created = incident.get("created_at") or incident.get("created_on")
    created_at = where(at, "created_at" if "created_at" in incident else "created_on")
    if created is None:
        created, created_at = occurred
    started, started_ns = moment(created, created_at, SOURCE)
    links = (("pagerduty", url),) if (url := text(incident, "html_url", at, SOURCE)) else ()
    return Alert(
        source=SOURCE,
        key=incident_id,
        status=status,
        title=title,
        event=event_type,
        severity_hint=priority_name or text(incident, "urgency", at, SOURCE),
        labels=labels,
        links=links,
        starts_at=started,
        starts_at_ns=started_ns,
        description=text(incident, "description", at, SOURCE),
        item=item,
        opens=not reassigned,
    )


def _v3(event: dict[str, Any]) -> list[Signal]:
    event_type = required_text(event, "event_type", "event", SOURCE)
    resource = text(event, "resource_type", "event", SOURCE, "incident")
    if resource != "incident":
        return [Ignored(SOURCE, f"ignored: pagerduty {event_type} is about a {resource}")]
    data = optional_obj(event, "data", "event", SOURCE)
    if data.get("type") not in (None, "incident"):
        kind = text(data, "type", "event.data", SOURCE)
        return [Ignored(SOURCE, f"ignored: pagerduty {event_type} carries an {kind}, not an alert")]
    if not data:
        raise AlertError(f"{SOURCE}: event.data is missing")
    occurred = (event.get("occurred_at"), "event.occurred_at")
    return [_incident(data, event_type, "event.data", occurred, "event")]


def _legacy(messages: list[Any]) -> list[Signal]:
    signals: list[Signal] = []
    if not messages:
        return [Ignored(SOURCE, "ignored: pagerduty sent no messages")]
    for i, entry in enumerate(messages):
        at = where("messages", i)
        message = obj(entry, at, SOURCE)
        event_type = text(message, "event", at, SOURCE) or text(message, "type", at, SOURCE)
        if not event_type:
            raise AlertError(f"{SOURCE}: {where(at, 'event')} is missing")
        if "incident" in message:  # V2
            incident, incident_at = (
                obj(message["incident"], where(at, "incident"), SOURCE),
                where(at, "incident"),
            )
        else:  # V1
            data = optional_obj(message, "data", at, SOURCE)
            incident_at = where(where(at, "data"), "incident")
            if "incident" not in data:
                raise AlertError(f"{SOURCE}: {incident_at} is missing")
            incident = obj(data["incident"], incident_at, SOURCE)
        occurred = (message.get("created_on"), where(at, "created_on"))
        signals.append(_incident(incident, event_type, incident_at, occurred, at))
    return signals


def parse(body: Any) -> list[Signal]:
    """A PagerDuty webhook body: V3, or legacy V2/V1."""
    found = obj(body, "", SOURCE)
    if "event" in found:
        return _v3(obj(found["event"], "event", SOURCE))
    if "messages" in found:
        return _legacy(optional_list(found, "messages", "", SOURCE))
    raise AlertError(f"{SOURCE}: event is missing (not a PagerDuty webhook body)")
