"""Pages: written to the outbox with their cause, delivered by whoever runs a round.

Queuing (`queue_event`, called inside the cause's unit of work: a declaration, a
rung reached, a breach recorded, a timer entering its warning window, a
resolution) writes one outbox row per recipient and channel, so a cause that
rolls back leaves no page, and a cause written once (the clocks write each breach
and rung once) pages once.

Delivery (`Pages.deliver_pages`) is at-least-once and, in normal operation,
exactly once: rows are claimed in a short BEGIN IMMEDIATE transaction under a
lease (`lease_owner`, `lease_until`), sent outside any transaction, and their
outcome recorded only by the lease holder. A deliverer killed mid-send leaves its
lease to expire; another then sends those pages again (the one case where a page
can arrive twice: the first send may have got through before the kill). A failed
send is tried again after the policy's back-off, and after `max_attempts` it is
FAILED: on the timeline, in `warroom pages` and in the console.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from warroom.domain.pages import (
    Page,
    page_text,
    paging_on,
    recipients,
    retry_after,
    unreachable,
)
from warroom.domain.policy import Policy
from warroom.service.base import RoomBase
from warroom.store import outbox_writes, queries
from warroom.store.unit_of_work import UnitOfWork

DEFAULT_LEASE = dt.timedelta(seconds=60)  # longer than any one send may take


# how a page is sent: raises an Exception saying why when it did not get through
Sender = Callable[[Page, Policy], None]


def queue_event(
    uow: UnitOfWork,
    policy: Policy,
    incident_id: int,
    event: str,
    key: str,
    what: str,
    names: Iterable[str],
    *,
    not_to: str = "",
    values: Mapping[str, str] | None = None,
    must_reach: bool = False,
) -> int:
    """Queue `event` (`what` happened) for the people in `names` who have channels, in
    `uow`; returns how many pages it queued. `key` identifies the event: an event
    already on record queues nothing (a second sweep, a second console).

    `must_reach` (a rung of the ladder): a person named who has no channel is a
    page FAILED at once, on the timeline and in the console, not a silence."""
    if not paging_on(policy.contacts):
        return 0
    event_id = outbox_writes.record_event(uow, incident_id, f"{incident_id}:{key}", event)
    if event_id is None:
        return 0
    row = uow.incident_fields(
        incident_id, "title", "severity", "status", "commander", "channel", "drill"
    )
    text = page_text(
        event,
        incident_id,
        str(row["title"]),
        str(row["severity"]),
        what,
        status=str(row["status"]),
        commander=str(row["commander"]),
        channel=str(row["channel"] or ""),
        drill=bool(row["drill"]),
    )
    hook_values = {
        "incident": str(incident_id),
        "title": str(row["title"]),
        "severity": str(row["severity"]),
        "status": str(row["status"]),
        "channel": str(row["channel"] or ""),
        "event": event,
        "what": what,
        "level": "",
        "who": "",
        "notify": "",
        "timer": event,
        "deadline": uow.stamp,
    } | dict(values or {})
    names = list(names)
    if must_reach:
        for name in unreachable(policy.contacts, names):
            why = f"nobody can page {name}: no channels in the policy's contacts"
            outbox_writes.unreachable(
                uow,
                incident_id=incident_id,
                event_id=event_id,
                key=f"{incident_id}:{key}|{name}|",
                event=event,
                recipient=name,
                subject=text.subject,
                body=text.body,
                error=why,
            )
            uow.append_timeline(
                incident_id,
                "page",
                f"⚠ Cannot page {name} ({what}): no channels in the policy's contacts",
                data={"recipient": name, "event": event, "failed": True, "error": why},
                automatic=True,
            )
    queued = 0
    for contact in recipients(policy.contacts, names, not_to=not_to):
        for channel in contact.channels:
            queued += outbox_writes.queue_page(
                uow,
                incident_id=incident_id,
                event_id=event_id,
                key=f"{incident_id}:{key}|{contact.name}|{channel}",
                event=event,
                recipient=contact.name,
                channel=channel,
                subject=text.subject,
                body=text.body,
                hook_values=hook_values | {"person": contact.name},
            )
    return queued


def commander_of(uow: UnitOfWork, incident_id: int) -> str:
    """Who commands the incident now (read under the write lock)."""
    return str(uow.incident_fields(incident_id, "commander")["commander"])


def paged_people(uow: UnitOfWork, incident_id: int) -> list[str]:
    """The people the ladder has called on the incident, most recent first."""
    calls = queries.engagements(uow.db, incident_id)
    return [call.person for call in reversed(calls) if call.person and not call.vacant]


def queue_resolved(
    uow: UnitOfWork, policy: Policy, incident_id: int, row_id: int, *, not_to: str = ""
) -> int:
    """Stand-down pages for a resolution (timeline row `row_id`): the commander, the
    policy's subscribers and everybody the ladder called (but `not_to`, who resolved it)."""
    if not paging_on(policy.contacts):
        return 0
    names = [
        commander_of(uow, incident_id),
        *policy.pages.subscribers,
        *paged_people(uow, incident_id),
    ]
    return queue_event(
        uow, policy, incident_id, "resolved", f"resolved:{row_id}", "resolved", names, not_to=not_to
    )


