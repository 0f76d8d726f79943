"""Who to call: contacts and the weekly on-call rota.

The rota hands over once a week, on one weekday at one local time in its own
IANA zone (so a hand-over stays at 09:00 local across DST changes, and that
week is an hour shorter or longer). Week pairs repeat in order from `start`,
the local date of a hand-over, and also run backwards before it, so "On-call"
names a person for any moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from warroom.domain.business_hours import (
    WEEKDAYS,
    parse_date,
    parse_time_of_day,
    parse_weekday,
    parse_zone,
)

if TYPE_CHECKING:
    import yaml

    from warroom.domain.policy_reader import PolicyReader


@dataclass(frozen=True)
class Contact:
    """A person the war room can reach."""

    name: str
    phone: str = ""
    email: str = ""
    chat: str = ""
    channels: tuple[str, ...] = ()  # where pages go: Apprise URLs or `hook` (domain/channels)

    def reach(self) -> str:
        """The ways to reach them, in the order people try: `+44 ... · @ana · ana@x`."""
        return " · ".join(way for way in (self.phone, self.chat, self.email) if way)


@dataclass(frozen=True)
class RotaWeek:
    """One week's pair: the primary takes the page, the secondary backs them up."""

    primary: str
    secondary: str = ""


@dataclass(frozen=True)
class Rota:
    """A weekly on-call rotation, named as ladders call it (`On-call`)."""

    name: str
    zone: str
    handover_day: int  # 0 = Monday
    handover_time: dt.time
    start: dt.date
    weeks: tuple[RotaWeek, ...]


@dataclass(frozen=True)
class OnCall:
    """Who holds the pager at a moment, and the hand-overs either side (UTC)."""

    primary: str
    secondary: str
    since: dt.datetime
    until: dt.datetime


def _handover(rota: Rota, day: dt.date) -> dt.datetime:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(rota.zone)
    return dt.datetime.combine(day, rota.handover_time, tzinfo=tz).astimezone(dt.UTC)


# The last pair worked out, and its rota: the same pair holds from its hand-over to the
# next, so a list of thousands of incidents asks the zone database once, not twice each.
_last: tuple[Rota, OnCall] | None = None


def on_call(rota: Rota, at: dt.datetime) -> OnCall:
    """The pair on call at `at` (any aware datetime, any zone)."""
    global _last
    if at.tzinfo is None:
        raise ValueError("on_call needs an aware datetime")
    if not rota.weeks:
        raise ValueError(f"the {rota.name} rota has no weeks")
    at = at.astimezone(dt.UTC)
    last = _last
    if last is not None and last[0] is rota and last[1].since <= at < last[1].until:
        return last[1]
    pair = worked_out(rota, at)
    _last = (rota, pair)
    return pair


