"""The policy's `alerts:` section: which severity, kind and title an alert's incident gets,
and whether an incident resolves itself when all its alerts have.

    alerts:
      severity: P2              # when no rule and no sender's word says
      kind: availability
      title: "{title}"          # {title}, {source}, {label:NAME}
      resolve_incident: false   # true: resolve it once every alert on it has resolved
      severities: {critical: P1, warning: P3}   # the sender's word -> severity
      rules:                    # the first that matches wins
        - match: {source: pagerduty, labels: {service: Payments}}
          severity: P1
          kind: availability
          title: "Payments: {title}"

The sender's word is the alert's `severity` label (Alertmanager, Grafana, Events
API), the PagerDuty priority (else urgency) or the Opsgenie priority (P1-P5).
With no section at all, the defaults below apply, keeping only the mappings to
severities the policy has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from warroom.domain.alerts.sources import SOURCES
from warroom.domain.policy_reader import PolicyReader
from warroom.domain.vocabulary import INCIDENT_KINDS, parse_incident_kind
from warroom.errors import InvalidInput

if TYPE_CHECKING:
    import yaml

    from warroom.domain.alerts.record import Alert

DEFAULT_SEVERITY = "P2"
# a sender's word (lower case) -> severity; P0 is left to people: no alert declares it
DEFAULT_WORDS: dict[str, str] = {
    "critical": "P1",
    "p1": "P1",
    "high": "P1",
    "error": "P2",
    "p2": "P2",
    "warning": "P3",
    "p3": "P3",
    "low": "P3",
    "info": "P3",
    "p4": "P3",
    "p5": "P3",
}
_PLACEHOLDER = re.compile(r"\{(title|source|label:[^{}]+)\}")
_FIELDS = ("severity", "kind", "title", "resolve_incident", "severities", "rules")
_RULE_FIELDS = ("match", "severity", "kind", "title")
_MATCH_FIELDS = ("source", "severity", "labels")


@dataclass(frozen=True, slots=True)
class AlertRule:
    """Alerts it matches (every condition given) and what their incident gets."""

    source: str = ""
    severity_word: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    severity: str = ""
    kind: str = ""
    title: str = ""

    def matches(self, alert: Alert) -> bool:
        """Whether every condition of the rule holds for `alert`."""
        if self.source and self.source != alert.source:
            return False
        if self.severity_word and self.severity_word != alert.severity_hint.strip().lower():
            return False
        return all(alert.labels.get(k) == v for k, v in self.labels.items())


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """How alerts become incidents (see the module docstring)."""

    severity: str = ""  # empty: DEFAULT_SEVERITY if the policy has it, else its mildest
    kind: str = "availability"
    title: str = "{title}"
    resolve_incident: bool = False
    words: Mapping[str, str] | None = None  # None: DEFAULT_WORDS
    rules: tuple[AlertRule, ...] = ()


NO_ALERTS_SECTION = AlertPolicy()  # a policy without `alerts:`: every default


@dataclass(frozen=True, slots=True)
class Classified:
    """What an alert's new incident is declared with."""

    severity: str
    kind: str
    title: str


def fill_title(template: str, alert: Alert) -> str:
    """`template` with {title}, {source} and {label:NAME} filled in (an absent label: empty);
    the alert's text goes in exactly as sent."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "title":
            return alert.title
        if name == "source":
            return alert.source
        return alert.labels.get(name.removeprefix("label:"), "")

    return _PLACEHOLDER.sub(value, template)


def classify(alert: Alert, policy: AlertPolicy, severities: list[str]) -> Classified:
    """Severity, kind and title for `alert`'s incident: the first matching rule, then the
    sender's word, then the section's defaults. `severities`: the policy's, most severe first."""
    fallback = policy.severity or (
        DEFAULT_SEVERITY if DEFAULT_SEVERITY in severities else severities[-1]
    )
    words = DEFAULT_WORDS if policy.words is None else policy.words
    severity = words.get(alert.severity_hint.strip().lower(), "")
    if severity not in severities:
        severity = fallback
    kind, title = policy.kind, policy.title
    for rule in policy.rules:
        if rule.matches(alert):
            severity = rule.severity or severity
            kind = rule.kind or kind
            title = rule.title or title
            break
    filled = fill_title(title, alert).strip() or alert.title.strip() or f"{alert.source} alert"
    return Classified(severity=severity, kind=kind, title=filled)


