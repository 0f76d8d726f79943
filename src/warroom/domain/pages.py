"""Pages: which events reach which people, through which channels, and how often a
failed page is tried again.

An event that should reach a person (declared, escalated to a rung, an SLA
breached or about to be, an update due, resolved) becomes one outbox row per
recipient and channel, in the same transaction as its cause (service/pages.py).
This module decides who (`recipients`), what they read (`PageText`) and when a
failed page is tried again (`retry_after`); it does no I/O.

The policy's `pages:` section (all optional):

    pages:
      subscribers: [Dana Kim]        # also paged when an incident is declared or resolved
      about_to_breach: true          # page when a timer enters its warning window
      retry: [30s, 1m, 2m, 5m, 10m]  # waits between attempts; the last one repeats
      max_attempts: 10               # then the page is FAILED, loudly
      secrets_file: /etc/warroom/secrets.env   # NAME=value lines, owner-only (0600)

Paging is on when any contact lists `channels:`; without any, nothing is queued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from warroom.domain.rota import Contact, find_contact

if TYPE_CHECKING:
    import yaml

    from warroom.domain.policy_reader import PolicyReader

# what each event is called, in `warroom pages` and the console
EVENTS: dict[str, str] = {
    "declared": "declared",
    "escalated": "escalated",
    "breach": "SLA breached",
    "warning": "SLA about to breach",
    "update_due": "update due",
    "resolved": "resolved",
}
# timers whose warning is "an update is due" rather than "about to breach"
UPDATE_TIMERS = ("first_update", "update", "external_update")
DEFAULT_RETRY = tuple(
    dt.timedelta(seconds=s) for s in (30, 60, 120, 300, 600)
)  # 30s, 1m, 2m, 5m, 10m ...
DEFAULT_MAX_ATTEMPTS = 10
_FIELDS = ("subscribers", "about_to_breach", "retry", "max_attempts", "secrets_file")


@dataclass(frozen=True)
class PagesPolicy:
    """The `pages:` section of the policy."""

    subscribers: tuple[str, ...] = ()
    about_to_breach: bool = True
    retry: tuple[dt.timedelta, ...] = DEFAULT_RETRY
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    secrets_file: str = ""


NO_PAGES_SECTION = PagesPolicy()


def paging_on(contacts: Iterable[Contact]) -> bool:
    """Whether anybody can be paged at all (some contact lists a channel)."""
    return any(contact.channels for contact in contacts)


def retry_after(attempts: int, pages: PagesPolicy) -> dt.timedelta | None:
    """How long to wait after the `attempts`-th failed attempt; None: give up (FAILED)."""
    if attempts >= pages.max_attempts:
        return None
    waits = pages.retry or DEFAULT_RETRY
    return waits[min(attempts, len(waits)) - 1]


@dataclass(frozen=True)
class PageText:
    """What a page says: a subject line and a body (people's text as typed)."""

    subject: str
    body: str


def page_text(
    event: str,
    incident_id: int,
    title: str,
    severity: str,
    what: str,
    *,
    status: str,
    commander: str,
    channel: str,
    drill: bool = False,
) -> PageText:
    """The page for `event` on incident #`incident_id`; `what` says what happened,
    e.g. `escalated to level 2: Tech lead (Ben Okafor)`. A drill says so first."""
    tag = "[warroom DRILL]" if drill else "[warroom]"
    subject = f"{tag} #{incident_id} {severity} {what}: {title}"
    body = "\n".join(
        [
            f"#{incident_id} {severity} {EVENTS.get(event, event)}: {what}",
            f"Incident: {title}",
            f"Status: {status}. Commander: {commander or 'nobody'}",
            f"Channel: {channel}" if channel else "",
        ]
    ).strip()
    return PageText(subject, body)


def recipients(
    contacts: Sequence[Contact],
    names: Iterable[str],
    *,
    not_to: str = "",
) -> list[Contact]:
    """The contacts named in `names` that have a channel, each once, in order;
    `not_to`: the person whose own action caused the page (they know)."""
    found: list[Contact] = []
    seen: set[str] = set()
    for name in names:
        contact = find_contact(contacts, name) if name.strip() else None
        if contact is None or not contact.channels:
            continue
        key = contact.name.casefold()
        if key in seen or (not_to and key == not_to.strip().casefold()):
            continue
        seen.add(key)
        found.append(contact)
    return found


def unreachable(contacts: Sequence[Contact], names: Iterable[str]) -> list[str]:
    """The people named (each once) whom no channel reaches: not a contact, or a
    contact without `channels:`."""
    found: list[str] = []
    for name in names:
        contact = find_contact(contacts, name) if name.strip() else None
        if (contact is None or not contact.channels) and name.strip() and name not in found:
            found.append(name.strip())
    return found


def read_pages_policy(
    reader: PolicyReader, node: yaml.Node, contacts: Sequence[Contact]
) -> PagesPolicy:
    """The `pages:` section; subscribers must be contacts."""
    fields = reader.mapping(node, "pages", allowed=_FIELDS)
    subscribers: list[str] = []
    if "subscribers" in fields:
        items = reader.sequence(fields["subscribers"][1], "pages.subscribers")
        for i, item in enumerate(items):
            name = reader.scalar(item, f"pages.subscribers[{i}]").strip()
            if find_contact(contacts, name) is None:
                raise reader.fail(item, f"pages.subscribers[{i}]", f'"{name}" is not in contacts')
            subscribers.append(name)
    retry = DEFAULT_RETRY
    if "retry" in fields:
        waits = reader.sequence(fields["retry"][1], "pages.retry")
        retry = tuple(reader.duration(w, f"pages.retry[{i}]") for i, w in enumerate(waits))
        if not retry:
            raise reader.fail(fields["retry"][1], "pages.retry", "needs at least one wait")
    attempts = DEFAULT_MAX_ATTEMPTS
    if "max_attempts" in fields:
        text = reader.text(fields, "pages", "max_attempts")
        if not text.isdigit() or int(text) < 1:
            raise reader.fail(
                fields["max_attempts"][1], "pages.max_attempts", f'"{text}" is not a count (1+)'
            )
        attempts = int(text)
    return PagesPolicy(
        subscribers=tuple(subscribers),
        about_to_breach=reader.boolean(fields, "pages", "about_to_breach", True),
        retry=retry,
        max_attempts=attempts,
        secrets_file=reader.text(fields, "pages", "secrets_file"),
    )


@dataclass(frozen=True)
class Page:
    """One outbox row: one message to one recipient through one channel, and how its
    delivery went (`state`: pending, delivered or failed)."""

    id: int
    incident_id: int
    event: str
    recipient: str
    channel: str  # as written in the policy: `${NAME}` placeholders, never secrets
    subject: str
    body: str
    state: str
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    last_error: str = ""
    delivered_at: dt.datetime | None = None
    last_attempt_at: dt.datetime | None = None
    hook_values: tuple[tuple[str, str], ...] = ()  # what the notify hook is given

    @property
    def failed(self) -> bool:
        return self.state == "failed"


def page_line(page: Page) -> str:
    """One page as a person reads it: `page to Ana Lima via mailto FAILED: ...`."""
    from warroom.domain.channels import channel_kind

    via = channel_kind(page.channel)
    what = EVENTS.get(page.event, page.event)
    if page.state == "delivered":
        return f"paged {page.recipient} via {via} ({what}): delivered"
    if page.state == "failed" and not page.attempts:  # nobody to send it to
        return f"page to {page.recipient} ({what}) FAILED: {page.last_error}"
    if page.state == "failed":
        return (
            f"page to {page.recipient} via {via} ({what}) FAILED after {page.attempts}"
            f" attempt{'s' if page.attempts != 1 else ''}: {page.last_error}"
        )
    tried = f", {page.attempts} failed so far: {page.last_error}" if page.attempts else ""
    return f"paging {page.recipient} via {via} ({what}): pending{tried}"
