"""What `warroom list` prints for thousands of incidents, written as text at once.

The JSON is the shape of `json_shapes.incident_json` plus `next_deadline`
(`json_shapes.timer_json`) and `severity_known`, byte for byte what `echo_json`
prints for those dicts (tests compare the two); each row is written from the
stored texts with the JSON encoder's own string escaping, rather than built as
dicts and encoded (a tenth of a second at 10,000 incidents). The plain lines are
`show_list`'s, each made visible as `echo` makes it, written in one go.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence

from warroom.domain import list_json
from warroom.domain.list_json import Quoted, text
from warroom.domain.next_due import Reading
from warroom.domain.policy_record import UNKNOWN_SEVERITY
from warroom.domain.sla import MISSED
from warroom.domain.timefmt import format_age, to_iso
from warroom.domain.visible import pad, visible
from warroom.domain.visible import visible_line as one_line
from warroom.store.read_model import ListedIncident


def _iso(at: dt.datetime) -> str:
    """`to_iso(at)`, without strftime for a time already in UTC."""
    if at.tzinfo is dt.UTC and at.year >= 1000:
        return f"{at.isoformat(timespec='seconds')[:19]}Z"
    return to_iso(at)


def _timer(timer: Reading | None, q: Quoted) -> str:
    if timer is None:
        return "null"
    remaining = int(timer.remaining.total_seconds())
    missed = str(-remaining) if timer.state == MISSED else "null"
    done = "null" if timer.done_at is None else f'"{_iso(timer.done_at)}"'
    audience = q[timer.audience] if timer.audience else "null"
    return (
        f'{{"name": {q[timer.name]}, "label": {q[timer.label]},'
        f' "deadline": "{timer.printed_deadline}", "remaining_seconds": {remaining},'
        f' "state": {q[timer.state]}, "severity": {q[timer.severity]},'
        f' "shown": {text(timer.shown)}, "done_at": {done},'
        f' "missed_by_seconds": {missed}, "audience": {audience}}}'
    )


def json_rows(
    rows: Sequence[ListedIncident], now: dt.datetime, known: Callable[[str], bool]
) -> str:
    """The list as one line of JSON (`echo_json` to a pipe); `known`: whether the policy
    knows a severity."""
    parts = []
    q = Quoted()
    ends: dict[str, str] = {}  # by severity: whether the policy knows it
    for row in rows:
        head, tail = row.text or list_json.parts(row.columns or (), q)
        age = int((now - row.declared_at).total_seconds())
        known_text = ends.get(row.severity)
        if known_text is None:
            known_text = ends[row.severity] = "true}" if known(row.severity) else "false}"
        parts.append(f'{head}{age}{tail}{_timer(row.timer, q)}, "severity_known": {known_text}')
    return f"[{', '.join(parts)}]"


def indented(one_line_json: str) -> str:
    """`json_rows`' text as `echo_json` prints it to a terminal (indented)."""
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
