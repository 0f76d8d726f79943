"""Rapid-assessment answers that fill the incident's impact.

A runbook item may say which impact field its answer describes (`impact: users`
on "How many users are affected?"). Answering it fills that field when the
incident does not have it yet, in the answer's own unit of work with its own
timeline row, so the composer and the header show it without asking again. An
impact someone already typed is never overwritten by an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from warroom.errors import InvalidInput
from warroom.store import incident_writes
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from warroom.domain.runbooks import Runbook


def impact_field_of(runbooks: Sequence[Runbook], item_key: str) -> str:
    """The impact field the item `runbook-id/section/N` fills, or "" (none, or unknown)."""
    for runbook in runbooks:
        prefix = f"{runbook.id}/"
        if item_key.startswith(prefix):
            try:
                return runbook.step(item_key.removeprefix(prefix)).item.impact
            except InvalidInput:
                return ""
    return ""


def fill_impact(
    uow: UnitOfWork, runbooks: Sequence[Runbook], incident_id: int, item_key: str, reply: str
) -> str | None:
    """Inside the answer's unit of work: set the impact field the item names when it
    is empty, with its timeline row. The field filled, or None."""
    field = impact_field_of(runbooks, item_key)
    if not field:
        return None
    column = f"impact_{field}"  # users, services, business: runbooks.IMPACT_ANSWERS
    if uow.incident_fields(incident_id, column)[column].strip():
        return None  # typed by someone (or answered before): an answer does not overwrite it
    incident_writes.set_fields(uow, incident_id, {column: reply})
    uow.append_timeline(
        incident_id,
        "impact",
        f"Impact — {field}: {reply} (from the rapid assessment)",
        data={field: reply, "from_answer": item_key},
    )
    return field
