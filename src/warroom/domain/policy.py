"""The incident policy: severities and their clocks, read from YAML.

A packaged default (defaults/policy.yaml, from the seeds) applies unless a
file is given. Every error names the file, the line and the field, e.g.
`policy.yaml:14: severities.P1.update_every: "3x" is not a duration`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
import yaml

from warroom.errors import InvalidInput, WarroomError

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class PolicyError(WarroomError):
    """A policy file that cannot be used; the message names file:line: field."""


def parse_duration(text: str) -> dt.timedelta:
    """`30s`, `5m`, `2h`, `1d`, `1w` -> timedelta; ValueError otherwise."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"{str(text)!r} is not a duration (use 30s, 5m, 2h, 1d or 1w)")
    return dt.timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def format_duration(delta: dt.timedelta) -> str:
    """The shortest exact policy spelling of a duration (`90m` -> `90m`, `1h`)."""
    seconds = int(delta.total_seconds())
    for unit in ("w", "d", "h", "m"):
        if seconds and seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class LadderRung:
    who: str
    after: dt.timedelta
    when: str  # "unacknowledged" or "unresolved"


@dataclass(frozen=True)
class Severity:
    name: str
    rank: int  # 0 is the most severe
    label: str
    description: str
    ack: dt.timedelta
    first_update: dt.timedelta
    update_every: dt.timedelta
    resolve_within: dt.timedelta
    notify: str
    postmortem_due: dt.timedelta
    ladder: tuple[LadderRung, ...]


@dataclass(frozen=True)
class Policy:
    severities: tuple[Severity, ...]
    source: str

    @property
    def severity_names(self) -> list[str]:
        return [s.name for s in self.severities]

    def severity(self, name: str) -> Severity:
        """The severity called `name` (case-insensitive), or InvalidInput naming them all."""
        for sev in self.severities:
            if sev.name.lower() == name.strip().lower():
                return sev
        raise InvalidInput(
            f"unknown severity {name!r} (expected one of: {', '.join(self.severity_names)})"
        )

    def rank(self, name: str) -> int:
        """Sort key: 0 for the most severe; unknown names sort last."""
        for sev in self.severities:
            if sev.name == name:
                return sev.rank
        return len(self.severities)


class _Reader:
    """Walks a composed YAML tree so every complaint can name its line."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node, field: str, problem: str) -> PolicyError:
        return PolicyError(f"{self.source}:{node.start_mark.line + 1}: {field}: {problem}")

    def mapping(self, node: yaml.Node, field: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, "expected a mapping")
        return {str(k.value): (k, v) for k, v in node.value}

    def scalar(self, node: yaml.Node, field: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field, "expected a single value")
        return str(node.value)

    def duration(self, node: yaml.Node, field: str) -> dt.timedelta:
        text = self.scalar(node, field)
        try:
            return parse_duration(text)
        except ValueError:
            raise self.fail(node, field, f'"{text}" is not a duration') from None


_REQUIRED = ("ack", "update_every", "resolve_within")


def _severity(reader: _Reader, rank: int, name: str, node: yaml.Node) -> Severity:
    where = f"severities.{name}"
    fields = reader.mapping(node, where)
    for required in _REQUIRED:
        if required not in fields:
            raise reader.fail(node, f"{where}.{required}", "is required")

    def text(key: str, default: str = "") -> str:
        return reader.scalar(fields[key][1], f"{where}.{key}") if key in fields else default

    def duration(key: str, default: dt.timedelta) -> dt.timedelta:
        if key not in fields:
            return default
        return reader.duration(fields[key][1], f"{where}.{key}")

    ladder: list[LadderRung] = []
    if "ladder" in fields:
        ladder_node = fields["ladder"][1]
        if not isinstance(ladder_node, yaml.SequenceNode):
            raise reader.fail(ladder_node, f"{where}.ladder", "expected a list of rungs")
        for i, rung_node in enumerate(ladder_node.value):
            rung_where = f"{where}.ladder[{i}]"
            rung = reader.mapping(rung_node, rung_where)
            if "who" not in rung:
                raise reader.fail(rung_node, f"{rung_where}.who", "is required")
            when = reader.scalar(rung["when"][1], f"{rung_where}.when") if "when" in rung else (
                "unacknowledged"
            )
            if when not in ("unacknowledged", "unresolved"):
                raise reader.fail(
                    rung["when"][1], f"{rung_where}.when",
                    f'"{when}" is not a condition (unacknowledged or unresolved)',
                )
            after = (
                reader.duration(rung["after"][1], f"{rung_where}.after")
                if "after" in rung
                else dt.timedelta(0)
            )
            ladder.append(LadderRung(reader.scalar(rung["who"][1], f"{rung_where}.who"), after, when))

    ack = duration("ack", dt.timedelta(0))
    update_every = duration("update_every", dt.timedelta(0))
    return Severity(
        name=name,
        rank=rank,
        label=text("label", name),
        description=text("description"),
        ack=ack,
        first_update=duration("first_update", update_every),
        update_every=update_every,
        resolve_within=duration("resolve_within", dt.timedelta(0)),
        notify=text("notify"),
        postmortem_due=duration("postmortem_due", dt.timedelta(weeks=1)),
        ladder=tuple(ladder),
    )


def parse_policy(text: str, source: str) -> Policy:
    """Build a Policy from YAML text; `source` names the file in errors."""
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise PolicyError(f"{source}{line}: not valid YAML: {exc.problem or exc}") from None
    if root is None:
        raise PolicyError(f"{source}: the file is empty")
    reader = _Reader(source)
    top = reader.mapping(root, "policy")
    if "severities" not in top:
        raise reader.fail(root, "severities", "is required")
    sev_node = top["severities"][1]
    sev_fields = reader.mapping(sev_node, "severities")
    if not sev_fields:
        raise reader.fail(sev_node, "severities", "needs at least one severity")
    severities = tuple(
        _severity(reader, rank, name, node) for rank, (name, (_, node)) in enumerate(sev_fields.items())
    )
    return Policy(severities=severities, source=source)


def default_policy_text() -> str:
    return resources.files("warroom.defaults").joinpath("policy.yaml").read_text("utf-8")


def load_policy(path: Path | None = None) -> Policy:
    """The policy in `path`, or the packaged default when None."""
    if path is None:
        return parse_policy(default_policy_text(), "policy.yaml (default)")
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy: {exc.strerror or exc}") from None
    return parse_policy(text, str(path))