@dataclass
class DeliveryRound:
    """What one round did: pages claimed, delivered, failed for now (tried again
    later) and FAILED for good."""

    worker: str
    claimed: int = 0
    delivered: list[Page] = field(default_factory=list)
    retrying: list[tuple[Page, str]] = field(default_factory=list)
    failed: list[tuple[Page, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What a person reads of the round, one page a line."""
        from warroom.domain.channels import channel_kind  # delivery only

        out = [
            f"#{p.incident_id} paged {p.recipient} via {channel_kind(p.channel)}: delivered"
            for p in self.delivered
        ]
        out += [
            f"#{p.incident_id} page to {p.recipient} via {channel_kind(p.channel)} failed"
            f" (attempt {p.attempts + 1}, tried again later): {why}"
            for p, why in self.retrying
        ]
        out += [
            f"#{p.incident_id} page to {p.recipient} via {channel_kind(p.channel)} FAILED"
            f" after {p.attempts + 1} attempts: {why}"
            for p, why in self.failed
        ]
        return out


def new_worker_id() -> str:
    """A deliverer's name in leases: host, process and a random part."""
    import socket
    import uuid

    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Pages(RoomBase):
    """Delivering the outbox."""

    def deliver_pages(
        self,
        sender: Sender | None = None,
        worker_id: str | None = None,
        limit: int = 20,
        lease: dt.timedelta = DEFAULT_LEASE,
        keep_going: Callable[[], bool] | None = None,
    ) -> DeliveryRound:
        """One delivery round: up to `limit` due pages, each claimed under a lease in a
        short transaction, sent outside any transaction (`sender`; default: Apprise or
        the notify hook, warroom.delivery), and its outcome recorded. Never raises for
        a send that failed; a page whose lease ran out while it was being sent is left
        to whoever took it over. `keep_going` is asked before each page (a process
        told to stop finishes the page in hand, and claims no more)."""
        if sender is None:
            from warroom.delivery import send_page

            sender = send_page
        worker = worker_id or new_worker_id()
        result = DeliveryRound(worker)
        # one page claimed at a time: its lease need only outlast one send, however
        # many pages the round goes on to send (a batch's lease would run out under
        # slow channels, and another deliverer would send the rest again)
        while result.claimed < limit and (keep_going is None or keep_going()):
            with self.unit_of_work() as uow:
                claimed = outbox_writes.claim(uow, worker, lease, 1)
            if not claimed:
                break
            result.claimed += 1
            page = claimed[0]
            try:
                sender(page, self.policy)
            except Exception as exc:  # any failure of a send is recorded, never raised
                self._record_failure(result, page, worker, _reason(exc))
            else:
                self._record_delivery(result, page, worker)
        return result

    def _record_delivery(self, result: DeliveryRound, page: Page, worker: str) -> None:
        from warroom.domain.channels import channel_kind  # delivery only

        with self.unit_of_work() as uow:
            if not outbox_writes.delivered(uow, page.id, worker):
                return  # the lease ran out and another deliverer took it over
            uow.append_timeline(
                page.incident_id,
                "page",
                f"Paged {page.recipient} via {channel_kind(page.channel)}: {page.subject}",
                data={
                    "page": page.id,
                    "recipient": page.recipient,
                    "event": page.event,
                    "via": channel_kind(page.channel),
                    "delivered": True,
                },
                automatic=True,
            )
        result.delivered.append(page)

    def _record_failure(self, result: DeliveryRound, page: Page, worker: str, why: str) -> None:
        from warroom.domain.channels import channel_kind  # delivery only

        wait = retry_after(page.attempts + 1, self.policy.pages)
        with self.unit_of_work() as uow:
            if not outbox_writes.attempt_failed(uow, page.id, worker, why, wait):
                return
            if wait is None:
                via = channel_kind(page.channel)
                uow.append_timeline(
                    page.incident_id,
                    "page",
                    f"⚠ Page to {page.recipient} via {via} FAILED after {page.attempts + 1}"
                    f" attempts: {why}",
                    data={
                        "page": page.id,
                        "recipient": page.recipient,
                        "event": page.event,
                        "via": via,
                        "failed": True,
                        "error": why,
                    },
                    automatic=True,
                )
        (result.retrying if wait is not None else result.failed).append((page, why))


def _reason(exc: BaseException) -> str:
    """A failed send in one line (at most 300 characters)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
