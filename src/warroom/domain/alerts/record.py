"""The normalised alert every source's parser returns, and the helpers they share.

Senders vary between versions: a field that is a string in one is a number or
absent in another, so every read here says what it accepts and names the field
(`alerts[1].startsAt`) when a value cannot be used. Times keep their nanoseconds
exactly (`starts_at_ns`, an integer), beside an aware UTC datetime (microseconds).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from warroom.domain.alerts.sources import SOURCES as SOURCES
from warroom.errors import InvalidInput

ALERT_STATUSES: tuple[str, ...] = ("firing", "resolved", "acknowledged")

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_RFC3339 = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9})\d*)?"
    r"\s*([Zz]|[+-]\d\d:?\d\d)?$"
)
# the Go zero time Alertmanager sends for "no end yet"; years before 1970 mean "not set"
_UNSET_BEFORE = 1970
_LATEST_YEAR = 2200


class AlertError(InvalidInput):
    """A payload that cannot be read as the named source's; says which field and why."""


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert signal, whatever sent it.

    `key` de-duplicates: the same key is the same alert (fingerprint, groupKey,
    dedup_key, an upstream incident or alert id), namespaced by `source`.
    `opens`: whether this signal may open an incident when none has its key (an
    Opsgenie "Escalate" names only an alert id: it updates, it never opens).
    """

    source: str
    key: str
    status: str  # firing, resolved or acknowledged
    title: str
    event: str = ""  # what the sender called it: incident.triggered, Create, firing
    severity_hint: str = ""  # the sender's own word: critical, P1, high, warning
    labels: Mapping[str, str] = field(default_factory=dict)
    links: tuple[tuple[str, str], ...] = ()  # (what, url)
    starts_at: dt.datetime | None = None
    starts_at_ns: int | None = None  # nanoseconds since 1970, exactly as sent
    description: str = ""
    item: str = ""  # where in the payload it came from: alerts[1], messages[0]
    opens: bool = True
    group: str = ""  # the sender's group (Alertmanager groupKey): one incident per group


@dataclass(frozen=True, slots=True)
class Ignored:
    """A signal that is not about an alert (a note, a ping, a test): why, in a line."""

    source: str
    reason: str
    item: str = ""


Signal = Alert | Ignored


def where(prefix: str, name: str | int) -> str:
    """`alerts[1]` + `startsAt` -> `alerts[1].startsAt`; an int is an index."""
    if isinstance(name, int):
        return f"{prefix}[{name}]"
    return f"{prefix}.{name}" if prefix else name


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def obj(value: Any, at: str, source: str) -> dict[str, Any]:
    """`value` if it is a JSON object, else an AlertError naming `at`."""
    if not isinstance(value, dict):
        raise AlertError(f"{source}: {at or 'the body'} is not a JSON object ({_kind(value)})")
    return value


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def optional_obj(body: Mapping[str, Any], name: str, at: str, source: str) -> dict[str, Any]:
    """An optional object field: {} when absent or null."""
    value = body.get(name)
    return {} if value is None else obj(value, where(at, name), source)


def optional_list(body: Mapping[str, Any], name: str, at: str, source: str) -> list[Any]:
    """An optional list field: [] when absent or null."""
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise AlertError(f"{source}: {where(at, name)} is not a list ({_kind(value)})")
    return value


def text(body: Mapping[str, Any], name: str, at: str, source: str, default: str = "") -> str:
    """A text field; a number is read as its digits (senders differ); absent/null: default."""
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool | dict | list):
        raise AlertError(f"{source}: {where(at, name)} is not text ({_kind(value)})")
    return str(value)


def required_text(body: Mapping[str, Any], name: str, at: str, source: str) -> str:
    """A text field that must be there and not be empty."""
    value = text(body, name, at, source).strip()
    if not value:
        raise AlertError(f"{source}: {where(at, name)} is missing")
    return value


def labels_of(value: Any, at: str, source: str) -> dict[str, str]:
    """A label map: text values kept exactly; numbers and booleans as JSON spells them."""
    if value is None:
        return {}
    found = obj(value, at, source)
    labels: dict[str, str] = {}
    for key, item in found.items():
        if isinstance(item, dict | list):
            raise AlertError(f"{source}: {where(at, key)} is not a single value")
        if item is None:
            continue
        labels[key] = "true" if item is True else "false" if item is False else str(item)
    return labels


def _from_ns(ns: int, at: str, source: str, shown: str) -> tuple[dt.datetime | None, int | None]:
    moment = _EPOCH + dt.timedelta(microseconds=ns // 1000)
    if moment.year >= _LATEST_YEAR:
        raise AlertError(f"{source}: {at} {shown} is after {_LATEST_YEAR}; check the sender")
    return moment, ns


def moment(value: Any, at: str, source: str) -> tuple[dt.datetime | None, int | None]:
    """(aware UTC datetime, exact nanoseconds since 1970) from RFC 3339 text with up to
    nine fractional digits, or from an epoch number whose digits say its unit (10:
    seconds, 13: milliseconds, 16: microseconds, 19: nanoseconds). Absent, empty or
    the Go zero time (`0001-01-01T00:00:00Z`): (None, None). A time with no zone is UTC."""
    if value is None or value == "" or value == 0:
        return None, None
    if isinstance(value, bool):
        raise AlertError(f"{source}: {at} is not a time (true/false)")
    if isinstance(value, int | float):
        return _epoch(value, at, source)
    if not isinstance(value, str):
        raise AlertError(f"{source}: {at} is not a time ({_kind(value)})")
    stripped = value.strip()
    if stripped.isdigit():
        return _epoch(int(stripped), at, source)
    match = _RFC3339.match(stripped)
    if not match:
        raise AlertError(f"{source}: {at} {_shown(value)} is not a time (expected RFC 3339)")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if year < _UNSET_BEFORE:
        return None, None
    fraction = (match.group(7) or "").ljust(9, "0")
    zone = match.group(8) or "Z"
    offset = 0
    if zone not in "Zz":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    try:
        naive = dt.datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        raise AlertError(f"{source}: {at} {_shown(value)} is not a date") from None
    seconds = (naive.replace(tzinfo=dt.UTC) - _EPOCH) // dt.timedelta(seconds=1) - offset
    return _from_ns(seconds * 1_000_000_000 + int(fraction), at, source, _shown(value))


def _epoch(number: float, at: str, source: str) -> tuple[dt.datetime | None, int | None]:
    if isinstance(number, float):
        if number != number or number in (float("inf"), float("-inf")) or number < 0:
            raise AlertError(f"{source}: {at} {number!r} is not a time")
        number = int(number * 1000) if number < 1e11 else int(number)
    if number < 0:
        raise AlertError(f"{source}: {at} {number} is not a time")
    digits = len(str(number))
    scale = {10: 10**9, 13: 10**6, 16: 10**3, 19: 1}.get(digits)
    if scale is None:
        if digits > 19:
            raise AlertError(f"{source}: {at} {_shown(number)} is not a time (too many digits)")
        scale = 10**9 if digits < 10 else 10**6 if digits < 13 else 10**3 if digits < 16 else 1
    return _from_ns(number * scale, at, source, str(number))


@dataclass(frozen=True, slots=True)
class AlertOnRecord:
    """An alert as warroom keeps it on an incident: its latest state and how often it
    was heard (`signals`). Times are as stored; an unreadable one reads as unset."""

    id: int
    incident_id: int
    source: str
    key: str
    group: str
    status: str
    title: str
    severity_hint: str
    labels: Mapping[str, str]
    links: tuple[tuple[str, str], ...]
    starts_at: dt.datetime | None
    starts_at_ns: int | None
    first_seen_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    resolved_at: dt.datetime | None
    signals: int


@dataclass(frozen=True, slots=True)
class SignalOnRecord:
    """One signal heard for an alert, with the body exactly as it came (`payload`:
    the whole webhook body; `item`: where in it this alert was, e.g. `alerts[1]`)."""

    id: int
    alert_id: int
    received_at: dt.datetime | None
    status: str
    event: str
    item: str
    payload: str
