"""The text `warroom list --json` prints, and the parts of it kept in the file.

The service keeps, beside each incident's next deadline (store.next_due) and in the
same refresh, the parts of its list text that do not move with the clock: everything
but its age and its timer's countdown (`kept`). `joined` splices the moving values in
at the moment read, from whole microseconds, without making records or dicts. An
incident whose text is not kept is printed from its record (`row_text`).

The shape is `cli.json_shapes.incident_json` plus `next_deadline` and `severity_known`,
byte for byte what `echo_json` prints for those dicts to a pipe (tests compare the
two): strings are escaped by the JSON encoder's own function, then as `json_text`
escapes what a terminal would act on.

A kept text is two strings. The head: the incident's place in the list (`order_key`,
which also carries its declaration), what it is kept with (no timer runs, or one does),
its timer's deadline and warning lead in microseconds, then its text up to its age.
The tail: the rest of its text as a %-template (its own `%` doubled), with a `%s`
where its age goes, and, when a timer runs, where its remaining seconds, its state
and its countdown go. Only the short tail is formatted; the head is copied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses
from typing import Any

from warroom.domain.models import INCIDENT_FIELDS, INCIDENT_TIME_AT, INCIDENT_TIMES, Incident
from warroom.domain.next_due import Reading
from warroom.domain.policy import Policy
from warroom.domain.policy_record import unknown_severity
from warroom.domain.sla import OK, OVERDUE, WARNING, Deadline, label_for, span
from warroom.domain.timefmt import to_iso
from warroom.domain.vocabulary import list_stage

# a listed incident's columns are the incident record's fields, in its order
_TIME_AT = frozenset(INCIDENT_TIME_AT)
(
    _ID, _TITLE, _SEVERITY, _STATUS, _KIND, _SUMMARY, _USERS, _SERVICES, _BUSINESS,
    _COMMANDER, _DRILL, _CHANNEL, _OWNER, _DECLARED, _DETECTED, _ACKNOWLEDGED,
    _MITIGATED, _RESOLVED, _CLOSED, _UPDATED, _DONE, _IMPACT_FROM, _IMPACT_TO,
) = (
    INCIDENT_FIELDS.index(name)
    for name in (
        "id", "title", "severity", "status", "kind", "summary", "impact_users",
        "impact_services", "impact_business", "commander", "drill", "channel",
        "postmortem_owner", *INCIDENT_TIMES,
    )
)  # fmt: skip
_RAW = "\x7f"  # json_raw_escaped's characters are this one and non-ASCII ones

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)
# `order_key`: the list stage (1 digit), the severity's rank (4), the declaration in
# microseconds since 1970 (16), the id shifted to be non-negative (20)
_DECLARED_AT = slice(5, 21)
_ID_SHIFT = 2**63
# a head's `order_key`, then its kind, the deadline and the warning lead of its timer
# in microseconds (16 digits each), then its text
_KIND_AT = 41
_DUE_AT = slice(42, 58)
_LEAD_AT = slice(58, 74)
_TEXT_AT = slice(74, None)
_WHOLE, _AGED, _TIMED = "w", "a", "t"  # whole text; kept with no timer; kept with one
MAX_RANK = 9999
# kept moments lie before this (2223-07-01 in microseconds since 1970): their distance
# from any moment from 1970 is under 2**33 seconds, where the float division
# `total_seconds` makes truncates and rounds up as whole microseconds do
_BOUND = 8 * 10**15


def text(value: object) -> str:
    """A JSON string as `json_text` prints it (what is not text, a blob or a number
    another tool stored, as the plain list shows it: `str` of it)."""
    dumped: str = encode_basestring(value if type(value) is str else str(value))
    if dumped.isascii() and _RAW not in dumped:
        return dumped
    from warroom.domain.visible import json_raw_escaped  # not for `log`: it loads rich

    return json_raw_escaped(dumped)


class Quoted(dict[str, str]):
    """`text` of each value, worked out once (statuses, people, labels repeat)."""

    def __missing__(self, value: str) -> str:
        quoted = self[value] = text(value)
        return quoted


def columns_of(incident: Incident) -> tuple[Any, ...]:
    """A record's columns as the list prints them (`INCIDENT_FIELDS`; times `to_iso`, or None)."""
    return tuple(
        to_iso(value) if n in _TIME_AT and value is not None else value
        for n, value in enumerate(getattr(incident, name) for name in INCIDENT_FIELDS)
    )


