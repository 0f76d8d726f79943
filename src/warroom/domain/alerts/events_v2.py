"""PagerDuty Events API v2 bodies (what a monitor sends to PagerDuty, and may send
here instead): `event_action` trigger / acknowledge / resolve and a `dedup_key`.

A trigger without a dedup_key is known by a digest of its routing key, summary,
source and severity, so a monitor that repeats itself updates one incident.
Change events (no `event_action`) are not alerts and are ignored.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from warroom.domain.alerts.record import (
    Alert,
    AlertError,
    Ignored,
    Signal,
    labels_of,
    moment,
    obj,
    optional_list,
    optional_obj,
    required_text,
    text,
    where,
)

SOURCE = "events-v2"
_ACTIONS = {"trigger": "firing", "acknowledge": "acknowledged", "resolve": "resolved"}


def _links(body: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    links = []
    for i, entry in enumerate(optional_list(body, "links", "", SOURCE)):
        link = obj(entry, where("links", i), SOURCE)
        if href := text(link, "href", where("links", i), SOURCE).strip():
            links.append((text(link, "text", where("links", i), SOURCE) or "link", href))
    return tuple(links)


def parse(body: Any) -> list[Signal]:
    """A PagerDuty Events API v2 body."""
    found = obj(body, "", SOURCE)
    action = text(found, "event_action", "", SOURCE).strip()
    if not action:
        if "payload" in found and "routing_key" in found:
            return [Ignored(SOURCE, "ignored: events-v2 change event (no event_action)")]
        raise AlertError(
            f"{SOURCE}: event_action is missing (expected trigger, acknowledge or resolve)"
        )
    status = _ACTIONS.get(action.lower())
    if status is None:
        raise AlertError(
            f"{SOURCE}: event_action {action!r} is not trigger, acknowledge or resolve"
        )
    payload = optional_obj(found, "payload", "", SOURCE)
    key = text(found, "dedup_key", "", SOURCE).strip()
    if status == "firing":
        summary = required_text(payload, "summary", "payload", SOURCE)
        if not key:
            canonical = json.dumps(
                [text(found, "routing_key", "", SOURCE), summary]
                + [text(payload, n, "payload", SOURCE) for n in ("source", "severity")],
                ensure_ascii=False,
            )
            key = "digest:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    elif not key:
        raise AlertError(f"{SOURCE}: dedup_key is missing (an {action} names the alert by it)")
    labels = labels_of(
        {n: payload[n] for n in ("source", "component", "group", "class") if n in payload},
        "payload",
        SOURCE,
    )
    details = payload.get("custom_details")
    if isinstance(details, dict):
        labels |= {
            k: str(v)
            for k, v in details.items()
            if isinstance(v, str | int | float) and k not in labels
        }
    severity = text(payload, "severity", "payload", SOURCE)
    if severity:
        labels["severity"] = severity
    started, started_ns = moment(payload.get("timestamp"), "payload.timestamp", SOURCE)
    return [
        Alert(
            source=SOURCE,
            key=key,
            status=status,
            title=text(payload, "summary", "payload", SOURCE) or f"Alert {key}",
            event=action,
            severity_hint=severity,
            labels=labels,
            links=_links(found),
            starts_at=started,
            starts_at_ns=started_ns,
            item="payload",
        )
    ]
