"""`warroom list`'s output, without click: run by the click command (`read.py`) and by
the quick path (`quick.py`: `warroom list [--json] [--all]` imports no click)."""

from __future__ import annotations

from warroom.cli.context import Context
from warroom.cli.json_shapes import incident_json, timer_json
from warroom.cli.output import echo, echo_json
from warroom.domain import sla
from warroom.domain.lifecycle import age_until
from warroom.domain.policy_record import UNKNOWN_SEVERITY, unknown_severity
from warroom.domain.timefmt import format_age
from warroom.domain.visible import pad
from warroom.domain.visible import visible_line as one_line
from warroom.store import read_model


def show_list(context: Context, *, show_all: bool, as_json: bool) -> None:
    """Print the incidents as `warroom list` does (see its help)."""
    now = context.clock.now()
    with context.database() as db:
        # the list shows no breaches: they are not read
        listed = read_model.incident_list(db, context.policy, show_ended=show_all, breaches=False)
    found = listed.incidents  # in the console's order (read_model.list_order)
    urgent = {i.id: listed.next_deadline(i.id, context.policy, now) for i in found}
    if as_json:
        rows = []
        for i in found:
            timer = urgent[i.id]
            rows.append(
                incident_json(i, now)
                | {"next_deadline": timer_json(timer) if timer else None}
                | {"severity_known": unknown_severity(context.policy, i.severity) is None}
            )
        echo_json(rows)
        return
    if not found:
        echo("no live incidents" if not show_all else "no incidents")
    for i in found:
        age = format_age(i.declared_at, age_until(i, now))  # an ended one's age stops
        timer = urgent[i.id]
        due = f"{timer.name} {sla.countdown(timer)}" if timer else ""
        severity = one_line(i.severity)
        if unknown_severity(context.policy, i.severity):  # declared under another policy
            severity, due = f"{severity}?", UNKNOWN_SEVERITY
        # widths in terminal cells, so a CJK or emoji name keeps the title column in place
        echo(
            f"#{i.id:<5} {pad(severity, 5)} {i.status:<13} {age:>7}  {due:<24} "
            f"{pad(one_line(i.commander), 14)} {one_line(i.title)}"
        )
