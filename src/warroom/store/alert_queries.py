"""Reading the alerts on an incident (for `warroom alerts`, and the consoles' pane)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from warroom.domain.alerts.record import AlertOnRecord, SignalOnRecord
from warroom.domain.timefmt import stored_time

if TYPE_CHECKING:
    import sqlite_utils


def _time(text: Any) -> dt.datetime | None:
    if not text:
        return None
    try:
        return stored_time(str(text))
    except ValueError:
        return None


def _labels(text: Any) -> dict[str, str]:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _links(text: Any) -> tuple[tuple[str, str], ...]:
    try:
        found = json.loads(text or "[]")
    except ValueError:
        return ()
    if not isinstance(found, list):
        return ()
    return tuple(
        (str(pair[0]), str(pair[1])) for pair in found if isinstance(pair, list) and len(pair) == 2
    )


def incident_alerts(db: sqlite_utils.Database, incident_id: int) -> list[AlertOnRecord]:
    """The incident's alerts, first heard first, with how many signals each had."""
    rows = db.conn.execute(
        "SELECT a.id, a.incident_id, a.source, a.key, a.group_key, a.status, a.title,"
        " a.severity_hint, a.labels, a.links, a.starts_at, a.starts_at_ns, a.first_seen_at,"
        " a.last_seen_at, a.resolved_at,"
        " (SELECT count(*) FROM alert_signals s WHERE s.alert_id = a.id)"
        " FROM alerts a WHERE a.incident_id = ? ORDER BY a.id",
        (incident_id,),
    ).fetchall()
    return [
        AlertOnRecord(
            id=int(r[0]),
            incident_id=int(r[1]),
            source=str(r[2]),
            key=str(r[3]),
            group=str(r[4]),
            status=str(r[5]),
            title=str(r[6]),
            severity_hint=str(r[7]),
            labels=_labels(r[8]),
            links=_links(r[9]),
            starts_at=_time(r[10]),
            starts_at_ns=None if r[11] is None else int(r[11]),
            first_seen_at=_time(r[12]),
            last_seen_at=_time(r[13]),
            resolved_at=_time(r[14]),
            signals=int(r[15]),
        )
        for r in rows
    ]


def alert_signals(db: sqlite_utils.Database, alert_id: int) -> list[SignalOnRecord]:
    """Every signal heard for an alert, newest first, each with its body as received."""
    rows = db.conn.execute(
        "SELECT id, alert_id, received_at, status, event, item, payload FROM alert_signals"
        " WHERE alert_id = ? ORDER BY id DESC",
        (alert_id,),
    ).fetchall()
    return [
        SignalOnRecord(
            id=int(r[0]),
            alert_id=int(r[1]),
            received_at=_time(r[2]),
            status=str(r[3]),
            event=str(r[4]),
            item=str(r[5]),
            payload=str(r[6]),
        )
        for r in rows
    ]
