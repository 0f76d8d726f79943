"""The policy's `alerts:` section: defaults, the sender's word, rules, and errors that
name the file, line and field."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from warroom.domain.alerts import Alert
from warroom.domain.alerts.policy import (
    DEFAULT_WORDS,
    NO_ALERTS_SECTION,
    AlertPolicy,
    AlertRule,
    classify,
    fill_title,
)
from warroom.domain.policy import Policy, parse_policy
from warroom.domain.policy_reader import PolicyError

SEVERITIES = ["P0", "P1", "P2", "P3"]


def alert(**fields: object) -> Alert:
    base: dict[str, object] = {
        "source": "alertmanager",
        "key": "k",
        "status": "firing",
        "title": "Disk [x] ℙ",
    }
    return Alert(**(base | fields))  # type: ignore[arg-type]


def test_defaults_without_a_section() -> None:
    shaped = classify(alert(), NO_ALERTS_SECTION, SEVERITIES)
    assert (shaped.severity, shaped.kind, shaped.title) == ("P2", "availability", "Disk [x] ℙ")
    assert classify(alert(severity_hint="Critical"), NO_ALERTS_SECTION, SEVERITIES).severity == "P1"
    assert classify(alert(severity_hint="warning"), NO_ALERTS_SECTION, SEVERITIES).severity == "P3"
    assert classify(alert(severity_hint="P5"), NO_ALERTS_SECTION, SEVERITIES).severity == "P3"
    # no alert declares P0 by default: a person decides that
    assert "P0" not in DEFAULT_WORDS.values()


def test_a_policy_without_p2_falls_back_to_its_mildest_severity() -> None:
    assert classify(alert(), NO_ALERTS_SECTION, ["SEV1", "SEV2"]).severity == "SEV2"
    # the default words name P1/P3, which this policy lacks
    assert (
        classify(alert(severity_hint="critical"), NO_ALERTS_SECTION, ["SEV1", "SEV2"]).severity
        == "SEV2"
    )


def test_the_first_matching_rule_wins() -> None:
    rules = (
        AlertRule(
            source="pagerduty", labels={"service": "Payments"}, severity="P0", title="Pay: {title}"
        ),
        AlertRule(labels={"service": "Payments"}, kind="data"),
    )
    section = AlertPolicy(rules=rules)
    paid = alert(source="pagerduty", labels={"service": "Payments"})
    shaped = classify(paid, section, SEVERITIES)
    assert (shaped.severity, shaped.kind, shaped.title) == ("P0", "availability", "Pay: Disk [x] ℙ")
    other = classify(alert(labels={"service": "Payments"}), section, SEVERITIES)
    assert (other.severity, other.kind) == ("P2", "data")


def test_titles_fill_exactly() -> None:
    a = alert(labels={"host": "{title}"})
    assert (
        fill_title("{source}/{label:host}/{label:none}: {title}", a)
        == "alertmanager/{title}/: Disk [x] ℙ"
    )
    assert classify(a, AlertPolicy(title="{label:none}"), SEVERITIES).title == "Disk [x] ℙ"


def _with(policy: Policy, section: str) -> Policy:
    return parse_policy(policy.text + "\n" + section, "team.yaml")


def test_the_documented_example_reads(policy: Policy) -> None:
    """The commented `alerts:` example in defaults/policy.yaml, uncommented, is a valid policy."""
    text = (resources.files("warroom.defaults") / "policy.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("# alerts:")
    example = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        example.append(re.sub(r"^# ?", "", line))
    read = _with(policy, "\n".join(example) + "\n").alerts
    assert read.severity == "P2" and not read.resolve_incident
    assert read.words == DEFAULT_WORDS
    assert read.rules[0] == AlertRule(
        source="pagerduty", labels={"service": "Payments"}, severity="P1", title="Payments: {title}"
    )
    assert read.rules[1].kind == "security"


def test_the_section_reads(policy: Policy) -> None:
    read = _with(
        policy,
        "alerts:\n  severity: p3\n  kind: Performance\n  resolve_incident: true\n"
        "  severities: {Sev-A: p0}\n",
    ).alerts
    assert (read.severity, read.kind, read.resolve_incident) == ("P3", "performance", True)
    assert read.words == {"sev-a": "P0"}
    assert classify(alert(severity_hint="SEV-A"), read, SEVERITIES).severity == "P0"
    assert classify(alert(severity_hint="critical"), read, SEVERITIES).severity == "P3"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "alerts:\n  severity: P9\n",
            'alerts.severity: "P9" is not a severity (expected one of: P0, P1, P2, P3)',
        ),
        ("alerts:\n  kind: outage\n", 'alerts.kind: "outage" is not a kind'),
        (
            "alerts:\n  resolve_incident: maybe\n",
            'alerts.resolve_incident: "maybe" is not true or false',
        ),
        ("alerts:\n  colour: red\n", "alerts.colour: unknown field"),
        ("alerts:\n  rules:\n    - severity: P1\n", "alerts.rules[0].match: is required"),
        (
            "alerts:\n  rules:\n    - match: {source: nagios}\n",
            'alerts.rules[0].match.source: "nagios" is not one of',
        ),
        (
            "alerts:\n  rules:\n    - match: {labels: [a]}\n",
            "alerts.rules[0].match.labels: expected a mapping",
        ),
        (
            "alerts:\n  severities: {critical: P7}\n",
            'alerts.severities.critical: "P7" is not a severity',
        ),
        ("alerts: [1]\n", "alerts: expected a mapping"),
    ],
)
def test_bad_sections_name_file_line_and_field(policy: Policy, section: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        _with(policy, section)
    text = str(caught.value)
    assert re.match(r"team\.yaml:\d+: ", text), text
    assert message in text, text


def test_the_packages_record_names_are_records_own() -> None:
    """`warroom.domain.alerts` hands out `record`'s names when first asked for."""
    import warroom.domain.alerts as alerts
    from warroom.domain.alerts import record

    assert alerts.Alert is record.Alert and alerts.Signal is record.Signal
    assert alerts.AlertError is record.AlertError and alerts.Ignored is record.Ignored
    assert alerts.SOURCES == record.SOURCES
    with pytest.raises(AttributeError, match="Nothing"):
        alerts.Nothing  # noqa: B018
