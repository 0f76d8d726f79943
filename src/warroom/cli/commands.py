"""Every `warroom` sub-command, added to the group in one place.

A new command is written in its area's module and listed here; the package
(`warroom/cli/__init__.py`) calls `register` on the group. The command modules
never import this one or the package, so nothing registers by side effect.
"""

from __future__ import annotations

import click

from warroom.cli import (
    checklists,
    clocks,
    demo,
    incidents,
    policy,
    read,
    report,
    timeline,
    transfer,
    updates,
)

COMMANDS: tuple[click.Command, ...] = (
    demo.demo,
    # incidents
    incidents.declare,
    timeline.log,
    incidents.status,
    incidents.severity,
    incidents.ack,
    incidents.assign,
    clocks.escalate,
    policy.policy,
    incidents.handoff,
    incidents.kind,
    clocks.sweep,
    # reading
    read.list_incidents,
    read.show,
    read.search,
    # the scribe
    timeline.correct,
    timeline.strike,
    timeline.pin,
    timeline.followups,
    # runbooks and checklists
    checklists.runbook,
    checklists.attach,
    checklists.tick,
    checklists.answer,
    checklists.checklist,
    # status updates
    updates.templates,
    updates.compose,
    updates.post,
    updates.updates,
    # moving incidents between files, and across them
    transfer.export,
    transfer.import_,
    report.report,
)


def register(group: click.Group) -> click.Group:
    """Add every command to `group` (under the names `warroom --help` lists)."""
    for command in COMMANDS:
        group.add_command(command)
    return group
