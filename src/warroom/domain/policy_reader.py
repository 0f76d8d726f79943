"""Reading policy YAML so that every complaint names its file, line and field.

Also the duration syntax every policy and runbook uses: 30s, 5m, 2h, 1d, 1w.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from warroom.errors import WarroomError

if TYPE_CHECKING:  # PyYAML is imported when a file is read, not to use a parsed policy
    import yaml

_T = TypeVar("_T")
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


_Fields = dict[str, tuple["yaml.Node", "yaml.Node"]]


def _parse_bool(text: str) -> bool:
    if text.lower() in ("true", "yes", "on"):
        return True
    if text.lower() in ("false", "no", "off"):
        return False
    raise ValueError(f'"{text}" is not true or false')


class PolicyReader:
    """Walks a composed YAML tree so every complaint can name its file, line and field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node, field: str, problem: str) -> PolicyError:
        """The error to raise: `file:line: field: problem`."""
        return PolicyError(f"{self.source}:{node.start_mark.line + 1}: {field}: {problem}")

    def mapping(
        self, node: yaml.Node, where: str, allowed: tuple[str, ...] | None = None
    ) -> _Fields:
        """Key -> (key node, value node); repeated keys and keys not `allowed` are errors."""
        import yaml

        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where or "policy", "expected a mapping")
        fields: _Fields = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node, where or "policy")
            field_name = f"{where}.{key}" if where else key
            if key in fields:
                raise self.fail(key_node, field_name, "appears twice")
            if allowed is not None and key not in allowed:
                raise self.fail(
                    key_node, field_name, f"unknown field (expected one of: {', '.join(allowed)})"
                )
            fields[key] = (key_node, value_node)
        return fields

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node]:
        """The items of a YAML list."""
        import yaml

        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, where, "expected a list")
        return list(node.value)

    def is_sequence(self, node: yaml.Node) -> bool:
        """Whether a value is written as a list."""
        import yaml

        return isinstance(node, yaml.SequenceNode)

    def scalar(self, node: yaml.Node, where: str) -> str:
        """A single value as text (YAML's own typing is ignored: `09:00` stays `09:00`)."""
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, where, "expected a single value")
        return str(node.value)

    def text(self, fields: _Fields, where: str, key: str, default: str = "") -> str:
        """An optional text field of a mapping read with `mapping`."""
        if key not in fields:
            return default
        return self.scalar(fields[key][1], f"{where}.{key}" if where else key).strip()

    def duration(self, node: yaml.Node, where: str) -> dt.timedelta:
        """A policy duration: 30s, 5m, 2h, 1d, 1w."""
        text = self.scalar(node, where)
        try:
            return parse_duration(text)
        except ValueError:
            raise self.fail(node, where, f'"{text}" is not a duration') from None

    def boolean(self, fields: _Fields, where: str, key: str, default: bool) -> bool:
        """An optional yes/no field: true/false, yes/no, on/off."""
        if key not in fields:
            return default
        return self.convert(fields[key][1], f"{where}.{key}" if where else key, _parse_bool)

    def convert(self, node: yaml.Node, where: str, parse: Callable[[str], _T]) -> _T:
        """A single value run through `parse`, whose ValueError becomes the problem."""
        text = self.scalar(node, where).strip()
        try:
            return parse(text)
        except ValueError as exc:
            raise self.fail(node, where, str(exc)) from None
