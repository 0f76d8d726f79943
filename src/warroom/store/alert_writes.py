"""The statements the alert actions run inside their unit of work: find the alert a
signal is about, record it on an incident, and keep every signal's body as it came."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from warroom.domain.timefmt import to_iso
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from warroom.domain.alerts.record import Alert

# an alert that fires again belongs to its incident while that is still open; a
# resolve or an acknowledgement is logged on it until it is closed
_OPEN = ("investigating", "identified", "fixing", "monitoring")
_LOGGABLE = (*_OPEN, "resolved")


def latest_alert(
    uow: UnitOfWork, source: str, key: str, *, open_only: bool
) -> tuple[int, int, str] | None:
    """(alert id, incident id, the alert's status) of the newest alert with this key whose
    incident is open (`open_only`) or at least not closed or cancelled."""
    statuses = _OPEN if open_only else _LOGGABLE
    marks = ", ".join("?" for _ in statuses)
    row = uow.conn.execute(
        "SELECT a.id, a.incident_id, a.status FROM alerts a JOIN incidents i"
        f" ON i.id = a.incident_id WHERE a.source = ? AND a.key = ? AND i.status IN ({marks})"
        " ORDER BY a.id DESC LIMIT 1",
        (source, key, *statuses),
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]), str(row[2]))


def open_group_incident(uow: UnitOfWork, source: str, group: str) -> int | None:
    """The open incident that already holds an alert of the sender's group `group`."""
    marks = ", ".join("?" for _ in _OPEN)
    row = uow.conn.execute(
        "SELECT a.incident_id FROM alerts a JOIN incidents i ON i.id = a.incident_id"
        f" WHERE a.source = ? AND a.group_key = ? AND a.group_key != '' AND i.status IN ({marks})"
        " ORDER BY a.id DESC LIMIT 1",
        (source, group, *_OPEN),
    ).fetchone()
    return None if row is None else int(row[0])


def insert_alert(uow: UnitOfWork, incident_id: int, alert: Alert) -> int:
    """A new alert on `incident_id`, first and last seen now; returns its id."""
    cursor = uow.conn.execute(
        "INSERT INTO alerts (incident_id, source, key, group_key, status, title, severity_hint,"
        " labels, links, starts_at, starts_at_ns, first_seen_at, last_seen_at, resolved_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            incident_id,
            alert.source,
            alert.key,
            alert.group,
            alert.status,
            alert.title,
            alert.severity_hint,
            json.dumps(dict(alert.labels), ensure_ascii=False),
            json.dumps([list(link) for link in alert.links], ensure_ascii=False),
            to_iso(alert.starts_at) if alert.starts_at else None,
            alert.starts_at_ns,
            uow.stamp,
            uow.stamp,
            uow.stamp if alert.status == "resolved" else None,
        ),
    )
    return int(cursor.lastrowid or 0)


def update_alert(uow: UnitOfWork, alert_id: int, alert: Alert) -> None:
    """The alert's new status (and its latest title and labels), seen now."""
    resolved = uow.stamp if alert.status == "resolved" else None
    uow.conn.execute(
        "UPDATE alerts SET status = ?, title = ?, labels = ?, last_seen_at = ?,"
        " resolved_at = CASE WHEN ? IS NULL THEN NULL ELSE coalesce(resolved_at, ?) END"
        " WHERE id = ?",
        (
            alert.status,
            alert.title,
            json.dumps(dict(alert.labels), ensure_ascii=False),
            uow.stamp,
            resolved,
            resolved,
            alert_id,
        ),
    )


def insert_signal(uow: UnitOfWork, alert_id: int, alert: Alert, payload: str) -> int:
    """One signal received for `alert_id`, with the whole body exactly as it came."""
    cursor = uow.conn.execute(
        "INSERT INTO alert_signals (alert_id, received_at, status, event, item, payload)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (alert_id, uow.stamp, alert.status, alert.event, alert.item, payload),
    )
    return int(cursor.lastrowid or 0)


def unresolved_alerts(uow: UnitOfWork, incident_id: int) -> int:
    """How many of the incident's alerts have not resolved."""
    row = uow.conn.execute(
        "SELECT count(*) FROM alerts WHERE incident_id = ? AND status != 'resolved'",
        (incident_id,),
    ).fetchone()
    return int(row[0])
