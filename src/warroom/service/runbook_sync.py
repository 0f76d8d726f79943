"""Checklists that follow the incident, inside the action that changed it.

Declaring, re-classifying (severity, kind) or moving the status brings the
incident's runbooks in line with what it is now, as one timeline row signed by
the system:

- what applies and is not on the incident attaches (a runbook a person took
  off stays off; one the system took off may come back);
- a runbook the system attached that no longer applies to the severity or kind
  is taken off when nobody has ticked or answered anything on it, so a higher
  severity's runbook replaces the lower one's untouched list, and the old
  kind's untouched list goes when the kind changes;
- items whose `done_when` events have happened (declared, acknowledged,
  mitigated, resolved, a role held) are ticked by the system, dated when it
  happened, so the console's own work never shows as OVERDUE.

`tick_what_happened` does the last part alone, for the actions that change no
classification (acknowledge, assign a role): they need no runbook files.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from warroom.domain.policy import Policy
from warroom.domain.vocabulary import SYSTEM_AUTHOR
from warroom.errors import InvalidInput
from warroom.store import checklist_writes
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from warroom.domain.runbook_scope import Placement
    from warroom.domain.runbooks import Runbook

_MOMENT_COLUMNS = {
    "declared": "declared_at",
    "acknowledged": "acknowledged_at",
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
}


def placement(policy: Policy | None, severity: str, kind: str, status: str) -> Placement:
    """Where an incident stands for `applies_to`: its severity's rank in `policy` (None
    when the policy does not know the severity), its kind and status."""
    from warroom.domain.runbook_scope import Placement  # not on `warroom log`'s path

    rank: int | None = None
    lowest: int | None = None
    if policy is not None:
        lowest = len(policy.severities) - 1
        try:
            rank = policy.severity(severity).rank
        except InvalidInput:
            rank = None
    return Placement(severity, kind, rank, lowest, status)


def _still_applies(runbook: Runbook, place: Placement) -> bool:
    """Whether the runbook's severity and kind scope still hold (status only ever adds)."""
    from warroom.domain import runbook_scope

    return runbook_scope.in_scope(runbook.severities, runbook.ranks, runbook.kinds, (), place)


def follow_incident(
    uow: UnitOfWork,
    runbooks: Sequence[Runbook],
    incident_id: int,
    policy: Policy | None,
    events: Collection[str] = (),
) -> list[str]:
    """Attach what applies, take off untouched lists that no longer apply, tick what
    happened (on the lists attached now, and items waiting for `events`, what the
    action itself did); one timeline row says all of it. Returns the ids attached."""
    from warroom.domain.runbooks import matching_runbooks  # not for ack or assign

    now = uow.incident_fields(incident_id, "severity", "kind", "status")
    place = placement(policy, str(now["severity"]), str(now["kind"]), str(now["status"]))
    known = {rb.id: rb for rb in runbooks}
    detached: list[str] = []
    for checklist_id, runbook_id, title, by in checklist_writes.attached_checklists(
        uow, incident_id
    ):
        runbook = known.get(runbook_id)
        if by != SYSTEM_AUTHOR or runbook is None or _still_applies(runbook, place):
            continue
        if checklist_writes.is_untouched(uow, checklist_id):
            checklist_writes.detach_checklist(uow, checklist_id, SYSTEM_AUTHOR)
            detached.append(title)
    kept_off = checklist_writes.kept_off(uow, incident_id)
    attached: list[tuple[Runbook, int]] = []
    fresh = []
    for runbook in matching_runbooks(runbooks, place):
        if runbook.id not in kept_off:
            steps = runbook.steps()
            fresh.append(
                checklist_writes.insert_checklist(uow, incident_id, runbook, steps, SYSTEM_AUTHOR)
            )
            attached.append((runbook, len(steps)))
    ticked = _tick(uow, incident_id, events=events, fresh=fresh)
    parts = []
    if attached:
        lists = ", ".join(f"{rb.title} ({n} items)" for rb, n in attached)
        parts.append(f"Runbooks attached for {place.severity} {place.kind}: {lists}")
    if detached:
        gone = ", ".join(detached)
        parts.append(f"taken off (untouched, no longer applies): {gone}")
    if ticked:
        parts.append(f"ticked, already done: {', '.join(text for _, text in ticked)}")
    if parts:
        text = "; ".join(parts)
        uow.append_timeline(
            incident_id,
            "checklist",
            text[0].upper() + text[1:],
            data={
                "attached": [{"runbook": rb.id, "items": n} for rb, n in attached],
                "detached": detached,
                "ticked": [key for key, _ in ticked],
            },
            automatic=True,
        )
    return [rb.id for rb, _ in attached]


def tick_what_happened(
    uow: UnitOfWork, incident_id: int, event: str = "", *, checklist_id: int | None = None
) -> list[str]:
    """Tick the open items waiting for `event` (or on the checklist just attached) whose
    `done_when` events have all happened, signed by the system, with one timeline row
    when any was; returns their keys. An item a person unticked is left alone until
    one of its own events happens again."""
    fresh = [] if checklist_id is None else [checklist_id]
    ticked = _tick(uow, incident_id, events=[event] if event else [], fresh=fresh)
    if ticked:
        uow.append_timeline(
            incident_id,
            "checklist",
            f"Ticked, done in the war room: {', '.join(text for _, text in ticked)}",
            data={"ticked": [key for key, _ in ticked], "done": True},
            automatic=True,
        )
    return [key for key, _ in ticked]


def _tick(
    uow: UnitOfWork, incident_id: int, *, events: Collection[str], fresh: Collection[int]
) -> list[tuple[str, str]]:
    """(key, text) of every item ticked now because its events have happened: items on
    the `fresh` checklists, and items waiting for one of `events`."""
    open_items = checklist_writes.open_event_items(uow, incident_id)
    if not open_items:
        return []
    stored = uow.incident_fields(incident_id, *_MOMENT_COLUMNS.values())
    when = {
        event: str(stored[column])
        for event, column in _MOMENT_COLUMNS.items()
        if stored[column] is not None
    }
    happened = set(when) | {f"role:{r}" for r in checklist_writes.held_roles(uow, incident_id)}
    from warroom.domain import runbook_scope

    ticked = []
    for item_id, checklist_id, key, done_when, text in open_items:
        wanted = done_when.split()
        if checklist_id not in fresh and not set(wanted) & set(events):
            continue
        if not runbook_scope.events_hold(wanted, happened):
            continue
        # dated when it happened: the latest of its moments (a role: now, when it is seen)
        at = max(when.get(e, uow.stamp) for e in wanted)
        if checklist_writes.system_tick(uow, item_id, at):
            ticked.append((key, text))
    return ticked


__all__ = ["follow_incident", "placement", "tick_what_happened"]
