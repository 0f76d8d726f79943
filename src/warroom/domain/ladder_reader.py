"""Reading a ladder rung's `kinds:`: the incident kinds a rung applies to.

Seed 003 calls the Security Team and Legal only for a security incident, so a
rung may name kinds (`kinds: [security]`, or one kind as `kinds: security`);
a rung without `kinds` applies to every incident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.vocabulary import INCIDENT_KINDS, parse_incident_kind
from warroom.errors import InvalidInput

if TYPE_CHECKING:
    import yaml

    from warroom.domain.policy_reader import PolicyReader


def read_rung_kinds(reader: PolicyReader, node: yaml.Node, where: str) -> tuple[str, ...]:
    """The kinds as keys (`security`), in the order written; an unknown kind is an
    error naming the line, the kind and the known ones."""
    items = reader.sequence(node, where) if reader.is_sequence(node) else [node]
    kinds: list[str] = []
    for i, item in enumerate(items):
        spot = f"{where}[{i}]" if reader.is_sequence(node) else where
        text = reader.scalar(item, spot)
        try:
            kind = parse_incident_kind(text)
        except InvalidInput:
            known = ", ".join(INCIDENT_KINDS)
            raise reader.fail(item, spot, f'"{text}" is not an incident kind ({known})') from None
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        raise reader.fail(node, where, "names no kind (leave it out to apply to every kind)")
    return tuple(kinds)
