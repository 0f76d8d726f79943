"""`warroom list`'s output, without click: run by the click command (`read.py`) and by
the quick path (`quick.py`: `warroom list [--json] [--all]` imports no click)."""

from __future__ import annotations

import datetime as dt
import gc
import sys
from typing import TYPE_CHECKING

from warroom.cli.context import Context, echo_text
from warroom.domain.policy_record import unknown_severity
from warroom.store import read_model

if TYPE_CHECKING:
    from warroom.domain.policy import Policy


def show_list(context: Context, *, show_all: bool, as_json: bool) -> None:
    """Print the incidents as `warroom list` does (see its help)."""
    now = context.clock.now()
    policy = context.policy
    # thousands of rows of texts and times hold no cycles: the collector's passes over
    # them while they are made would only cost time (a fifth of reading them)
    collecting = gc.isenabled()
    gc.disable()
    try:
        _show(context, now, policy, show_all=show_all, as_json=as_json)
    finally:
        if collecting:
            gc.enable()


def _show(
    context: Context, now: dt.datetime, policy: Policy, *, show_all: bool, as_json: bool
) -> None:
    if as_json:
        with context.database() as db:
            text = read_model.list_json(db, policy, now, show_ended=show_all)
        if sys.stdout.isatty():
            from warroom.cli.list_output import indented

            text = indented(text)
        echo_text(text)
        return
    from warroom.cli.list_output import plain_lines  # rich's cell widths: not for --json
    from warroom.cli.output import echo

    with context.database() as db:
        # in the console's order (read_model.list_order), each with its next deadline
        found = read_model.list_rows(db, policy, now, show_ended=show_all)
    severities: dict[str, bool] = {}

    def known(severity: str) -> bool:
        if severity not in severities:
            severities[severity] = unknown_severity(policy, severity) is None
        return severities[severity]

    if not found:
        echo("no live incidents" if not show_all else "no incidents")
        return
    echo_text("\n".join(plain_lines(found, now, known)))
