"""The outbox's statements: pages queued inside their cause's unit of work, claimed
by a deliverer under a lease, and their outcome recorded.

Queuing is idempotent: an event's key and a page's idempotency key are UNIQUE, and
`INSERT OR IGNORE` makes a second sweep (or a second console) that sees the same
event queue nothing. Claiming is one short BEGIN IMMEDIATE transaction whose UPDATE
takes only pending rows whose lease is free or has expired, so two deliverers never
hold the same page; the send happens after it commits, outside any transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from warroom.domain.pages import Page
from warroom.domain.timefmt import to_iso
from warroom.store.outbox_queries import PAGE_COLUMNS, page_from_row
from warroom.store.unit_of_work import UnitOfWork


def record_event(uow: UnitOfWork, incident_id: int, key: str, event: str) -> int | None:
    """The event's id, or None when it is already on record (queued by someone else)."""
    cursor = uow.conn.execute(
        "INSERT OR IGNORE INTO page_events (incident_id, key, event, at) VALUES (?, ?, ?, ?)",
        (incident_id, key, event, uow.stamp),
    )
    return int(cursor.lastrowid or 0) if cursor.rowcount == 1 else None


def queue_page(
    uow: UnitOfWork,
    *,
    incident_id: int,
    event_id: int,
    key: str,
    event: str,
    recipient: str,
    channel: str,
    subject: str,
    body: str,
    hook_values: Mapping[str, str],
) -> bool:
    """One page, due now; False if its idempotency key is already queued."""
    cursor = uow.conn.execute(
        "INSERT OR IGNORE INTO outbox (incident_id, event_id, idempotency_key, event, recipient,"
        " channel, subject, body, hook_values, created_at, next_attempt_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            incident_id,
            event_id,
            key,
            event,
            recipient,
            channel,
            subject,
            body,
            json.dumps(dict(hook_values), sort_keys=True),
            uow.stamp,
            uow.stamp,
        ),
    )
    if cursor.rowcount == 1:
        uow.conn.execute("UPDATE page_events SET pages = pages + 1 WHERE id = ?", (event_id,))
    return cursor.rowcount == 1


def unreachable(
    uow: UnitOfWork,
    *,
    incident_id: int,
    event_id: int,
    key: str,
    event: str,
    recipient: str,
    subject: str,
    body: str,
    error: str,
) -> bool:
    """A page nobody can send (the person has no channel): FAILED from the start."""
    cursor = uow.conn.execute(
        "INSERT OR IGNORE INTO outbox (incident_id, event_id, idempotency_key, event, recipient,"
        " channel, subject, body, state, last_error, created_at, next_attempt_at)"
        " VALUES (?, ?, ?, ?, ?, '', ?, ?, 'failed', ?, ?, ?)",
        (incident_id, event_id, key, event, recipient, subject, body, error, uow.stamp, uow.stamp),
    )
    return cursor.rowcount == 1


def claim(uow: UnitOfWork, worker: str, lease: dt.timedelta, limit: int) -> list[Page]:
    """Take up to `limit` due pages for `worker` until `now + lease`: pending, due, and
    held by nobody (or by someone whose lease ran out: a deliverer that died)."""
    now = uow.stamp
    rows = uow.conn.execute(
        f"UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN ("
        " SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
        " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at, id LIMIT ?)"
        f" RETURNING {PAGE_COLUMNS}",
        (worker, to_iso(uow.now + lease), now, now, limit),
    ).fetchall()
    return sorted((page_from_row(row) for row in rows), key=lambda page: page.id)


def delivered(uow: UnitOfWork, page_id: int, worker: str) -> bool:
    """Record a delivery; False if the page was not ours to record (already recorded)."""
    cursor = uow.conn.execute(
        "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ?,"
        " last_attempt_at = ?, last_error = '', lease_owner = '', lease_until = NULL"
        " WHERE id = ? AND state = 'pending' AND lease_owner = ?",
        (uow.stamp, uow.stamp, page_id, worker),
    )
    return cursor.rowcount == 1


def attempt_failed(
    uow: UnitOfWork, page_id: int, worker: str, error: str, retry_in: dt.timedelta | None
) -> bool:
    """Record a failed attempt: tried again after `retry_in`, or FAILED when None."""
    state, next_at = ("failed", uow.stamp) if retry_in is None else ("pending", None)
    if retry_in is not None:
        next_at = to_iso(uow.now + retry_in)
    cursor = uow.conn.execute(
        "UPDATE outbox SET state = ?, attempts = attempts + 1, last_attempt_at = ?,"
        " last_error = ?, next_attempt_at = ?, lease_owner = '', lease_until = NULL"
        " WHERE id = ? AND state = 'pending' AND lease_owner = ?",
        (state, uow.stamp, error, next_at, page_id, worker),
    )
    return cursor.rowcount == 1
