"""Whether an engine (`warroom engine`) is running on a file, judged from its record.

A running engine writes a heartbeat into the file every few seconds and clears
its record when it stops cleanly. An engine killed without warning leaves its
record behind with a heartbeat that stops moving: a heartbeat older than
`STALE_AFTER` counts as no engine at all, so the console never says ladders
advance on their own when nothing is advancing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

HEARTBEAT_EVERY = dt.timedelta(seconds=5)
# three missed heartbeats: a busy disk may delay one, never three
STALE_AFTER = dt.timedelta(seconds=15)

NO_ENGINE = "engine: none — ladders advance only while a console is open"


@dataclass(frozen=True, slots=True)
class EngineOnRecord:
    """One engine's record in the file: which process, where it listens, since when."""

    id: int
    pid: int
    host: str
    listen: str
    version: str
    started_at: dt.datetime
    heartbeat_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EnginePresence:
    """What the console's top bar says about engines: `line`, or a shorter form of it
    (`shorter`, longest first) where the bar has no room."""

    running: bool
    line: str
    shorter: tuple[str, ...]

    def fitting(self, room: int) -> str:
        """The longest form no longer than `room` characters (the shortest if none is)."""
        forms = (self.line, *self.shorter)
        return next((form for form in forms if len(form) <= room), forms[-1])


def running_engines(engines: Sequence[EngineOnRecord], now: dt.datetime) -> list[EngineOnRecord]:
    """The engines whose heartbeat is fresh at `now`, longest-running first."""
    fresh = [e for e in engines if now - e.heartbeat_at <= STALE_AFTER]
    return sorted(fresh, key=lambda e: (e.started_at, e.id))


def _since(at: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> str:
    local = at.astimezone(tz)
    if local.date() == now.astimezone(tz).date():
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def presence(engines: Sequence[EngineOnRecord], now: dt.datetime, tz: dt.tzinfo) -> EnginePresence:
    """`engine: running since 10:02 (host:pid)`, or `engine: none — ...` when no record
    has a fresh heartbeat."""
    fresh = running_engines(engines, now)
    if not fresh:
        return EnginePresence(
            False, NO_ENGINE, ("engine: none — ladders need a console open", "engine: none")
        )
    first = fresh[0]
    more = f" +{len(fresh) - 1} more" if len(fresh) > 1 else ""
    since = _since(first.started_at, now, tz)
    return EnginePresence(
        True,
        f"engine: running since {since} ({first.host}:{first.pid}){more}",
        (f"engine: running since {since}{more}", f"engine: running{more}"),
    )
