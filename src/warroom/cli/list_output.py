"""What `warroom list` prints for thousands of incidents, written as text at once.

The JSON's one line is made by the read model (`read_model.list_json`, from the texts
domain.list_json keeps); here it is indented for a terminal. The plain lines are
`show_list`'s, each made visible as `echo` makes it, written in one go.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence

from warroom.domain.policy_record import UNKNOWN_SEVERITY
from warroom.domain.timefmt import format_age
from warroom.domain.visible import pad, visible
from warroom.domain.visible import visible_line as one_line
from warroom.store.read_model import ListedIncident


def indented(one_line_json: str) -> str:
    """`read_model.list_json`'s text as `echo_json` prints it to a terminal (indented)."""
    from warroom.domain.visible import json_text

    return json_text(json.loads(one_line_json), indent=2)


def plain_lines(
    rows: Sequence[ListedIncident], now: dt.datetime, known: Callable[[str], bool]
) -> list[str]:
    """The list's lines, each as `echo` prints it (without the newline)."""
    lines = []
    for row in rows:
        until = row.age_until
        age = format_age(row.declared_at, now if until is None else min(until, now))
        timer = row.timer
        due = f"{timer.name} {timer.shown}" if timer else ""
        severity = one_line(row.severity)
        if not known(row.severity):  # declared under another policy
            severity, due = f"{severity}?", UNKNOWN_SEVERITY
        # widths in terminal cells, so a CJK or emoji name keeps the title column in place
        lines.append(
            visible(
                f"#{row.id:<5} {pad(severity, 5)} {row.status:<13} {age:>7}  {due:<24} "
                f"{pad(one_line(row.commander), 14)} {one_line(row.title)}"
            )
        )
    return lines
