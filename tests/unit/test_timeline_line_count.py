"""An entry's line count, worked out without wrapping when its text is a plain line
that fits (issue 12: a key lays out every entry of the incident it selects), is the
count of the lines it wraps to, whatever the text."""

from __future__ import annotations

import datetime as dt

import pytest

from warroom.domain.models import TimelineEntry
from warroom.domain.timeline_state import ShownEntry
from warroom.tui.widgets.timeline_text import line_count, wrapped

AT = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def shown(text: str, *, struck: bool = False, edited: bool = False) -> ShownEntry:
    data = {"struck": True, "reason": "wrong incident"} if struck else {}
    entry = TimelineEntry(2, 1, AT, AT, "Ana", "ana", "note", text, data, None)
    old = TimelineEntry(1, 1, AT, AT, "Ana", "ana", "note", "before", {}, None)
    return ShownEntry(entry, False, (old,) if edited else ())


TEXTS = [
    "",
    "x",
    "failing over to the standby",
    "a" * 20,
    "a" * 21,
    "word " * 4 + "w",  # exactly 21 with its spaces
    "two  spaces between",
    " leading and trailing ",
    "tab\there",
    "line one\nline two",
    "crlf\r\nline",
    "escape \x1b[31m red",
    "del \x7f char",
    "naïve café",
    "漢字のテキストは二セル",
    "[bold]markup[/bold]",
    "supercalifragilisticexpialidocious",
    "bidi \u202e override",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [1, 8, 20, 21, 60])
@pytest.mark.parametrize("how", ["plain", "struck", "edited"])
def test_the_count_is_the_lines_wrapped(text: str, width: int, how: str) -> None:
    item = shown(text, struck=how == "struck", edited=how == "edited")
    assert line_count(item, width) == len(wrapped(item, width))


def test_a_long_line_counts_its_wrapped_lines() -> None:
    item = shown("a long entry " * 30)
    assert line_count(item, 40) == len(wrapped(item, 40)) > 1
