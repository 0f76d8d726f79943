"""The SLA pane and the escalation-ladder pane of the selected incident.

Each pane is one widget that draws the rows that show (`ShownLines`), redrawn only when the
text changed (once a second while something counts down). States are words
and classes (`-overdue`, `-warning`), never colour alone. Names (a role
holder on the ladder, a policy's labels) show control characters visibly and
take their columns in terminal cells.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import ClassVar

from rich.cells import set_cell_size

from warroom.domain import escalation, sla
from warroom.domain.models import Engagement
from warroom.domain.visible import pad, visible_line
from warroom.tui.widgets.shown_lines import Line, ShownLines

SHORT_LABELS = {
    "ack": "Ack by",
    "first_update": "1st update by",
    "update": "Next update",
    "external_update": "Customer upd",
    "resolve": "Resolve by",
    "postmortem": "Post-mortem",
    "escalation": "Escalation",
}

# a timer's line in its state's style (a running one on time: the pane's own)
TIMER_STYLES = {
    sla.OVERDUE: "sla--overdue",
    sla.MISSED: "sla--overdue",
    sla.WARNING: "sla--warning",
    sla.MET: "sla--met",
}


def _clock(at: dt.datetime, tz: dt.tzinfo) -> str:
    return at.astimezone(tz).strftime("%H:%M")


class SlaPane(ShownLines):
    """Acknowledge by, first update, next update, resolve by, post-mortem, next escalation."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "sla--overdue",
        "sla--warning",
        "sla--met",
        "sla--title",
    }

    def __init__(self, *, tz: dt.tzinfo, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.tz = tz
        self._drawn: tuple[str, ...] = ()

    def show(self, timers: tuple[sla.Timer, ...], note: str = "") -> None:
        """The timers; `note` says why there are none (a severity the policy lacks)."""
        lines = tuple(self._line(t) for t in timers)
        worst = {t.state for t in timers if t.done_at is None}
        self.set_class(sla.OVERDUE in worst, "-overdue")
        self.set_class(sla.WARNING in worst and sla.OVERDUE not in worst, "-warning")
        if (*lines, note) == self._drawn:
            return
        self._drawn = (*lines, note)
        shown: list[Line] = [("SLA", "sla--title")]
        if note:
            shown.append((visible_line(note), "bold reverse"))
        elif not timers:
            shown.append(("no running clocks", ""))
        for timer, line in zip(timers, lines, strict=True):
            shown.append((line, TIMER_STYLES.get(timer.state, "")))
        self.show_lines(shown)

    def _line(self, timer: sla.Timer) -> str:
        """`Resolve by    in 9m13s soon      13:00`: the countdown carries its units
        (`in 9m13s`, `OVERDUE 4m12s`, `missed by 5m02s`), so it never reads like the
        deadline's clock time beside it."""
        short = SHORT_LABELS.get(timer.name, timer.label)
        if timer.name == "update" and timer.audience == "internal":
            short = "Internal upd"
        label = pad(visible_line(short), 13)
        if timer.state == sla.MET:
            done = f" {_clock(timer.done_at, self.tz)}" if timer.done_at else ""
            value = f"met{done}"
        else:
            value = sla.countdown(timer)
            if timer.state == sla.WARNING and timer.remaining > dt.timedelta(0):
                value += " soon"
        return f"{label} {value:<18} {_clock(timer.deadline, self.tz)}"


class LadderPane(ShownLines):
    """Who has been called, who is next, and when."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"ladder--title", "ladder--next"}

    def __init__(self, *, tz: dt.tzinfo, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.tz = tz
        self._drawn: tuple[str, ...] = ()

    def show(
        self,
        ladder: escalation.LadderStatus | None,
        engaged: list[Engagement],
        now: dt.datetime,
        severity: str,
        reach: tuple[str, ...] = (),
        stopped: str = "",
    ) -> None:
        """The rungs, then how to reach the people (`reach`: on call now, the ladder's
        people and the role holders, from the policy's contacts). `stopped`: why an
        incident has no ladder running (it ended), said instead of "no ladder"."""
        title = f"Escalation ladder {visible_line(severity)}"  # a policy's name: made safe
        lines = self._lines(ladder, engaged, now, stopped)
        if (title, *lines, *reach) == self._drawn:
            return
        self._drawn = (title, *lines, *reach)
        shown: list[Line] = [(title, "ladder--title")]
        upcoming = ladder.next if ladder else None
        for index, line in enumerate(lines):
            is_next = upcoming is not None and index == upcoming.level - 1
            shown.append((line, "ladder--next" if is_next else ""))
        if reach:
            shown.append(("Reach", "ladder--title"))
            # a contact line (indented) dim under its person
            shown.extend((line, "dim" if line.startswith(" ") else "") for line in reach)
        self.show_lines(shown)

    def _lines(
        self,
        ladder: escalation.LadderStatus | None,
        engaged: list[Engagement],
        now: dt.datetime,
        stopped: str = "",
    ) -> tuple[str, ...]:
        """One line a rung: ✓ called (when, how: from the record), ⚠ nobody held it,
        – not needed, → next; then calls recorded for rungs this ladder lacks."""
        if ladder is None and stopped:  # an ended incident: what was called, on record
            return (stopped, *(self._call(record) for record in engaged))
        if ladder is None or not ladder.rungs:
            return ("no ladder for this severity",)
        upcoming = ladder.next
        lines = []
        for rung in ladder.rungs:
            who = rung.rung.who
            person = rung.responder.name if rung.responder.name != who else ""
            if rung.responder.vacant:
                person = "nobody"
            record = rung.engagement
            if record is not None and rung.state == escalation.ENGAGED:
                how = "by hand" if record.how == "manual" else "auto"
                mark, when = "✓", f"{_clock(record.engaged_at, self.tz)} {how}"
            elif rung.state == escalation.VACANT:
                mark, when = "⚠", "fell through"
            elif rung.state in (escalation.ENGAGED, escalation.PASSED):
                mark, when = "✓", "passed"
            elif rung.state == escalation.STOPPED:
                mark, when = "–", "not needed"
            elif upcoming is not None and rung.level == upcoming.level:
                left = rung.due_at - now
                seconds = math.ceil(left.total_seconds())
                due = sla.span(seconds) if seconds > 0 else "due now"  # `NEXT 9m13s`
                mark, when = "→", f"NEXT {due}"
            else:
                mark, when = " ", f"at {_clock(rung.due_at, self.tz)}"
            shown = set_cell_size(visible_line(who), 9), set_cell_size(visible_line(person), 11)
            lines.append(f"{mark} {rung.level} {shown[0]} {shown[1]} {when}")
        for record in ladder.earlier:  # called from another ladder (before a severity change)
            was = f" ({visible_line(record.severity)})" if record.severity else ""
            lines.append(self._call(record, "·") + was)
        return tuple(lines)

    def _call(self, record: Engagement, level: str = "") -> str:
        """A call on record: `✓ 2 Tech lead Dana Kim    09:02 auto` (⚠ nobody held it)."""
        how = "by hand" if record.how == "manual" else "auto"
        label = set_cell_size(visible_line(record.who), 9)
        called = set_cell_size(visible_line(record.person or "nobody"), 11)
        at = _clock(record.engaged_at, self.tz)
        mark = "✓" if record.person else "⚠"
        return f"{mark} {level or record.level} {label} {called} {at} {how}"
