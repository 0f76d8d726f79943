"""A paste arrives as one `Paste` event, whatever it holds, however the reads cut it."""

from __future__ import annotations

import time

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

from warroom.tui.paste_guard import PasteSafeParser

PASTED = "one\nsecond \x1b[31mred\x1b[0m line\nthird \x1b"
INPUT = f"ab\x1b[200~{PASTED}\x1b[201~x\x1b[200~plain\x1b[201~\x1b[A"


def shown(messages: list[Message]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for message in messages:
        if isinstance(message, events.Paste):
            out.append(("paste", message.text))
        elif isinstance(message, events.Key):
            out.append(("key", message.key))
    return out


def parse(parser: XTermParser, reads: list[str]) -> list[tuple[str, str]]:
    messages: list[Message] = []
    for read in reads:
        messages += parser.feed(read)
    return shown(messages)


EXPECTED = [
    ("key", "a"),
    ("key", "b"),
    ("paste", PASTED),
    ("key", "x"),
    ("paste", "plain"),
    ("key", "up"),
]


def test_textual_alone_sends_part_of_such_a_paste_as_keys() -> None:
    """Why the guard exists: if Textual's parser is ever mended, this says so."""
    assert parse(XTermParser(), [INPUT]) != EXPECTED


def test_a_paste_holding_escape_sequences_arrives_whole_between_the_keys() -> None:
    assert parse(PasteSafeParser(), [INPUT]) == EXPECTED


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 11])
def test_every_way_the_reads_cut_the_input_gives_the_same_events(size: int) -> None:
    reads = [INPUT[at : at + size] for at in range(0, len(INPUT), size)]
    assert parse(PasteSafeParser(), reads) == EXPECTED


def test_any_two_cuts_give_the_same_events() -> None:
    for first in range(1, len(INPUT)):
        for second in range(first + 1, len(INPUT), 3):
            reads = [INPUT[:first], INPUT[first:second], INPUT[second:]]
            assert parse(PasteSafeParser(), reads) == EXPECTED, (first, second)


def test_the_escape_key_alone_is_not_held_back() -> None:
    parser = PasteSafeParser()
    assert shown(list(parser.feed("\x1b"))) == []
    time.sleep(0.15)  # past Textual's escape delay: the parser decides it was the key
    assert shown(list(parser.tick())) == [("key", "escape")]


def test_input_that_ends_inside_a_paste_ends_cleanly() -> None:
    parser = PasteSafeParser()
    messages = [*parser.feed("\x1b[200~cut off at the end\x1b[20"), *parser.feed("")]
    assert ("paste", "cut off at the end") not in shown(messages)  # never ended: no paste
    assert parser.is_eof
