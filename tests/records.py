"""Incident records made in tests without a file: the plain values every field takes
unless the test says otherwise."""

from __future__ import annotations

import dataclasses
import datetime as dt

from warroom.domain.models import Incident


def an_incident(number: int, declared_at: dt.datetime, **changes: object) -> Incident:
    """Incident `number`, a P1 availability incident under investigation led by Ana,
    declared at `declared_at`, with nothing else on record; `changes`: other fields."""
    base = Incident(
        id=number,
        title=f"incident {number}",
        severity="P1",
        status="investigating",
        kind="availability",
        summary="",
        impact_users="",
        impact_services="",
        impact_business="",
        commander="Ana",
        drill=False,
        declared_at=declared_at,
        detected_at=None,
        acknowledged_at=None,
        mitigated_at=None,
        resolved_at=None,
        closed_at=None,
        last_update_at=None,
        escalation_level=0,
        channel="",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]
