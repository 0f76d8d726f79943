"""Where a runbook applies, and what the system ticks itself.

`applies_to` in a runbook names severities by name (`severities: [P0]`) or by
rank in whatever policy is in effect (`ranks: [highest]`, `ranks: [0, 1]`,
`lowest`), so the same runbook attaches to the most severe incident under
P0-P3, P1-P4 or critical...low. `statuses: [resolved]` attaches a runbook
when the incident reaches one of those statuses (the post-incident list),
and `applies_to: on-request` never attaches by itself (`warroom attach`).

An item's `within` counts from a named moment (`from: resolved`); until that
moment has happened the item has no deadline. `done_when` names what the
system records itself (`acknowledged`, `role:scribe`): such an item is ticked
by the system when it happens, so a checklist never nags about what the
console already did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from warroom.domain.vocabulary import parse_role, parse_status
from warroom.errors import InvalidInput

# the moments a `within` may count from, as the incident row stores them
MOMENTS: tuple[str, ...] = ("declared", "acknowledged", "mitigated", "resolved")
# the events that tick a `done_when` item, besides `role:<role>` (someone holds the role)
EVENTS: tuple[str, ...] = MOMENTS
HIGHEST, LOWEST = "highest", "lowest"


@dataclass(frozen=True)
class Placement:
    """Where an incident stands, as `applies_to` asks: severity name and rank, kind, status."""

    severity: str
    kind: str
    rank: int | None = None  # the severity's rank in the policy (0 most severe); None: unknown
    lowest_rank: int | None = None  # the rank of the policy's least severe severity
    status: str = "investigating"


def parse_rank(text: str) -> str:
    """`0`, `1`, ... or `highest` / `lowest`, as stored; InvalidInput otherwise."""
    word = text.strip().lower()
    if word in (HIGHEST, LOWEST) or word.isdigit():
        return str(int(word)) if word.isdigit() else word
    raise InvalidInput(
        f"{text!r} is not a rank (0 is the most severe severity; or highest, lowest)"
    )


def parse_moment(text: str) -> str:
    """A moment a `within` counts from: declared, acknowledged, mitigated, resolved."""
    word = text.strip().lower()
    if word in MOMENTS:
        return word
    raise InvalidInput(f"unknown moment {text!r} (expected one of: {', '.join(MOMENTS)})")


def parse_event(text: str) -> str:
    """A `done_when` event: a moment (`acknowledged`) or `role:<role>` (a role is held)."""
    word = text.strip().lower()
    if word.startswith("role:"):
        return f"role:{parse_role(word.removeprefix('role:'))}"
    if word in EVENTS:
        return word
    raise InvalidInput(
        f"unknown event {text!r} (expected one of: {', '.join(EVENTS)}, or role:<role>)"
    )


def parse_statuses(text: str) -> str:
    """A status a runbook attaches at."""
    return parse_status(text)


def rank_matches(ranks: Iterable[str], place: Placement) -> bool:
    """Whether the incident's severity has one of `ranks` in the policy in effect."""
    if place.rank is None:
        return False
    for rank in ranks:
        if rank == HIGHEST and place.rank == 0:
            return True
        if rank == LOWEST and place.rank == place.lowest_rank:
            return True
        if rank.isdigit() and int(rank) == place.rank:
            return True
    return False


def in_scope(
    severities: tuple[str, ...],
    ranks: tuple[str, ...],
    kinds: tuple[str, ...],
    statuses: tuple[str, ...],
    place: Placement,
) -> bool:
    """True when an incident at `place` is inside this scope (empty lists mean any)."""
    if severities or ranks:
        by_name = place.severity.strip().lower() in {s.lower() for s in severities}
        if not by_name and not rank_matches(ranks, place):
            return False
    if kinds and place.kind.strip().lower() not in kinds:
        return False
    return not statuses or place.status in statuses


def describe(
    severities: tuple[str, ...],
    ranks: tuple[str, ...],
    kinds: tuple[str, ...],
    statuses: tuple[str, ...],
    severity_names: list[str],
) -> str:
    """Where a scope applies, in words, naming what each rank is under the policy in
    effect (`rank highest = critical, security`)."""
    words = list(severities)
    for rank in ranks:
        index = 0 if rank == HIGHEST else len(severity_names) - 1 if rank == LOWEST else int(rank)
        name = severity_names[index] if 0 <= index < len(severity_names) else "none in this policy"
        words.append(f"rank {rank} = {name}")
    words += kinds
    if statuses:
        words.append(f"at {' or '.join(statuses)}")
    return ", ".join(words) or "every incident"


def anchor(within_from: str, moments: Mapping[str, dt.datetime | None]) -> dt.datetime | None:
    """The moment an item's `within` counts from, or None when it has not happened yet."""
    return moments.get(within_from or "declared")


def events_hold(events: Iterable[str], happened: set[str]) -> bool:
    """Whether every `done_when` event has happened (none listed: never)."""
    wanted = set(events)
    return bool(wanted) and wanted <= happened
