"""The policy file: packaged defaults from the seeds, a SEV1-SEV5 policy, and errors
that name file, line and field exactly."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from warroom.domain.policy import (
    NotifyHook,
    PolicyError,
    WarningThreshold,
    format_duration,
    parse_duration,
    parse_policy,
)
from warroom.errors import InvalidInput
from warroom.loaders.policy import check_policy_file, default_policy_text, load_policy

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", dt.timedelta(seconds=30)),
        ("5m", 5 * MIN),
        ("2h", 2 * HOUR),
        ("1d", dt.timedelta(days=1)),
        ("1w", dt.timedelta(weeks=1)),
        (" 90m ", 90 * MIN),
        ("0m", dt.timedelta(0)),
    ],
)
def test_durations_are_read_as_written(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["3x", "5", "m5", "1.5h", "-5m", "", "5 minutes"])
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


def test_durations_print_in_their_shortest_exact_spelling() -> None:
    assert [format_duration(parse_duration(t)) for t in ("90m", "60m", "48h", "7d", "45s")] == [
        "90m",
        "1h",
        "2d",
        "1w",
        "45s",
    ]


def test_default_policy_keeps_the_seed_clocks() -> None:
    policy = load_policy()
    assert policy.severity_names == ["P0", "P1", "P2", "P3"]
    p0, p1, p2, p3 = policy.severities
    assert (p0.ack, p1.ack, p2.ack, p3.ack) == (5 * MIN, 15 * MIN, HOUR, 4 * HOUR)
    assert p0.first_update == p1.first_update == 15 * MIN
    assert (p0.update_every, p1.update_every, p2.update_every) == (15 * MIN, 30 * MIN, 2 * HOUR)
    assert p3.update_every == dt.timedelta(days=1)
    assert (p0.resolve_within, p3.resolve_within) == (HOUR, dt.timedelta(weeks=1))
    assert p0.postmortem_due == p1.postmortem_due == dt.timedelta(hours=48)
    assert p2.postmortem_due == p3.postmortem_due == dt.timedelta(weeks=1)
    assert [(r.who, r.after, r.when) for r in p0.ladder] == [
        ("On-call", dt.timedelta(0), "unacknowledged"),
        ("Eng lead", dt.timedelta(0), "unresolved"),
        ("CTO", 30 * MIN, "unresolved"),
        ("CEO", 60 * MIN, "unresolved"),
    ]
    assert p0.notify == "Phone + SMS + Email"
    assert not any(s.business_hours for s in policy.severities)


def test_default_policy_has_people_rota_and_business_hours() -> None:
    policy = load_policy()
    assert policy.rota is not None and policy.rota.name == "On-call"
    assert policy.rota.handover_day == 0 and policy.rota.handover_time == dt.time(9, 0)
    assert all(policy.contact(w.primary) for w in policy.rota.weeks)
    assert policy.roles["CTO"] == "Eve Adams"
    assert policy.business_hours is not None
    assert policy.business_hours.days == frozenset({0, 1, 2, 3, 4})
    assert dt.date(2026, 12, 25) in policy.business_hours.holidays
    assert str(policy.warn_before) == "25%"
    assert policy.bell is True and policy.notify_hook is None
    assert "P0:" in default_policy_text()


def test_a_sev1_to_sev5_policy_loads_with_its_own_names_and_order() -> None:
    policy = check_policy_file(FIXTURES / "sev5.yaml")
    assert policy.severity_names == ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"]
    assert policy.severity("sev3").name == "SEV3"
    assert sorted(["SEV4", "SEV1", "SEV5", "SEV2"], key=policy.rank) == [
        "SEV1",
        "SEV2",
        "SEV4",
        "SEV5",
    ]
    assert policy.rank("P0") == 5  # unknown names sort last
    with pytest.raises(InvalidInput, match="SEV1, SEV2, SEV3, SEV4, SEV5"):
        policy.severity("P1")
    sev4 = policy.severity("SEV4")
    assert sev4.business_hours and policy.clock_for(sev4) is policy.business_hours
    assert policy.clock_for(policy.severity("SEV1")) is None
    assert policy.severity("SEV1").ladder[1].notify == "Phone + SMS"
    assert policy.severity("SEV2").first_update == 30 * MIN  # defaults to the cadence
    assert policy.bell is False


def test_warning_threshold_per_severity_falls_back_to_the_policy() -> None:
    policy = check_policy_file(FIXTURES / "sev5.yaml")
    assert policy.warning_for(policy.severity("SEV1")) == WarningThreshold(before=5 * MIN)
    assert policy.warning_for(policy.severity("SEV3")) == WarningThreshold(fraction=0.2)
    share = WarningThreshold(fraction=0.25)
    assert share.reached(15 * MIN, HOUR) and not share.reached(
        15 * MIN + dt.timedelta(seconds=1), HOUR
    )
    lead = WarningThreshold(before=5 * MIN)
    assert lead.reached(5 * MIN, 10 * HOUR) and not lead.reached(6 * MIN, HOUR)


def test_notify_hook_fills_known_placeholders_only() -> None:
    hook = check_policy_file(FIXTURES / "sev5.yaml").notify_hook
    assert hook == NotifyHook("/opt/pager/bin/page", ("--sev", "{severity}", "{incident}", "{who}"))
    assert hook.command({"severity": "SEV1", "incident": "#12"}) == [
        "/opt/pager/bin/page",
        "--sev",
        "SEV1",
        "#12",
        "{who}",
    ]


def test_policy_check_names_file_line_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = default_policy_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "P1:")
    cadence = next(i for i in range(at, len(lines)) if "update_every:" in lines[i])
    lines[cadence] = "    update_every: 3x"
    (tmp_path / "policy.yaml").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PolicyError) as caught:
        check_policy_file("policy.yaml")
    assert str(caught.value) == (
        f'policy.yaml:{cadence + 1}: severities.P1.update_every: "3x" is not a duration'
    )


SMALL = """\
severities:
  P1:
    ack: 15m
    update_every: 30m
    resolve_within: 4h
    ladder:
      - {who: On-call, after: 0m}
      - {who: CTO, after: 2h, when: unresolved}
