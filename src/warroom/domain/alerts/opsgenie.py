"""Opsgenie outgoing webhooks (`{"action": "Create", "alert": {...}}`).

An Opsgenie alert is known by its `alertId` (an "Escalate" body carries nothing
else). Create fires it, Close resolves it, Acknowledge acknowledges it;
UnAcknowledge and Escalate re-fire an alert warroom already knows but never open
an incident on their own. Notes, tags, owners and the rest are ignored with the reason.
"""

from __future__ import annotations

from typing import Any

from warroom.domain.alerts.record import (
    Alert,
    Ignored,
    Signal,
    moment,
    obj,
    optional_list,
    optional_obj,
    required_text,
    text,
)

SOURCE = "opsgenie"
# action (lower case) -> (status, may open an incident)
_ACTIONS = {
    "create": ("firing", True),
    "close": ("resolved", True),
    "delete": ("resolved", False),
    "acknowledge": ("acknowledged", True),
    "unacknowledge": ("firing", False),
    "escalate": ("firing", False),
    "escalatenext": ("firing", False),
}


def _priority(value: Any) -> str:
    """Opsgenie priorities are P1..P5; some senders send the bare number."""
    if value is None or value == "":
        return ""
    shown = str(value).strip()
    return f"P{shown}" if shown.isdigit() else shown


def parse(body: Any) -> list[Signal]:
    """An Opsgenie webhook body."""
    found = obj(body, "", SOURCE)
    action = required_text(found, "action", "", SOURCE)
    known = _ACTIONS.get(action.lower())
    if known is None:
        return [Ignored(SOURCE, f"ignored: opsgenie {action} is not an alert signal")]
    status, opens = known
    alert = obj(found.get("alert"), "alert", SOURCE)
    alert_id = required_text(alert, "alertId", "alert", SOURCE)
    labels: dict[str, str] = {}
    for name in ("alias", "entity", "source", "tinyId", "owner"):
        if value := text(alert, name, "alert", SOURCE).strip():
            labels[name] = value
    if priority := _priority(alert.get("priority")):
        labels["priority"] = priority
    for tag in optional_list(alert, "tags", "alert", SOURCE):
        if isinstance(tag, str) and tag:
            labels[f"tag:{tag}"] = "true"
    for i, team in enumerate(optional_list(alert, "teams", "alert", SOURCE)):
        if isinstance(team, str) and team:
            labels["team" if i == 0 else f"team{i + 1}"] = team
    source_name = text(optional_obj(found, "source", "", SOURCE), "name", "source", SOURCE)
    if source_name and "source" not in labels:
        labels["source"] = source_name
    started, started_ns = moment(alert.get("createdAt"), "alert.createdAt", SOURCE)
    return [
        Alert(
            source=SOURCE,
            key=alert_id,
            status=status,
            title=text(alert, "message", "alert", SOURCE) or f"Opsgenie alert {alert_id}",
            event=action,
            severity_hint=priority,
            labels=labels,
            starts_at=started,
            starts_at_ns=started_ns,
            description=text(alert, "description", "alert", SOURCE),
            item="alert",
            opens=opens,
        )
    ]
