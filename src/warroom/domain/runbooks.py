"""Runbooks: the checklists a war room ticks together, read from YAML.

A runbook has a title, a description, `applies_to` (severities by name or by
rank, kinds, statuses; empty means every incident; `on-request` means only
when attached by hand; see runbook_scope.py) and sections of items. An item
may carry a detail, a command to copy, a role, a time target (`within: 15m`,
counted from declaration, or `from:` acknowledged / mitigated / resolved; a
section's `within` and `from` are the default for its items), `done_when`
(what the system ticks itself: `acknowledged`, `role:scribe`) and a question
(`ask:`) whose typed answer is kept; `impact: users` (or services, business)
on a question fills that impact field with the answer when it is empty. Items nest.

Every item has a stable key, `section-key/3` or `section-key/3.2` for a
nested one (an explicit `id:` replaces the number), so a tick survives
while a runbook is read again. Every error names the file, the line and the
field, e.g. `p0.yaml:14: sections[1].items[2].within: "3x" is not a duration`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from warroom.domain import runbook_scope
from warroom.domain.policy_reader import format_duration, parse_duration
from warroom.domain.runbook_scope import Placement
from warroom.domain.vocabulary import parse_incident_kind, parse_role
from warroom.errors import InvalidInput, WarroomError

if TYPE_CHECKING:  # PyYAML is imported to read or write a file, not to use a parsed runbook
    import yaml


class RunbookError(WarroomError):
    """A runbook that cannot be used; the message names file:line: field: problem."""


@dataclass(frozen=True)
class Item:
    """One thing to do (or ask) during an incident."""

    text: str
    detail: str = ""
    command: str = ""
    role: str = ""  # a role key from vocabulary.ROLES, or ""
    within: dt.timedelta | None = None  # from `within_from` (default: declaration)
    ask: str = ""  # a question whose typed answer is kept
    id: str = ""  # explicit key part; "" means the position
    items: tuple[Item, ...] = ()
    within_from: str = ""  # YAML `from`: a runbook_scope.MOMENTS word; "" means the section's
    done_when: tuple[str, ...] = ()  # events that tick it (runbook_scope.parse_event)
    impact: str = ""  # an `ask:` whose answer fills this impact field (users, services) if empty


@dataclass(frozen=True)
class Section:
    """A heading in a runbook and the items under it."""

    title: str
    description: str = ""
    within: dt.timedelta | None = None  # default for the items below
    id: str = ""  # explicit key; "" means derived from the title
    items: tuple[Item, ...] = ()
    within_from: str = ""  # YAML `from`: the default moment for the items below


@dataclass(frozen=True)
class Step:
    """An item as a checklist shows it: its key, depth and effective time target."""

    key: str
    section_key: str
    section: Section
    item: Item
    depth: int
    within: dt.timedelta | None
    within_from: str = "declared"  # the moment `within` counts from


@dataclass(frozen=True)
class Runbook:
    """A whole runbook; `source` says where it was read from (not compared)."""

    id: str
    title: str
    description: str = ""
    severities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    source: str = field(default="", compare=False)
    ranks: tuple[str, ...] = ()  # severities by rank: "0", "1", "highest", "lowest"
    statuses: tuple[str, ...] = ()  # attaches once the incident reaches one of these
    on_request: bool = False  # `applies_to: on-request`: attached only by hand

    def section_keys(self) -> list[str]:
        """One key per section: its id, or its title as a slug made unique (`-2`)."""
        taken = {s.id for s in self.sections if s.id}
        last_n: dict[str, int] = {}  # per title, where to resume: linear for 10,000 "Checks"
        keys: list[str] = []
        for position, section in enumerate(self.sections, start=1):
            if section.id:
                keys.append(section.id)
                continue
            base = slugify(section.title) or f"section-{position}"
            n = last_n.get(base, 1)
            key = base if n == 1 else f"{base}-{n}"
            while key in taken:
                n += 1
                key = f"{base}-{n}"
            last_n[base] = n
            taken.add(key)
            keys.append(key)
        return keys

    def steps(self) -> list[Step]:
        """Every item in reading order, nested ones right after their parent."""
        steps: list[Step] = []
        for key, section in zip(self.section_keys(), self.sections, strict=True):
            start = section.within_from or "declared"
            steps.extend(_walk(key, section, section.items, "", section.within, start))
        return steps

    def step(self, key: str) -> Step:
        """The step with this key, or InvalidInput naming the runbook."""
        for step in self.steps():
            if step.key == key:
                return step
        raise InvalidInput(f"runbook {self.id!r} has no item {key!r}")


def _walk(
    key: str,
    section: Section,
    items: tuple[Item, ...],
    prefix: str,
    within: dt.timedelta | None,
    start: str,
) -> Iterator[Step]:
    for position, item in enumerate(items, start=1):
        part = f"{prefix}{item.id or position}"
        due = item.within if item.within is not None else within
        moment = item.within_from or start
        yield Step(f"{key}/{part}", key, section, item, part.count("."), due, moment)
        yield from _walk(key, section, item.items, f"{part}.", due, moment)


def slugify(text: str) -> str:
    """`Immediate response (0-15 min)` -> `immediate-response-0-15-min`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def tidy_block(text: str) -> str:
    """A multi-line field as stored: no trailing blanks, no blank first/last lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def applies(runbook: Runbook, severity: str | Placement, kind: str = "") -> bool:
    """True when the runbook is meant for an incident of this severity and kind
    (a `Placement` also says the severity's rank and the incident's status).
    An on-request runbook never applies by itself."""
    place = severity if isinstance(severity, Placement) else Placement(severity, kind)
    if runbook.on_request:
        return False
    return runbook_scope.in_scope(
        runbook.severities, runbook.ranks, runbook.kinds, runbook.statuses, place
    )


def matching_runbooks(
    runbooks: Iterable[Runbook], severity: str | Placement, kind: str = ""
) -> list[Runbook]:
    """The runbooks that apply to (severity, kind), in the order given."""
    return [rb for rb in runbooks if applies(rb, severity, kind)]


# ---------------------------------------------------------------- reading

_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_NULL = "tag:yaml.org,2002:null"
_RUNBOOK_FIELDS = ("id", "title", "description", "applies_to", "sections")
_SECTION_FIELDS = ("id", "title", "description", "within", "from", "items")
_ITEM_FIELDS = (
    "id", "text", "detail", "command", "role", "within", "from", "done_when", "ask", "impact",
    "items",
)  # fmt: skip
IMPACT_ANSWERS = ("users", "services", "business")  # what an answer may fill (item `impact:`)


def parse_impact_field(value: str) -> str:
    """An item's `impact:` word: users, services or business."""
    word = value.strip().lower()
    if word not in IMPACT_ANSWERS:
        raise InvalidInput(f'"{value}" is not an impact field ({", ".join(IMPACT_ANSWERS)})')
    return word


