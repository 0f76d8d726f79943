"""The names a person field offers to complete: the people already on the selected
incident first (its roles, its commander, its post-mortem owner), then the
policy's contacts."""

from __future__ import annotations

from textual.dom import DOMNode

from warroom.tui.widgets.incident_detail import IncidentDetail


def people_offered(node: DOMNode) -> list[str]:
    """Every name to complete from, without repeats (the first spelling wins)."""
    names: list[str] = []
    for detail in node.app.screen_stack[0].query(IncidentDetail):
        names += [r.person for r in detail.roles]
        if detail.incident is not None:
            names += [detail.incident.commander, detail.incident.postmortem_owner]
        names += [c.name for c in detail.policy.contacts]
    seen: set[str] = set()
    offered: list[str] = []
    for name in (n.strip() for n in names):
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            offered.append(name)
    return offered
