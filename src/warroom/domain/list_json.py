"""The text `warroom list --json` prints for one incident, in the parts that do not move
with the clock: written once per change beside the incident's kept next deadline
(store.next_due), and read back by the list, which adds only its age, its timer and
whether the policy knows its severity.

The shape is `cli.json_shapes.incident_json` plus `next_deadline` and `severity_known`,
byte for byte what `echo_json` prints for those dicts to a pipe (a test compares the
two): strings are escaped by the JSON encoder's own function, then as `json_text`
escapes what a terminal would act on.
"""

from __future__ import annotations

import dataclasses
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses
from typing import Any

from warroom.domain.models import INCIDENT_TIMES, Incident
from warroom.domain.timefmt import to_iso

# a listed incident's columns: the incident record's fields, in its order (one list)
FIELDS = tuple(f.name for f in dataclasses.fields(Incident))
TIMES = INCIDENT_TIMES  # in the order incident_json prints them
_TIME_AT = frozenset(FIELDS.index(name) for name in TIMES)
(
    _ID, _TITLE, _SEVERITY, _STATUS, _KIND, _SUMMARY, _USERS, _SERVICES, _BUSINESS,
    _COMMANDER, _DRILL, _CHANNEL, _OWNER, _DECLARED, _DETECTED, _ACKNOWLEDGED,
    _MITIGATED, _RESOLVED, _CLOSED, _UPDATED, _DONE, _IMPACT_FROM, _IMPACT_TO,
) = (
    FIELDS.index(name)
    for name in (
        "id", "title", "severity", "status", "kind", "summary", "impact_users",
        "impact_services", "impact_business", "commander", "drill", "channel",
        "postmortem_owner", *TIMES,
    )
)  # fmt: skip
_RAW = "\x7f"  # json_raw_escaped's characters are this one and non-ASCII ones


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
    """A record's columns as the list prints them (`FIELDS`; times `to_iso`, or None)."""
    return tuple(
        to_iso(value) if n in _TIME_AT and value is not None else value
        for n, value in enumerate(getattr(incident, name) for name in FIELDS)
    )


def _stamp(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'


def parts(columns: tuple[Any, ...], q: Quoted | None = None) -> tuple[str, str]:
    """The text before the incident's age (from `{` to `"age_seconds": `) and the text
    between its age and its timer (to `"next_deadline": `), of a row of `columns`
    (`FIELDS`; times already in the printed form, or None)."""
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
