"""The update times the clocks count, by audience.

The store reads them from the updates posted while the incident was open: an
update posted after the resolution counts on no clock, so it cannot turn a
missed beat into a met one (see sla.py for the clocks themselves).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from warroom.domain.models import Incident


@dataclass(frozen=True, slots=True)
class PostedUpdates:
    """The update times the clocks count, read by the store from the updates posted
    while the incident was open (an update posted after the resolution counts on
    no clock). `first_update_at` of the history is the first *external* one."""

    last_internal_at: dt.datetime | None = None
    last_external_at: dt.datetime | None = None

    @property
    def last_any_at(self) -> dt.datetime | None:
        present = [m for m in (self.last_internal_at, self.last_external_at) if m is not None]
        return max(present) if present else None


def count_updates(
    posted: Iterable[tuple[str, dt.datetime]], resolved_at: dt.datetime | None
) -> tuple[dt.datetime | None, PostedUpdates]:
    """From (audience, posted_at) of every update: the first external one and the last
    of each audience, counting only those posted by `resolved_at` (when resolved)."""
    counted = [(a, at) for a, at in posted if resolved_at is None or at <= resolved_at]
    internal = [at for a, at in counted if a == "internal"]
    external = [at for a, at in counted if a == "external"]
    return (
        min(external, default=None),
        PostedUpdates(max(internal, default=None), max(external, default=None)),
    )


def posted_from_row(incident: Incident) -> PostedUpdates:
    """Without the store's reading, the row's last update (of either audience); one
    posted after the resolution counts on no clock (the one before it is unknown)."""
    last = incident.last_update_at
    if last is not None and incident.resolved_at is not None and last > incident.resolved_at:
        last = None
    return PostedUpdates(last_internal_at=last, last_external_at=None)
