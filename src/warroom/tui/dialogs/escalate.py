"""Escalate by hand, after saying who will be called and whether the rung is needed.

`e` pages people: a wrong key press at 3 a.m. must not wake the CTO. The
dialog names the rung, the people behind it and how to reach them, how they
will be notified, and whether the rung is needed yet (due now, due later, or
not needed because its condition has stopped), plus where a rung nobody holds
falls through to. `e` again (or Enter) pages; Escape cancels.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from warroom.domain import escalation
from warroom.domain.timefmt import format_elapsed, format_when
from warroom.domain.visible import visible_line


def need(rung: escalation.RungStatus, now: dt.datetime, tz: dt.tzinfo) -> str:
    """Whether the rung is needed yet, in words."""
    if rung.state == escalation.DUE:
        return "Due now: the ladder would call it anyway."
    if rung.state == escalation.WAITING:
        at = format_when(rung.due_at, now, tz)
        return f"Not needed yet: due at {at} (in {format_elapsed(rung.due_at - now)})."
    stopped = {
        "unacknowledged": "the incident has been acknowledged",
        "unresolved": "the incident is resolved",
    }.get(rung.rung.when, "the incident is cancelled")
    return f"Not needed: it calls only while {rung.rung.when}, and {stopped}."


def describe_call(
    chain: tuple[escalation.RungStatus, ...], now: dt.datetime, tz: dt.tzinfo
) -> Text:
    """Who `escalate` will call: each rung of the chain, its people and their contacts."""
    text = Text()
    first = chain[0]
    text.append(need(first, now, tz) + "\n", style="bold")
    for rung in chain:
        who = visible_line(rung.rung.who)
        if rung.responder.vacant:
            text.append(f"⚠ Level {rung.level} {who}: nobody holds it", style="bold")
            text.append("; the call falls through.\n" if rung is not chain[-1] else ".\n")
            continue
        text.append(f"Calls level {rung.level} {who}: ")
        text.append(visible_line(rung.responder.name), style="bold")
        text.append(f" via {visible_line(rung.notify)}\n" if rung.notify else "\n")
        for contact in rung.responder.contacts:
            reach = contact.reach() or "no phone, chat or email in the policy"
            text.append(f"  {visible_line(contact.name)}: {visible_line(reach)}\n")
    if chain[-1].responder.vacant:
        text.append("Nobody is left above it: call someone by hand.\n", style="bold")
    text.rstrip()
    return text


class EscalateScreen(ModalScreen[bool]):
    """`e` or Enter pages the people named; Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e,enter", "confirm", "Page now", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    def __init__(
        self,
        incident_ref: str,
        chain: tuple[escalation.RungStatus, ...],
        now: dt.datetime,
        tz: dt.tzinfo,
    ) -> None:
        super().__init__()
        self.incident_ref = incident_ref
        self.chain = chain
        self.now = now
        self.tz = tz

    def compose(self) -> ComposeResult:
        first = self.chain[0]
        with Vertical(classes="form", id="escalate"):
            heading = f"Escalate {self.incident_ref} to level {first.level}: {first.rung.who}?"
            yield Label(Text(visible_line(heading)), classes="form-title")
            yield Static(describe_call(self.chain, self.now, self.tz), id="escalate-who")
            yield Label("e or Enter: page now · Esc: cancel", classes="form-hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
