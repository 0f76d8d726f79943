"""`warroom list --json` from the kept text (domain.list_json.kept / joined): byte for
byte what the records print as dicts through `json_text`, at moments to the
microsecond around each deadline, warning and day, in any zone, for hostile text, a
`%` in a title, a blob or number where text belongs, a severity the policy does not
know, and in the list's order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from tests.records import an_incident
from warroom.cli.json_shapes import incident_json, timer_json
from warroom.domain import list_json, sla
from warroom.domain.models import Incident
from warroom.domain.policy import Policy, WarningThreshold
from warroom.domain.policy_record import unknown_severity
from warroom.domain.visible import json_text
from warroom.domain.vocabulary import list_stage

DECLARED = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
TOKYO = dt.timezone(dt.timedelta(hours=9), "JST")


def _incident(n: int, **changes: object) -> Incident:
    fields = {"declared_at": DECLARED, "title": f"API down {n}", "channel": "#inc", **changes}
    return an_incident(n, **fields)  # type: ignore[arg-type]


def _plain(incident: Incident, due: sla.Deadline | None, policy: Policy, now: dt.datetime) -> str:
    """One incident's JSON as `echo_json` prints the dicts (the reference)."""
    timer = None if due is None else sla.timer_of(due, policy, now)
    row = (
        incident_json(incident, now)
        | {"next_deadline": timer_json(timer) if timer else None}
        | {"severity_known": unknown_severity(policy, incident.severity) is None}
    )
    return json_text([row], indent=None)


def _joined(incident: Incident, due: sla.Deadline | None, policy: Policy, now: dt.datetime) -> str:
    head, tail = list_json.kept(incident, due, policy)
    return list_json.joined([head], [tail], now)


def _moments(deadline: dt.datetime, lead: dt.timedelta) -> list[dt.datetime]:
    steps = [0, 1, 60, 61, 3600, 3601, 86400, 86401, 90061, 40 * 86400 + 7]
    found = []
    for around in (deadline, deadline - lead, DECLARED):
        for s in steps:
            for us in (0, 999_999):
                delta = dt.timedelta(seconds=s, microseconds=us)
                found += [around - delta, around + delta]
    return found


@pytest.mark.parametrize(
    "warn",
    [None, WarningThreshold(fraction=0.25), WarningThreshold(before=dt.timedelta(minutes=7))],
)
def test_the_kept_text_reads_as_the_records_at_every_moment(
    policy: Policy, warn: WarningThreshold | None
) -> None:
    if warn is not None:
        policy = dataclasses.replace(policy, warn_before=warn)
    incident = _incident(
        7,
        title="100%s done %% \x1b[31mred\x1b[0m \u202e \x1f 火事 🔥",
        summary='a "quoted" \\ summary\u0085',
        acknowledged_at=DECLARED + dt.timedelta(minutes=3),
        drill=True,
    )
    seen = set()
    for severity in policy.severities[:2]:
        for name, audience in [
            ("ack", ""),
            ("update", "internal"),
            ("update", "external"),
            ("escalation", ""),
        ]:
            for target in (dt.timedelta(minutes=30), dt.timedelta(hours=4, microseconds=3)):
                deadline = DECLARED + target + dt.timedelta(microseconds=250)
                due = sla.Deadline(name, deadline, severity, target, None, audience)
                lead = policy.warning_for(severity).lead(target)
                for n, now in enumerate(_moments(deadline, lead)):
                    at = now.astimezone(TOKYO if n % 2 else dt.UTC)  # any zone's moment
                    assert _joined(incident, due, policy, at) == _plain(incident, due, policy, at)
                    seen.add(sla.timer_of(due, policy, now).state)
    assert seen == {sla.OK, sla.WARNING, sla.OVERDUE}


def test_what_is_not_text_and_what_the_policy_does_not_know(policy: Policy) -> None:
    now = DECLARED + dt.timedelta(hours=5, microseconds=17)
    odd = [
        _incident(1, title=b"AB", channel=42),  # another tool's blob and number
        _incident(2, severity="P9"),  # declared under another policy: no clocks
        _incident(3, status="resolved", resolved_at=DECLARED + dt.timedelta(hours=1)),
        _incident(4, declared_at=now + dt.timedelta(days=2)),  # declared ahead of now
    ]
    for incident in odd:
        # a blob or number prints as the plain list shows it: `str` of it
        shown = dataclasses.replace(
            incident, title=str(incident.title), channel=str(incident.channel)
        )
        assert _joined(incident, None, policy, now) == _plain(shown, None, policy, now)
    assert '"severity_known": false' in _joined(odd[1], None, policy, now)
    assert "\"b'AB'\"" in _joined(odd[0], None, policy, now)


def test_joined_lists_in_the_one_list_order_with_whole_rows_among_kept_ones(policy: Policy) -> None:
    """Kept texts and whole ones (`whole`, for incidents read from their records) are
    merged in `read_model.list_order`: stage, severity rank, declaration, id."""
    rng = random.Random(12)
    names = [s.name for s in policy.severities] + ["P9"]
    incidents = [
        _incident(
            n,
            severity=rng.choice(names),
            status=rng.choice(["investigating", "resolved", "mitigated"]),
            declared_at=DECLARED
            + dt.timedelta(minutes=rng.randrange(3), microseconds=rng.choice([0, 5])),
        )
        for n in rng.sample(range(1, 400), 60)
    ]
    now = DECLARED + dt.timedelta(days=1)
    heads, tails = [], []
    for n, incident in enumerate(incidents):
        if n % 3:
            head, tail = list_json.kept(incident, None, policy)
        else:
            known = unknown_severity(policy, incident.severity) is None
            age = int((now - incident.declared_at).total_seconds())
            columns = list_json.columns_of(incident)
            text = list_json.row_text(columns, age, None, known, list_json.Quoted())
            place, rank = list_stage(incident.status), policy.rank(incident.severity)
            key = list_json.order_key(place, rank, incident.declared_at, incident.id)
            head, tail = list_json.whole(text, key)
        heads.append(head)
        tails.append(tail)

    def order(i: Incident) -> tuple[int, int, dt.datetime, int]:
        return (list_stage(i.status), policy.rank(i.severity), i.declared_at, i.id)

    expected = (
        "["
        + ", ".join(_plain(i, None, policy, now)[1:-1] for i in sorted(incidents, key=order))
        + "]"
    )
    assert list_json.joined(heads, tails, now) == expected
    assert list_json.joined([], [], now) == "[]"


def test_a_deadline_beyond_what_the_text_can_hold_keeps_none(policy: Policy) -> None:
    """Past 2223 the whole-microsecond arithmetic is not held to the float one: no kept
    text (the list reads such an incident whole)."""
    severity = policy.severities[0]
    far = dt.timedelta(days=365 * 250)
    due = sla.Deadline("resolve", DECLARED + far, severity, far, None)
    with pytest.raises(ValueError, match="no list text for a deadline"):
        list_json.kept(_incident(1), due, policy)