def _severity(reader: PolicyReader, node: yaml.Node, where: str, severities: list[str]) -> str:
    name = reader.scalar(node, where).strip()
    for known in severities:
        if known.lower() == name.lower():
            return known
    raise reader.fail(
        node, where, f'"{name}" is not a severity (expected one of: {", ".join(severities)})'
    )


def _kind(reader: PolicyReader, node: yaml.Node, where: str) -> str:
    def parse(text: str) -> str:
        try:
            return parse_incident_kind(text)
        except InvalidInput:  # said as the reader says a bad value: file:line: field: problem
            kinds = ", ".join(INCIDENT_KINDS)
            raise ValueError(f'"{text}" is not a kind (expected one of: {kinds})') from None

    return reader.convert(node, where, parse)


def _rule(reader: PolicyReader, node: yaml.Node, where: str, severities: list[str]) -> AlertRule:
    fields = reader.mapping(node, where, allowed=_RULE_FIELDS)
    if "match" not in fields:
        raise reader.fail(node, f"{where}.match", "is required (which alerts the rule is for)")
    match = reader.mapping(fields["match"][1], f"{where}.match", allowed=_MATCH_FIELDS)
    source = reader.text(match, f"{where}.match", "source").lower()
    if source and source not in SOURCES:
        raise reader.fail(
            match["source"][1],
            f"{where}.match.source",
            f'"{source}" is not one of: {", ".join(SOURCES)}',
        )
    labels: dict[str, str] = {}
    if "labels" in match:
        for name, (_, value) in reader.mapping(match["labels"][1], f"{where}.match.labels").items():
            labels[name] = reader.scalar(value, f"{where}.match.labels.{name}")
    return AlertRule(
        source=source,
        severity_word=reader.text(match, f"{where}.match", "severity").lower(),
        labels=labels,
        severity=_severity(reader, fields["severity"][1], f"{where}.severity", severities)
        if "severity" in fields
        else "",
        kind=_kind(reader, fields["kind"][1], f"{where}.kind") if "kind" in fields else "",
        title=reader.text(fields, where, "title"),
    )


def read_alert_policy(reader: PolicyReader, node: yaml.Node, severities: list[str]) -> AlertPolicy:
    """The `alerts:` section; every complaint names its file, line and field."""
    fields = reader.mapping(node, "alerts", allowed=_FIELDS)
    words: dict[str, str] | None = None
    if "severities" in fields:
        words = {}
        for word, (_, value) in reader.mapping(
            fields["severities"][1], "alerts.severities"
        ).items():
            words[word.strip().lower()] = _severity(
                reader, value, f"alerts.severities.{word}", severities
            )
    rules: list[AlertRule] = []
    if "rules" in fields:
        for i, rule in enumerate(reader.sequence(fields["rules"][1], "alerts.rules")):
            rules.append(_rule(reader, rule, f"alerts.rules[{i}]", severities))
    return AlertPolicy(
        severity=_severity(reader, fields["severity"][1], "alerts.severity", severities)
        if "severity" in fields
        else "",
        kind=_kind(reader, fields["kind"][1], "alerts.kind")
        if "kind" in fields
        else "availability",
        title=reader.text(fields, "alerts", "title", "{title}") or "{title}",
        resolve_incident=reader.boolean(fields, "alerts", "resolve_incident", False),
        words=words,
        rules=tuple(rules),
    )
