"""What a scribe types, turned into an entry: kind, text and when it happened.

`d: roll back` is a decision; `14:02 saw 5xx spike` happened at 14:02 (local
time, the most recent 14:02 not in the future); `14:02 f: saw 5xx` is both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from warroom.domain.timefmt import read_user_time
from warroom.domain.vocabulary import split_entry_prefix

_LEADING_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)\s+(?=\S)")


@dataclass(frozen=True)
class TypedEntry:
    kind: str
    text: str
    at: dt.datetime | None  # None: it happened now
    note: str = ""  # how a local time at a daylight-saving change was read, if it was


def without_leading_time(typed: str) -> str:
    """The typed line without its backdating `HH:MM` (what decides the kind)."""
    body = typed.strip()
    match = _LEADING_TIME.match(body)
    return body[match.end() :] if match else body


def parse_typed_entry(typed: str, now: dt.datetime, tz: dt.tzinfo) -> TypedEntry:
    """Split a typed line into kind, text and an optional backdated time."""
    at, note = None, ""
    match = _LEADING_TIME.match(typed.strip())
    body = typed.strip()
    if match:
        when = read_user_time(f"{int(match.group(1)):02d}:{match.group(2)}", now, tz)
        at, note = when.at, when.note
        body = body[match.end() :]
    kind, text = split_entry_prefix(body)
    return TypedEntry(kind, text, at, note)
