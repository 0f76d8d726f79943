"""The incident roles a team fills: the built-in set, or the policy's own list.

The seeds name DBAs, network engineers, legal counsel, customer success and an
operations manager besides the commander, scribe and leads, so a policy may list
its roles (`incident_roles:`); without that list the built-in set applies. A role
is known by a key (`tech-lead`) and said by its label (`Tech Lead`); a person may
type either, in any case, with spaces or dashes. The commander is always a role
(declaring names one) and holds one person at a time (command is handed off);
every other role may hold several people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from warroom.domain.vocabulary import ROLES
from warroom.errors import InvalidInput

if TYPE_CHECKING:
    import yaml

    from warroom.domain.policy_reader import PolicyReader

COMMANDER = "commander"
_ALIASES = {"ic": "commander", "incident-commander": "commander", "techlead": "tech-lead"}


@lru_cache(maxsize=1024)
def role_key(text: str) -> str:
    """The key a role label is stored under: `Legal Counsel` -> `legal-counsel`."""
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class RoleSet:
    """The roles an incident can have: key -> label, in the policy's order."""

    labels: Mapping[str, str] = field(default_factory=lambda: dict(ROLES))

    @cached_property
    def _by_label(self) -> dict[str, str]:
        """Role key of each label -> role (the first role of a label wins)."""
        found: dict[str, str] = {}
        for role, label in self.labels.items():
            found.setdefault(role_key(label), role)
        return found

    def find(self, value: str) -> str | None:
        """The key `value` names (a key, a label, an alias), or None."""
        key = role_key(value)
        key = _ALIASES.get(key, key)
        if key in self.labels:
            return key
        return self._by_label.get(key)

    def parse(self, value: str) -> str:
        """The key `value` names, or InvalidInput naming the role and the known ones."""
        found = self.find(value)
        if found is None:
            raise InvalidInput(
                f"unknown role {value.strip()!r} (known roles: {', '.join(self.labels.values())})"
            )
        return found

    def label(self, key: str) -> str:
        """How the war room says a role (a key no longer listed is said as stored)."""
        return self.labels.get(key, key)

    @staticmethod
    def single_holder(key: str) -> bool:
        """Whether assigning the role replaces its holder (only command is handed over)."""
        return key == COMMANDER


BUILT_IN = RoleSet()


def read_incident_roles(reader: PolicyReader, node: yaml.Node) -> RoleSet:
    """The policy's `incident_roles:` list of labels (`- Database Administrator`).

    The commander is added first when the list leaves it out; a label listed
    twice (in any spelling) is an error naming the line.
    """
    labels: dict[str, str] = {}
    for i, item in enumerate(reader.sequence(node, "incident_roles")):
        where = f"incident_roles[{i}]"
        label = reader.scalar(item, where).strip()
        key = _ALIASES.get(role_key(label), role_key(label))
        if not key:
            raise reader.fail(item, where, "is empty")
        if key in labels:
            raise reader.fail(item, where, f'"{label}" is listed twice')
        labels[key] = label
    if not labels:
        raise reader.fail(node, "incident_roles", "needs at least one role")
    if COMMANDER not in labels:
        labels = {COMMANDER: ROLES[COMMANDER], **labels}
    return RoleSet(labels)
