"""Follow-ups: the action items an incident leaves behind.

A due date is typed the way people say it: `2026-12-01`, `+3d`, `2w`,
`today`, `tomorrow`, or a weekday (`fri`: the next one, not today).
"""

from __future__ import annotations

import datetime as dt
import re

from warroom.domain.models import FollowUp
from warroom.domain.timefmt import OutOfRange, check_day

_RELATIVE = re.compile(r"^\+?(\d+)\s*([dw])$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
_STATUS_RANK = {"open": 0, "done": 1, "wont-do": 2}


def parse_due(text: str, today: dt.date) -> dt.date | None:
    """The due date for `text` (empty: none); ValueError naming what was typed."""
    value = text.strip().lower()
    if not value:
        return None
    if value == "today":
        return today
    if value == "tomorrow":
        return today + dt.timedelta(days=1)
    if match := _RELATIVE.match(value):
        count = int(match.group(1))
        try:
            due = today + dt.timedelta(days=count * (7 if match.group(2) == "w" else 1))
        except OverflowError:
            raise OutOfRange(f"{text.strip()!r} is too far ahead for a due date") from None
        return check_day(due, "due date")
    for number, name in enumerate(_WEEKDAYS):
        if len(value) >= 3 and name.startswith(value):
            return today + dt.timedelta(days=(number - today.weekday()) % 7 or 7)
    try:
        due = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text.strip()!r} is not a due date (use YYYY-MM-DD, +3d, 2w, tomorrow or a weekday)"
        ) from None
    return check_day(due, "due date")  # a year 9999 would overflow every "due in" sum


def ordered(items: list[FollowUp]) -> list[FollowUp]:
    """Open first; then by priority, due date (undated last) and age."""
    return sorted(
        items,
        key=lambda f: (
            _STATUS_RANK.get(f.status, 3),
            _PRIORITY_RANK.get(f.priority, 3),
            f.due or dt.date.max,
            f.id,
        ),
    )


def is_overdue(item: FollowUp, today: dt.date) -> bool:
    return item.is_open and item.due is not None and item.due < today


def edits(
    item: FollowUp, *, owner: str, due: dt.date | None, priority: str, status: str
) -> dict[str, object]:
    """What a person changed in the edit form, field by field, against what they saw.

    Only those fields are sent, so an edit never writes back a field that another
    console changed meanwhile (the service then skips what already matches).
    """
    typed = {"owner": owner, "due": due, "priority": priority, "status": status}
    seen = {"owner": item.owner, "due": item.due, "priority": item.priority, "status": item.status}
    return {field: value for field, value in typed.items() if value != seen[field]}