def worked_out(rota: Rota, at: dt.datetime) -> OnCall:
    """`on_call` worked out afresh, without the kept pair (`at` in UTC)."""
    from zoneinfo import ZoneInfo

    local = at.astimezone(ZoneInfo(rota.zone))
    day = local.date() - dt.timedelta(days=(local.weekday() - rota.handover_day) % 7)
    # Compare in UTC: aware datetimes sharing a tzinfo compare by wall time.
    if _handover(rota, day) > at:
        day -= dt.timedelta(weeks=1)
    anchor = rota.start - dt.timedelta(days=(rota.start.weekday() - rota.handover_day) % 7)
    week = rota.weeks[((day - anchor).days // 7) % len(rota.weeks)]
    return OnCall(
        primary=week.primary,
        secondary=week.secondary,
        since=_handover(rota, day),
        until=_handover(rota, day + dt.timedelta(weeks=1)),
    )


def find_contact(contacts: Iterable[Contact], name: str) -> Contact | None:
    """The contact called `name` (case and surrounding spaces ignored), if any."""
    key = name.strip().casefold()
    for contact in contacts:
        if contact.name.casefold() == key:
            return contact
    return None


# -- reading the policy file's contacts, roles and rota sections ---------------

_CONTACT_FIELDS = ("name", "phone", "email", "chat", "channels")
_ROTA_FIELDS = ("name", "zone", "handover_day", "handover_time", "start", "weeks")


def _known_person(
    reader: PolicyReader,
    node: yaml.Node,
    where: str,
    name: str,
    contacts: Sequence[Contact],
    known: set[str],
) -> None:
    """`known` holds the contacts' casefolded names: one set per section, so thousands
    of names read in linear time."""
    if name.strip().casefold() not in known:
        listed = ", ".join(c.name for c in contacts[:10]) or "none listed"
        more = f" and {len(contacts) - 10} more" if len(contacts) > 10 else ""
        raise reader.fail(node, where, f'"{name}" is not in contacts ({listed}{more})')


def read_contacts(reader: PolicyReader, node: yaml.Node) -> tuple[Contact, ...]:
    """The `contacts:` list: name (required, unique), phone, email, chat."""
    contacts: list[Contact] = []
    seen: set[str] = set()
    for i, item in enumerate(reader.sequence(node, "contacts")):
        where = f"contacts[{i}]"
        fields = reader.mapping(item, where, allowed=_CONTACT_FIELDS)
        name = reader.text(fields, where, "name")
        if not name:
            raise reader.fail(item, f"{where}.name", "is required")
        if name.casefold() in seen:
            raise reader.fail(fields["name"][1], f"{where}.name", f'"{name}" is listed twice')
        seen.add(name.casefold())
        email = reader.text(fields, where, "email")
        if email and "@" not in email:
            raise reader.fail(fields["email"][1], f"{where}.email", f'"{email}" is not an email')
        contacts.append(
            Contact(
                name,
                reader.text(fields, where, "phone"),
                email,
                reader.text(fields, where, "chat"),
                _channels(reader, fields["channels"][1], where) if "channels" in fields else (),
            )
        )
    return tuple(contacts)


def _channels(reader: PolicyReader, node: yaml.Node, where: str) -> tuple[str, ...]:
    """A contact's `channels:` list: Apprise URLs (secrets as `${NAME}`) or `hook`."""
    from warroom.domain.channels import channel_problem

    found: list[str] = []
    for i, item in enumerate(reader.sequence(node, f"{where}.channels")):
        text = reader.scalar(item, f"{where}.channels[{i}]").strip()
        if problem := channel_problem(text):
            raise reader.fail(item, f"{where}.channels[{i}]", problem)
        found.append(text)
    return tuple(found)


def read_roles(
    reader: PolicyReader, node: yaml.Node, contacts: Sequence[Contact]
) -> dict[str, str]:
    """The `roles:` mapping from a ladder title (`Eng lead`) to a contact's name."""
    roles: dict[str, str] = {}
    known = {c.name.casefold() for c in contacts}
    for title, (_, value) in reader.mapping(node, "roles").items():
        person = reader.scalar(value, f"roles.{title}").strip()
        _known_person(reader, value, f"roles.{title}", person, contacts, known)
        roles[title] = person
    return roles


def read_rota(reader: PolicyReader, node: yaml.Node, contacts: Sequence[Contact]) -> Rota:
    """The `rota:` section; every person in it must be one of the contacts."""
    fields = reader.mapping(node, "rota", allowed=_ROTA_FIELDS)
    for required in ("zone", "handover_day", "handover_time", "start", "weeks"):
        if required not in fields:
            raise reader.fail(node, f"rota.{required}", "is required")
    day = reader.convert(fields["handover_day"][1], "rota.handover_day", parse_weekday)
    start = reader.convert(fields["start"][1], "rota.start", parse_date)
    if start.weekday() != day:
        raise reader.fail(
            fields["start"][1],
            "rota.start",
            f"{start} is a {WEEKDAYS[start.weekday()].title()}, but hand-over is on"
            f" {WEEKDAYS[day].title()}",
        )
    weeks: list[RotaWeek] = []
    known = {c.name.casefold() for c in contacts}
    for i, item in enumerate(reader.sequence(fields["weeks"][1], "rota.weeks")):
        where = f"rota.weeks[{i}]"
        pair = reader.mapping(item, where, allowed=("primary", "secondary"))
        if "primary" not in pair:
            raise reader.fail(item, f"{where}.primary", "is required")
        for role in pair:
            person = reader.text(pair, where, role)
            _known_person(reader, pair[role][1], f"{where}.{role}", person, contacts, known)
        weeks.append(
            RotaWeek(reader.text(pair, where, "primary"), reader.text(pair, where, "secondary"))
        )
    if not weeks:
        raise reader.fail(fields["weeks"][1], "rota.weeks", "needs at least one week")
    return Rota(
        name=reader.text(fields, "rota", "name", "On-call"),
        zone=reader.convert(fields["zone"][1], "rota.zone", parse_zone),
        handover_day=day,
        handover_time=reader.convert(
            fields["handover_time"][1], "rota.handover_time", parse_time_of_day
        ),
        start=start,
        weeks=tuple(weeks),
    )