_SCOPE_FIELDS = ("severities", "ranks", "kinds", "statuses")
_ON_REQUEST = "on-request"
# the YAML name of a field whose attribute is named otherwise
_YAML_NAMES = {"within_from": "from"}


def _is_null(node: yaml.Node | None) -> bool:
    import yaml

    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL


class _Reader:
    """Walks a composed YAML tree so every complaint can name its line."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node, field: str, problem: str) -> RunbookError:
        return RunbookError(f"{self.source}:{node.start_mark.line + 1}: {field}: {problem}")

    def mapping(self, node: yaml.Node, field: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        import yaml

        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field or "runbook", "expected a mapping")
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, field or "runbook", "expected a field name")
            key = str(key_node.value)
            where = f"{field}.{key}" if field else key
            if key not in allowed:
                expected = ", ".join(allowed)
                raise self.fail(key_node, where, f"unknown field (expected one of: {expected})")
            if key in fields:
                raise self.fail(key_node, where, "appears twice")
            fields[key] = value_node
        return fields

    def sequence(self, node: yaml.Node | None, field: str) -> list[yaml.Node]:
        if node is None or _is_null(node):
            return []
        import yaml

        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        raise self.fail(node, field, "expected a list")

    def text(self, node: yaml.Node | None, field: str, *, block: bool = False) -> str:
        if node is None or _is_null(node):
            return ""
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field, "expected text")
        return tidy_block(str(node.value)) if block else str(node.value).strip()

    def required(self, node: yaml.Node | None, parent: yaml.Node, field: str) -> str:
        if node is None:
            raise self.fail(parent, field, "is required")
        value = self.text(node, field)
        if not value:
            raise self.fail(node, field, "must not be empty")
        return value

    def ident(self, node: yaml.Node | None, field: str) -> str:
        value = self.text(node, field)
        if node is not None and value and not _ID.match(value):
            problem = f'"{value}" is not an id (lower-case letters, digits and dashes)'
            raise self.fail(node, field, problem)
        return value

    def duration(self, node: yaml.Node | None, field: str) -> dt.timedelta | None:
        value = self.text(node, field)
        try:
            return parse_duration(value) if value else None
        except ValueError:
            assert node is not None
            problem = f'"{value}" is not a duration (use 30s, 5m, 2h, 1d or 1w)'
            raise self.fail(node, field, problem) from None

    def choice(
        self, node: yaml.Node, field: str, parse: Callable[[str], str], *, required: bool = False
    ) -> str:
        """A word checked by `parse` (e.g. a role or a kind, as its key)."""
        value = self.required(node, node, field) if required else self.text(node, field)
        try:
            return parse(value) if value else ""
        except InvalidInput as exc:
            raise self.fail(node, field, str(exc)) from None

    def words(
        self, node: yaml.Node | None, field: str, parse: Callable[[str], str] = str.strip
    ) -> tuple[str, ...]:
        """A list of short values; a single value counts as a list of one."""
        import yaml

        single = isinstance(node, yaml.ScalarNode) and not _is_null(node)
        nodes = [node] if single and node is not None else self.sequence(node, field)
        return tuple(
            self.choice(n, f"{field}[{i}]", parse, required=True) for i, n in enumerate(nodes)
        )

    def unique_ids(
        self, nodes: list[yaml.Node], things: tuple[Item | Section, ...], where: str
    ) -> None:
        seen: set[str] = set()
        for i, (node, thing) in enumerate(zip(nodes, things, strict=True)):
            if thing.id and thing.id in seen:
                raise self.fail(node, f"{where}[{i}].id", f'"{thing.id}" is used twice')
            seen.add(thing.id)


def _item(reader: _Reader, node: yaml.Node, where: str) -> Item:
    if _is_null(node):
        raise reader.fail(node, where, "is empty (write the item's text)")
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return Item(text=reader.required(node, node, where))
    fields = reader.mapping(node, where, _ITEM_FIELDS)
    role = reader.choice(fields["role"], f"{where}.role", parse_role) if "role" in fields else ""
    return Item(
        text=reader.required(fields.get("text"), node, f"{where}.text"),
        detail=reader.text(fields.get("detail"), f"{where}.detail", block=True),
        command=reader.text(fields.get("command"), f"{where}.command", block=True),
        role=role,
        within=reader.duration(fields.get("within"), f"{where}.within"),
        ask=reader.text(fields.get("ask"), f"{where}.ask"),
        id=reader.ident(fields.get("id"), f"{where}.id"),
        items=_items(reader, fields.get("items"), f"{where}.items"),
        within_from=_moment(reader, fields, where),
        done_when=reader.words(
            fields.get("done_when"), f"{where}.done_when", runbook_scope.parse_event
        ),
        impact=_impact(reader, fields, where),
    )


def _impact(reader: _Reader, fields: dict[str, yaml.Node], where: str) -> str:
    if "impact" not in fields:
        return ""
    impact = reader.choice(fields["impact"], f"{where}.impact", parse_impact_field)
    if not reader.text(fields.get("ask"), f"{where}.ask"):
        raise reader.fail(
            fields["impact"], f"{where}.impact", "needs an ask: (its answer fills it)"
        )
    return impact


def _moment(reader: _Reader, fields: dict[str, yaml.Node], where: str) -> str:
    if "from" not in fields:
        return ""
    return reader.choice(fields["from"], f"{where}.from", runbook_scope.parse_moment)


def _items(reader: _Reader, node: yaml.Node | None, where: str) -> tuple[Item, ...]:
    nodes = reader.sequence(node, where)
    items = tuple(_item(reader, n, f"{where}[{i}]") for i, n in enumerate(nodes))
    reader.unique_ids(nodes, items, where)
    return items


def _section(reader: _Reader, node: yaml.Node, where: str) -> Section:
    fields = reader.mapping(node, where, _SECTION_FIELDS)
    return Section(
        title=reader.required(fields.get("title"), node, f"{where}.title"),
        description=reader.text(fields.get("description"), f"{where}.description", block=True),
        within=reader.duration(fields.get("within"), f"{where}.within"),
        id=reader.ident(fields.get("id"), f"{where}.id"),
        items=_items(reader, fields.get("items"), f"{where}.items"),
        within_from=_moment(reader, fields, where),
    )


def parse_runbook(text: str, source: str) -> Runbook:
    """Build a Runbook from YAML text; `source` names the file in errors.

    The runbook's id is its `id:` field, else the file name without suffix.
    """
    import yaml

    from warroom.domain.yaml_text import compose_yaml

    root = compose_yaml(text, source, RunbookError)
    if root is None:
        raise RunbookError(f"{source}: the file is empty")
    reader = _Reader(source)
    top = reader.mapping(root, "", _RUNBOOK_FIELDS)
    title = reader.required(top.get("title"), root, "title")
    if "sections" not in top:
        raise reader.fail(root, "sections", "is required")
    section_nodes = reader.sequence(top["sections"], "sections")
    sections = tuple(_section(reader, n, f"sections[{i}]") for i, n in enumerate(section_nodes))
    reader.unique_ids(section_nodes, sections, "sections")

    scope: dict[str, yaml.Node] = {}
    applies_to = top.get("applies_to")
    on_request = isinstance(applies_to, yaml.ScalarNode) and applies_to.value == _ON_REQUEST
    if applies_to is not None and not _is_null(applies_to) and not on_request:
        if isinstance(applies_to, yaml.ScalarNode):
            fields = ", ".join(_SCOPE_FIELDS)
            problem = f'"{applies_to.value}" is not a scope (a mapping of {fields}'
            raise reader.fail(applies_to, "applies_to", f"{problem}, or {_ON_REQUEST})")
        scope = reader.mapping(applies_to, "applies_to", _SCOPE_FIELDS)
    runbook_id = reader.ident(top.get("id"), "id") or (
        slugify(PurePath(source).stem) or slugify(title) or "runbook"
    )
    return Runbook(
        id=runbook_id,
        title=title,
        description=reader.text(top.get("description"), "description", block=True),
        severities=reader.words(scope.get("severities"), "applies_to.severities"),
        kinds=reader.words(scope.get("kinds"), "applies_to.kinds", parse_incident_kind),
        sections=sections,
        source=source,
        ranks=reader.words(scope.get("ranks"), "applies_to.ranks", runbook_scope.parse_rank),
        statuses=reader.words(
            scope.get("statuses"), "applies_to.statuses", runbook_scope.parse_statuses
        ),
        on_request=on_request,
    )


# ---------------------------------------------------------------- writing


@cache
def _dumper() -> type[yaml.SafeDumper]:
    """A SafeDumper writing multi-line text as literal blocks, so commands read as typed."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


