"""`warroom runbook import` of a YAML file: a warroom runbook, or a workflow.

A `.yml`/`.yaml` file is read as YAML, never as Markdown (read as Markdown, a
Keep workflow came out as three stray "items" of YAML text):

- a warroom runbook (`title`, `sections`) is read and checked as any runbook;
- a workflow (Keep's `workflow:` with `steps` and `actions`, or those lists
  at the top) becomes a runbook with a section per list and an item per step
  or action: its name as the text, its condition and provider as the detail;
- anything else is refused, naming the file and what was expected.

`scoped` then says where the runbook applies (`--severity`, `--kind`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath

import yaml

from warroom.domain.runbooks import Item, Runbook, RunbookError, Section, parse_runbook, slugify
from warroom.domain.yaml_text import compose_yaml

_WORKFLOW_LISTS = (("steps", "Steps"), ("actions", "Actions"))


def _fields(node: yaml.Node) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _text(node: yaml.Node | None) -> str:
    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""


def _workflow_item(node: yaml.Node, position: int) -> Item:
    fields = _fields(node)
    if not fields:
        return Item(text=_text(node) or f"step {position}")
    name = _text(fields.get("name")) or _text(fields.get("id")) or f"step {position}"
    detail = []
    if condition := _text(fields.get("if")):
        detail.append(f"when: {condition}")
    provider = _fields(fields["provider"]) if "provider" in fields else {}
    if kind := _text(provider.get("type")):
        detail.append(f"provider: {kind}")
    if each := _text(fields.get("foreach")):
        detail.append(f"for each: {each}")
    return Item(text=name, detail="\n".join(detail))


def _triggers(node: yaml.Node | None) -> str:
    if not isinstance(node, yaml.SequenceNode):
        return ""
    found = []
    for trigger in node.value:
        fields = _fields(trigger)
        kind = _text(fields.get("type")) or _text(trigger)
        events = fields.get("events")
        names = [_text(e) for e in events.value] if isinstance(events, yaml.SequenceNode) else []
        found.append(f"{kind} ({', '.join(n for n in names if n)})" if names else kind)
    return f"Triggers: {', '.join(f for f in found if f)}" if any(found) else ""


def import_yaml(text: str, source: str) -> Runbook:
    """A Runbook from a YAML runbook or workflow; RunbookError names the file otherwise."""
    root = compose_yaml(text, source, RunbookError)
    if root is None:
        raise RunbookError(f"{source}: the file is empty")
    top = _fields(root)
    if "sections" in top:
        return parse_runbook(text, source)
    body = _fields(top["workflow"]) if "workflow" in top else top
    if not any(name in body for name, _ in _WORKFLOW_LISTS):
        raise RunbookError(
            f"{source}: neither a warroom runbook (title, sections) nor a workflow"
            " with steps or actions"
        )
    sections = []
    for name, title in _WORKFLOW_LISTS:
        node = body.get(name)
        if isinstance(node, yaml.SequenceNode) and node.value:
            items = tuple(_workflow_item(n, i) for i, n in enumerate(node.value, start=1))
            sections.append(Section(title=title, items=items))
    stem = PurePath(source).stem
    title = _text(body.get("name")) or _text(body.get("id")) or stem
    lead = [_text(body.get("description")), _triggers(body.get("triggers"))]
    return Runbook(
        id=slugify(_text(body.get("id")) or stem) or "imported",
        title=title,
        description="\n\n".join(part for part in lead if part),
        sections=tuple(sections),
        source=source,
    )


def scoped(
    runbook: Runbook,
    severities: tuple[str, ...] = (),
    ranks: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
) -> Runbook:
    """The runbook applying where the import was told (`--severity`, `--kind`); a scope
    not given stays as the file had it."""
    if severities or ranks:
        runbook = replace(runbook, severities=severities, ranks=ranks)
    if kinds:
        runbook = replace(runbook, kinds=kinds)
    return runbook