"""


def _fails(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(textwrap.dedent(text), "p.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("ack: 15m", "ack: soon", 'p.yaml:3: severities.P1.ack: "soon" is not a duration'),
        ("ack: 15m", "ack: [15m]", "p.yaml:3: severities.P1.ack: expected a single value"),
        ("ack: 15m", "akc: 15m", "p.yaml:3: severities.P1.akc: unknown field (expected one of:"),
        ("    ack: 15m\n", "", "p.yaml:2: severities.P1.ack: is required"),
        (
            "resolve_within: 4h",
            "resolve_within: 4h\n    ack: 5m",
            "p.yaml:6: severities.P1.ack: appears twice",
        ),
        (
            "after: 0m}",
            "after: 0m, when: later}",
            'p.yaml:7: severities.P1.ladder[0].when: "later" is not a condition',
        ),
        (
            "{who: On-call, after: 0m}",
            "{after: 0m}",
            "p.yaml:7: severities.P1.ladder[0].who: is required",
        ),
        (
            "after: 2h",
            "after: 5x",
            'p.yaml:8: severities.P1.ladder[1].after: "5x" is not a duration',
        ),
        (
            SMALL[SMALL.index("ladder:") :].rstrip("\n"),
            "ladder: On-call",
            "p.yaml:6: severities.P1.ladder: expected a list",
        ),
        (
            "resolve_within: 4h",
            "resolve_within: 4h\n    business_hours: true",
            "p.yaml:6: severities.P1.business_hours: needs a business_hours section",
        ),
        (
            "resolve_within: 4h",
            "resolve_within: 4h\n    warn_before: 120%",
            'p.yaml:6: severities.P1.warn_before: "120%" is not a share',
        ),
        (
            "resolve_within: 4h",
            "resolve_within: 4h\n    business_hours: maybe",
            'p.yaml:6: severities.P1.business_hours: "maybe" is not true or false',
        ),
        ("severities:", "severitys:", "p.yaml:1: severitys: unknown field"),
    ],
)
def test_policy_errors_name_line_and_field(old: str, new: str, message: str) -> None:
    assert old in SMALL
    assert _fails(SMALL.replace(old, new, 1)).startswith(message)


def test_ladder_rungs_must_be_listed_in_firing_order() -> None:
    text = SMALL.replace("after: 2h", "after: 0m").replace("after: 0m}", "after: 30m}", 1)
    assert _fails(text) == (
        "p.yaml:8: severities.P1.ladder[1].after: 0s is earlier than the rung above (30m);"
        " list rungs in the order they fire"
    )


SECTIONS = """\
contacts:
  - {name: Ana Lima, phone: "+44 1", email: ana@example.com, chat: "@ana"}
  - {name: Ben Okafor, email: ben@example.com}
roles:
  CTO: Ben Okafor
