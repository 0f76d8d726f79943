"""Prometheus Alertmanager webhooks (`version: "4"`), and the same shape Grafana's
unified alerting sends (`version: "1"`, with `title`, `state`, `silenceURL` ...).

Each entry of `alerts` is one alert; its `fingerprint` is its identity (Alertmanager
computes it from the labels), so the group's status (`firing` while any alert
fires) never decides an alert's own. An entry without a fingerprint is known by the
group key and its sorted labels.
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
    text,
    where,
)

_LINKS = (
    ("generatorURL", "source"),
    ("silenceURL", "silence"),
    ("dashboardURL", "dashboard"),
    ("panelURL", "panel"),
    ("imageURL", "image"),
)
_TITLE_ANNOTATIONS = ("summary", "title", "message", "description")


def _status(value: str, at: str, source: str) -> str:
    status = value.strip().lower()
    if status in ("firing", "alerting"):
        return "firing"
    if status in ("resolved", "ok", "normal"):
        return "resolved"
    raise AlertError(f"{source}: {at} {value!r} is not firing or resolved")


def _title(labels: dict[str, str], annotations: dict[str, str]) -> str:
    for name in _TITLE_ANNOTATIONS:
        if annotations.get(name, "").strip():
            return annotations[name]
    return labels.get("alertname", "") or "Alert"


def _fallback_key(group_key: str, labels: dict[str, str]) -> str:
    canonical = json.dumps([group_key, sorted(labels.items())], ensure_ascii=False)
    return "labels:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def parse_alert_group(body: dict[str, Any], source: str = "alertmanager") -> list[Signal]:
    """The alerts of one Alertmanager (or Grafana unified) webhook body, in order."""
    entries = optional_list(body, "alerts", "", source)
    if "alerts" not in body:
        raise AlertError(f"{source}: alerts is missing (not an Alertmanager webhook body)")
    group_key = text(body, "groupKey", "", source)
    common_labels = labels_of(body.get("commonLabels"), "commonLabels", source)
    common_notes = labels_of(body.get("commonAnnotations"), "commonAnnotations", source)
    group_status = text(body, "status", "", source)
    external = text(body, "externalURL", "", source)
    signals: list[Signal] = []
    if not entries:
        signals.append(Ignored(source, f"ignored: {source} sent a group with no alerts"))
    for i, entry in enumerate(entries):
        at = where("alerts", i)
        alert = obj(entry, at, source)
        labels = common_labels | labels_of(alert.get("labels"), where(at, "labels"), source)
        notes = common_notes | labels_of(alert.get("annotations"), where(at, "annotations"), source)
        raw_status = text(alert, "status", at, source) or group_status
        if not raw_status:
            raise AlertError(f"{source}: {where(at, 'status')} is missing")
        status = _status(raw_status, where(at, "status"), source)
        started, started_ns = moment(alert.get("startsAt"), where(at, "startsAt"), source)
        fingerprint = text(alert, "fingerprint", at, source).strip()
        links = [
            (what, url) for name, what in _LINKS if (url := text(alert, name, at, source).strip())
        ]
        if (runbook := notes.get("runbook_url", "").strip()) != "":
            links.append(("runbook", runbook))
        if external and not links:
            links.append(("alertmanager", external))
        signals.append(
            Alert(
                source=source,
                key=fingerprint or _fallback_key(group_key, labels),
                status=status,
                title=_title(labels, notes),
                event=raw_status,
                severity_hint=labels.get("severity", "") or labels.get("priority", ""),
                labels=labels,
                links=tuple(links),
                starts_at=started,
                starts_at_ns=started_ns,
                description=notes.get("description", ""),
                item=at,
                group=group_key,
            )
        )
    return signals


def parse(body: Any) -> list[Signal]:
    """An Alertmanager webhook body (version 4; older versions have the same fields)."""
    return parse_alert_group(obj(body, "", "alertmanager"), "alertmanager")