_ATTRIBUTES = {yaml_name: attribute for attribute, yaml_name in _YAML_NAMES.items()}


def _plain(thing: Item | Section, names: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in names:
        value = getattr(thing, _ATTRIBUTES.get(name, name))
        if isinstance(value, dt.timedelta):
            value = format_duration(value)
        elif name == "items":
            value = [_item_data(item) for item in value]
        elif isinstance(value, tuple):
            value = list(value)
        if value:
            data[name] = value
    return data


def _item_data(item: Item) -> str | dict[str, Any]:
    data = _plain(item, _ITEM_FIELDS)
    return item.text if list(data) == ["text"] else data


def dump_runbook(runbook: Runbook) -> str:
    """The runbook as YAML text that parse_runbook reads back to an equal Runbook."""
    data: dict[str, Any] = {"id": runbook.id, "title": runbook.title}
    if runbook.description:
        data["description"] = runbook.description
    scope = {name: list(getattr(runbook, name)) for name in _SCOPE_FIELDS}
    if runbook.on_request:
        data["applies_to"] = _ON_REQUEST
    elif any(scope.values()):
        data["applies_to"] = {name: words for name, words in scope.items() if words}
    data["sections"] = [_plain(section, _SECTION_FIELDS) for section in runbook.sections]
    import yaml

    return yaml.dump(
        data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=10_000, indent=2
    )
