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
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses

from warroom.domain.policy_record import UNKNOWN_SEVERITY
from warroom.domain.sla import MISSED, countdown
from warroom.domain.timefmt import format_age, to_iso
from warroom.domain.visible import json_raw_escaped, pad, visible
from warroom.domain.visible import visible_line as one_line
from warroom.store.read_model import ListedIncident

_RAW = "\x7f"  # json_raw_escaped's characters are this one and non-ASCII ones


def _text(value: str) -> str:
    """A JSON string as `json_text` prints it."""
    dumped: str = encode_basestring(value)
    if dumped.isascii() and _RAW not in dumped:
        return dumped
    return json_raw_escaped(dumped)


class _Quoted(dict[str, str]):
    """`_text` of each text, worked out once (statuses, people, labels repeat)."""

    def __missing__(self, value: str) -> str:
        quoted = self[value] = _text(value)
        return quoted


def _iso(at: dt.datetime) -> str:
    """`to_iso(at)`, without strftime for a time already in UTC."""
    if at.tzinfo is dt.UTC and at.year >= 1000:
        return f"{at.isoformat(timespec='seconds')[:19]}Z"
    return to_iso(at)


class _Stamps(dict[str | None, str]):
    """A stored time (already in the printed form) as a JSON value."""

    def __init__(self) -> None:
        super().__init__({None: "null"})

    def __missing__(self, stamp: str | None) -> str:
        return f'"{stamp}"'


def _timer(row: ListedIncident, q: _Quoted) -> str:
    timer = row.timer
    if timer is None:
        return "null"
    remaining = int(timer.remaining.total_seconds())
    missed = str(-remaining) if timer.state == MISSED else "null"
    done = "null" if timer.done_at is None else f'"{_iso(timer.done_at)}"'
    audience = q[timer.audience] if timer.audience else "null"
    return (
        f'{{"name": {q[timer.name]}, "label": {q[timer.label]},'
        f' "deadline": "{_iso(timer.deadline)}", "remaining_seconds": {remaining},'
        f' "state": {q[timer.state]}, "severity": {q[timer.severity]},'
        f' "shown": {_text(countdown(timer))}, "done_at": {done},'
        f' "missed_by_seconds": {missed}, "audience": {audience}}}'
    )


def json_rows(
    rows: Sequence[ListedIncident], now: dt.datetime, known: Callable[[str], bool]
) -> str:
    """The list as one line of JSON (`echo_json` to a pipe); `known`: whether the policy
    knows a severity."""
    parts = []
    q, s = _Quoted(), _Stamps()
    for row in rows:
        t = row.times
        age = int((now - row.declared_at).total_seconds())
        parts.append(
            f'{{"id": {row.id}, "title": {_text(row.title)}, "severity": {q[row.severity]},'
            f' "status": {q[row.status]}, "kind": {q[row.kind]},'
            f' "summary": {q[row.summary]}, "impact": {{"users": {q[row.impact_users]},'
            f' "services": {q[row.impact_services]},'
            f' "business": {q[row.impact_business]}}},'
            f' "commander": {q[row.commander]}, "drill": {"true" if row.drill else "false"},'
            f' "channel": {_text(row.channel)}, "declared_at": {s[t[0]]},'
            f' "detected_at": {s[t[1]]}, "acknowledged_at": {s[t[2]]},'
            f' "mitigated_at": {s[t[3]]}, "resolved_at": {s[t[4]]},'
            f' "closed_at": {s[t[5]]}, "last_update_at": {s[t[6]]},'
            f' "postmortem_owner": {q[row.postmortem_owner]}, "age_seconds": {age},'
            f' "postmortem_done_at": {s[t[7]]}, "impact_started_at": {s[t[8]]},'
            f' "impact_ended_at": {s[t[9]]}, "next_deadline": {_timer(row, q)},'
            f' "severity_known": {"true" if known(row.severity) else "false"}}}'
        )
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
        due = f"{timer.name} {countdown(timer)}" if timer else ""
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
