"""What the timeline's filter (`f`) can narrow it to, said once as data.

A filter keeps entries by their current kind (a set of kinds, or every kind but
those) or keeps the pinned ones. The console tests entries it holds with
`passes`; a huge timeline read a page at a time narrows in SQL from the same
fields (`store.timeline_pages`), so both read alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from warroom.domain.timeline_state import ShownEntry
from warroom.domain.vocabulary import ENTRY_KINDS

POST_MORTEM_KINDS = ("root-cause", "went-well", "went-wrong", "lesson")


@dataclass(frozen=True)
class TimelineFilter:
    """One way to narrow the timeline."""

    label: str  # what the title says, e.g. "decisions"
    kinds: frozenset[str] | None = None  # only these kinds (None: any kind)
    other_kinds: bool = False  # every kind but `kinds` instead
    pinned: bool = False  # only pinned entries

    def kind_passes(self, kind: str) -> bool:
        """Whether an entry of this (current) kind passes, pins aside."""
        if self.kinds is None:
            return True
        return (kind in self.kinds) != self.other_kinds

    def passes(self, item: ShownEntry) -> bool:
        """Whether the entry shows under this filter."""
        return self.kind_passes(item.entry.kind) and (item.pinned or not self.pinned)


# filter name -> the filter, in the order the chooser offers them
TIMELINE_FILTERS: dict[str, TimelineFilter] = {
    "all": TimelineFilter("everything"),
    "scribe": TimelineFilter("scribe entries", frozenset(ENTRY_KINDS)),
    "pinned": TimelineFilter("pinned", pinned=True),
    **{
        kind: TimelineFilter(f"{kind}s" if kind != "todo" else "TODOs", frozenset({kind}))
        for kind in ("decision", "action", "finding", "todo", "note")
    },
    "post-mortem": TimelineFilter(
        "root cause, went well/wrong, lessons", frozenset(POST_MORTEM_KINDS)
    ),
    "system": TimelineFilter("console records", frozenset(ENTRY_KINDS), other_kinds=True),
}