def _stamp(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'


def parts(columns: tuple[Any, ...], q: Quoted | None = None) -> tuple[str, str]:
    """The text before the incident's age (from `{` to `"age_seconds": `) and the text
    between its age and its timer (to `"next_deadline": `), of a row of `columns`
    (`INCIDENT_FIELDS`; times already in the printed form, or None)."""
    q = Quoted() if q is None else q
    c = columns
    head = (
        f'{{"id": {c[_ID]}, "title": {text(c[_TITLE])}, "severity": {q[c[_SEVERITY]]},'
        f' "status": {q[c[_STATUS]]}, "kind": {q[c[_KIND]]},'
        f' "summary": {q[c[_SUMMARY]]}, "impact": {{"users": {q[c[_USERS]]},'
        f' "services": {q[c[_SERVICES]]}, "business": {q[c[_BUSINESS]]}}},'
        f' "commander": {q[c[_COMMANDER]]}, "drill": {"true" if c[_DRILL] else "false"},'
        f' "channel": {text(c[_CHANNEL])}, "declared_at": {_stamp(c[_DECLARED])},'
        f' "detected_at": {_stamp(c[_DETECTED])},'
        f' "acknowledged_at": {_stamp(c[_ACKNOWLEDGED])},'
        f' "mitigated_at": {_stamp(c[_MITIGATED])}, "resolved_at": {_stamp(c[_RESOLVED])},'
        f' "closed_at": {_stamp(c[_CLOSED])}, "last_update_at": {_stamp(c[_UPDATED])},'
        f' "postmortem_owner": {q[c[_OWNER]]}, "age_seconds": '
    )
    tail = (
        f', "postmortem_done_at": {_stamp(c[_DONE])},'
        f' "impact_started_at": {_stamp(c[_IMPACT_FROM])},'
        f' "impact_ended_at": {_stamp(c[_IMPACT_TO])}, "next_deadline": '
    )
    return head, tail


def timer_text(timer: Reading | None, q: Quoted) -> str:
    """A running timer as `json_shapes.timer_json` prints it (never done or missed)."""
    if timer is None:
        return "null"
    remaining = int(timer.remaining.total_seconds())
    audience = q[timer.audience] if timer.audience else "null"
    return (
        f'{{"name": {q[timer.name]}, "label": {q[timer.label]},'
        f' "deadline": "{timer.printed_deadline}", "remaining_seconds": {remaining},'
        f' "state": {q[timer.state]}, "severity": {q[timer.severity]},'
        f' "shown": {text(timer.shown)}, "done_at": null,'
        f' "missed_by_seconds": null, "audience": {audience}}}'
    )


def row_text(
    columns: tuple[Any, ...], age: int, timer: Reading | None, known: bool, q: Quoted
) -> str:
    """An incident's whole list text, from its columns (`parts`), its age in seconds,
    its timer and whether the policy knows its severity."""
    head, tail = parts(columns, q)
    known_text = "true" if known else "false"
    return f'{head}{age}{tail}{timer_text(timer, q)}, "severity_known": {known_text}}}'


def micros(at: dt.datetime) -> int:
    """A moment in whole microseconds since 1970 (exact)."""
    return (at - _EPOCH) // _US


def order_key(place: int, rank: int, declared_at: dt.datetime, incident_id: int) -> str:
    """`read_model.list_order` as text that sorts the same (`rank` at most `MAX_RANK`,
    the declaration between 1970 and `_BOUND`, the id a 64-bit integer)."""
    declared = micros(declared_at)
    if not (0 <= rank <= MAX_RANK and 0 <= declared < _BOUND):
        raise ValueError(f"no list order for rank {rank}, declared {declared_at}")
    return f"{place}{rank:04d}{declared:016d}{incident_id + _ID_SHIFT:020d}"


def whole(text: str, key: str) -> tuple[str, str]:
    """An incident's whole list text (`row_text`) in its place (`order_key`), as a
    head and tail `joined` takes."""
    return f"{key}{_WHOLE}{0:032d}{text}", ""


def kept(incident: Incident, deadline: Deadline | None, policy: Policy) -> tuple[str, str]:
    """The head and tail kept for `incident` (see the module) whose next running
    deadline under `policy` is `deadline` (None: none runs; not yet met, no business
    hours: `next_due.keeps`)."""
    q = Quoted()
    head, tail = parts(columns_of(incident), q)
    key = order_key(
        list_stage(incident.status),
        policy.rank(incident.severity),
        incident.declared_at,
        incident.id,
    )
    known = "true" if unknown_severity(policy, incident.severity) is None else "false"
    if deadline is None:
        rest = f'{tail}null, "severity_known": {known}}}'
        return f"{key}{_AGED}{0:032d}{head}", "%s" + rest.replace("%", "%%")
    d = deadline
    due = micros(d.deadline)
    lead = policy.warning_for(d.severity).lead(d.target) // _US
    if not (0 <= due < _BOUND and 0 <= lead < _BOUND):
        raise ValueError(f"no list text for a deadline at {d.deadline}, lead {lead}us")
    label = label_for(d.name, d.audience)
    audience = q[d.audience] if d.audience else "null"
    pieces = (
        "",
        f'{tail}{{"name": {q[d.name]}, "label": {q[label]},'
        f' "deadline": "{to_iso(d.deadline)}", "remaining_seconds": ',
        ', "state": "',
        f'", "severity": {q[d.severity.name]}, "shown": "',
        f'", "done_at": null, "missed_by_seconds": null, "audience": {audience}}},'
        f' "severity_known": {known}}}',
    )
    template = "%s".join(piece.replace("%", "%%") for piece in pieces)
    return f"{key}{_TIMED}{due:016d}{lead:016d}{head}", template


def joined(heads: Sequence[str], tails: Sequence[str], now: dt.datetime) -> str:
    """The list as one line of JSON (`echo_json` to a pipe) at `now`, of kept heads
    and tails (`kept`) and whole texts (`whole`), in the list's order.

    The moving values as `next_due.reading_at` and `sla.format_countdown` give them,
    in whole microseconds: the age and remaining seconds as `total_seconds` truncates
    them, the countdown rounded up while time is left (between 1970 and `_BOUND` the
    float division they use gives the same whole seconds)."""
    now_us = micros(now)
    found: list[str] = []
    add = found.append
    overdue: dict[int, str] = {}  # countdowns by whole hours past a day: most repeat
    for n in sorted(range(len(heads)), key=heads.__getitem__):
        head = heads[n]
        add(", ")
        add(head[_TEXT_AT])
        kind = head[_KIND_AT]
        if kind == _WHOLE:
            continue
        since = now_us - int(head[_DECLARED_AT])
        age = since // 1_000_000 if since >= 0 else -(-since // 1_000_000)
        if kind == _AGED:
            add(tails[n] % age)
            continue
        remaining = int(head[_DUE_AT]) - now_us
        if remaining < 0:
            late = -remaining
            up = -(-late // 1_000_000)
            if up >= 86400:
                hours = up // 3600
                shown = overdue.get(hours) or overdue.setdefault(hours, f"OVERDUE {span(up)}")
            else:
                shown = f"OVERDUE {span(up)}"
            add(tails[n] % (age, -(late // 1_000_000), OVERDUE, shown))
            continue
        state = WARNING if remaining <= int(head[_LEAD_AT]) else OK
        shown = f"in {span(-(-remaining // 1_000_000))}" if remaining else "due now"
        add(tails[n] % (age, remaining // 1_000_000, state, shown))
    if not found:
        return "[]"
    found[0] = "["
    add("]")
    return "".join(found)
