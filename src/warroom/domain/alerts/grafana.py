"""Grafana alerting webhooks: unified alerting (Grafana 8+, an Alertmanager-shaped
body with an `alerts` list) and legacy dashboard alerts (no list: one rule's
`state`, `ruleId`, `ruleName`, `evalMatches`).

A legacy alert is known by its rule (`ruleId`, else its URL or name): `alerting`
and `no_data` fire it, `ok` resolves it; `pending` and `paused` are not alerts yet.
Test notifications (legacy `ruleId` 0; unified `TestAlert` from instance `Grafana`)
are ignored.
"""

from __future__ import annotations

from typing import Any

from warroom.domain.alerts.alertmanager import parse_alert_group
from warroom.domain.alerts.record import (
    Alert,
    AlertError,
    Ignored,
    Signal,
    labels_of,
    obj,
    text,
)

SOURCE = "grafana"
_LEGACY_STATES = {"alerting": "firing", "no_data": "firing", "ok": "resolved"}


def _legacy(body: dict[str, Any]) -> list[Signal]:
    state = text(body, "state", "", SOURCE).strip()
    if not state:
        raise AlertError(f"{SOURCE}: alerts is missing, and so is state (not a Grafana webhook)")
    status = _LEGACY_STATES.get(state.lower())
    if status is None:
        return [Ignored(SOURCE, f"ignored: grafana legacy alert in state {state!r}, not an alert")]
    rule_id = text(body, "ruleId", "", SOURCE).strip()
    if rule_id == "0":  # what "Test" on a legacy notification channel sends
        return [Ignored(SOURCE, "ignored: grafana test notification (ruleId 0)")]
    rule = (
        rule_id
        or text(body, "ruleUrl", "", SOURCE).strip()
        or text(body, "ruleName", "", SOURCE).strip()
    )
    if not rule:
        raise AlertError(f"{SOURCE}: ruleId is missing (nothing tells this alert apart)")
    labels = labels_of(body.get("tags"), "tags", SOURCE)
    links = [("rule", url)] if (url := text(body, "ruleUrl", "", SOURCE).strip()) else []
    if image := text(body, "imageUrl", "", SOURCE).strip():
        links.append(("image", image))
    title = text(body, "ruleName", "", SOURCE) or text(body, "title", "", SOURCE) or "Alert"
    return [
        Alert(
            source=SOURCE,
            key=f"rule:{rule}",
            status=status,
            title=title,
            event=state,
            severity_hint=labels.get("severity", ""),
            labels=labels,
            links=tuple(links),
            description=text(body, "message", "", SOURCE),
        )
    ]


def parse(body: Any) -> list[Signal]:
    """A Grafana webhook body, unified (with `alerts`) or legacy (without)."""
    found = obj(body, "", SOURCE)
    if "alerts" in found:
        return [_unless_test(signal) for signal in parse_alert_group(found, SOURCE)]
    return _legacy(found)


def _unless_test(signal: Signal) -> Signal:
    """What "Test" on a unified contact point sends is not an alert to declare."""
    if isinstance(signal, Alert) and (
        signal.labels.get("alertname") == "TestAlert" and signal.labels.get("instance") == "Grafana"
    ):
        reason = "ignored: grafana contact point test notification (TestAlert)"
        return Ignored(SOURCE, reason, signal.item)
    return signal