rota:
  zone: Europe/Berlin
  handover_day: monday
  handover_time: "09:00"
  start: 2026-01-05
  weeks:
    - {primary: Ana Lima, secondary: Ben Okafor}
business_hours:
  zone: Europe/Berlin
  days: mon-fri
  hours: 09:00-17:00
  holidays: [2026-12-25]
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "email: ben@",
            "email: ben-at-",
            'p.yaml:3: contacts[1].email: "ben-at-example.com" is not an email',
        ),
        (
            "name: Ben Okafor",
            "name: ana lima",
            'p.yaml:3: contacts[1].name: "ana lima" is listed twice',
        ),
        (
            "CTO: Ben Okafor",
            "CTO: Zed",
            'p.yaml:5: roles.CTO: "Zed" is not in contacts (Ana Lima, Ben Okafor)',
        ),
        (
            "zone: Europe/Berlin\n  handover",
            "zone: Europe/Atlantis\n  handover",
            'p.yaml:7: rota.zone: "Europe/Atlantis" is not an IANA time zone',
        ),
        (
            "handover_day: monday",
            "handover_day: funday",
            'p.yaml:8: rota.handover_day: "funday" is not a weekday',
        ),
        (
            'handover_time: "09:00"',
            'handover_time: "25:00"',
            'p.yaml:9: rota.handover_time: "25:00" is not a time of day',
        ),
        (
            "start: 2026-01-05",
            "start: 2026-01-06",
            "p.yaml:10: rota.start: 2026-01-06 is a Tuesday, but hand-over is on Monday",
        ),
        (
            "start: 2026-01-05",
            "start: 2026-13-01",
            'p.yaml:10: rota.start: "2026-13-01" is not a date',
        ),
        (
            "secondary: Ben Okafor}",
            "secondary: Bob}",
            'p.yaml:12: rota.weeks[0].secondary: "Bob" is not in contacts',
        ),
        (
            "    - {primary: Ana Lima, secondary: Ben Okafor}\n",
            "    - {secondary: Ben Okafor}\n",
            "p.yaml:12: rota.weeks[0].primary: is required",
        ),
        ("  handover_day: monday\n", "", "p.yaml:7: rota.handover_day: is required"),
        (
            "days: mon-fri",
            "days: [mon, xyz]",
            'p.yaml:15: business_hours.days[1]: "xyz" is not a weekday',
        ),
        (
            "hours: 09:00-17:00",
            "hours: 17:00-09:00",
            "p.yaml:16: business_hours.hours: closing time must come after opening time",
        ),
        (
            "hours: 09:00-17:00",
            "hours: 9am",
            "p.yaml:16: business_hours.hours: expected opening-closing",
        ),
        (
            "[2026-12-25]",
            "[2026-12-25, christmas]",
            'p.yaml:17: business_hours.holidays[1]: "christmas" is not a date',
        ),
    ],
)
def test_contact_rota_and_business_hours_errors(old: str, new: str, message: str) -> None:
    text = SECTIONS + SMALL
    assert old in text
    assert _fails(text.replace(old, new, 1)).startswith(message)


def test_sections_parse_into_people_rota_and_calendar() -> None:
    policy = parse_policy(SECTIONS + SMALL, "p.yaml")
    assert policy.contact("ben okafor") is not None
    assert policy.contacts[0].reach() == "+44 1 · @ana · ana@example.com"
    assert policy.rota is not None and policy.rota.name == "On-call"  # the default name
    assert policy.business_hours is not None
    assert policy.business_hours.opens == dt.time(9) and policy.business_hours.closes == dt.time(17)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "p.yaml: the file is empty"),
        ("severities: [P0]\n", "p.yaml:1: severities: expected a mapping"),
        ("severities: {}\n", "p.yaml:1: severities: needs at least one severity"),
        ("bell: true\n", "p.yaml:1: severities: is required"),
        ("- one\n", "p.yaml:1: policy: expected a mapping"),
        ("severities:\n  P0: {ack: 5m\n", "p.yaml:3: not valid YAML"),
        ("notify_hook: {args: [x]}\n" + SMALL, "p.yaml:1: notify_hook.program: is required"),
        ("bell: loud\n" + SMALL, 'p.yaml:1: bell: "loud" is not true or false'),
        ("warn_before: soon\n" + SMALL, 'p.yaml:1: warn_before: "soon" is not a share'),
    ],
)
def test_whole_file_errors(text: str, message: str) -> None:
    assert _fails(text).startswith(message)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(PolicyError, match=f"^{missing}: cannot read policy"):
        check_policy_file(missing)
