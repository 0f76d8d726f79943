"""What the CLI prints: text with control characters made visible, JSON escaped.

Everything a command prints goes out through `echo` or `echo_json`, so stored
text reaches the terminal with its control characters made visible (text) or
escaped (JSON).
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

from warroom.cli.context import echo_text
from warroom.domain.timefmt import format_when
from warroom.domain.visible import json_text, pad, visible, visible_line

if TYPE_CHECKING:
    from warroom.domain.timeline_state import ShownEntry


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print `text` with every control character made visible (newlines and tabs kept).

    Callers make single-line cells visible (and pad them) themselves with
    `visible_line` and `pad`; this is the guard for everything else.
    """
    echo_text(visible(text), err=err, nl=nl)


def echo_json(value: Any) -> None:
    """Print `value` as JSON: exact text, control characters escaped; indented for a
    person at a terminal, one line for a program reading a pipe (the C encoder: a
    list of 2,000 incidents in ~20 ms, not ~200)."""
    echo_text(json_text(value, indent=2 if sys.stdout.isatty() else None))


def timeline_lines(
    shown: list[ShownEntry], now: dt.datetime, tz: dt.tzinfo, *, history: bool = True
) -> list[str]:
    """The timeline as `show` prints it: entry ids to correct by, pins, struck entries,
    and (with `history`) every earlier version under the one that replaced it."""
    lines = []
    for item in shown:
        entry = item.entry
        mark = "★" if item.pinned else " "
        text = entry.text
        if item.struck:
            reason = entry.data.get("reason") or "no reason given"
            text = f"[struck by {entry.author}: {reason}] {text}"
        elif item.edited:
            text = f"{text} (edited)"
        author, kind = visible_line(entry.author), visible_line(entry.kind)
        lines.append(
            f"  {mark} #{entry.id:<5} {format_when(entry.at, now, tz)}  {pad(author, 14)}"
            f" {pad(kind, 9)} {visible_line(text)}"
        )
        if history:
            for old in item.history:
                lines.append(
                    f"           was #{old.id} (by {visible_line(old.author)}, logged"
                    f" {format_when(old.logged_at, now, tz)}): {visible_line(old.text)}"
                )
    return lines
