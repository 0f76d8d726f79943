"""The top bar: how many incidents are live, who you are, which file, how this
console is limited (observer) or widened (ended incidents shown), and whether an
engine runs on the file (shortened when the line has no room for the sentence).

It renders what the war-room screen binds into it (`data_bind`: the incidents in the
list's one order, `read_model.list_order`); it never reads.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from warroom.domain.engine_presence import EnginePresence
from warroom.domain.models import Incident
from warroom.domain.visible import visible_line
from warroom.store.read_model import stage_from


class StatusBar(Static):
    """One line over the incident list."""

    incidents: reactive[list[Incident]] = reactive(list, always_update=True)
    show_ended: reactive[bool] = reactive(False)
    observer: reactive[str | None] = reactive(None)
    policy_differs: reactive[str | None] = reactive(None)  # the policy the file records
    failed_page: reactive[str | None] = reactive(None)  # the newest page that FAILED, said
    engine: reactive[EnginePresence | None] = reactive(None)
    loaded: reactive[bool] = reactive(False)  # the file's first read reached the screen
    # (live, resolved) in all while the list holds start-up's first rows only
    counts: reactive[tuple[int, int] | None] = reactive(None)

    def __init__(self, *, person: str, file_name: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.person = person
        self.file_name = file_name

    def render(self) -> Text:
        # the incidents come in the list's order: the live ones, then the resolved, then
        # the ended, so each count is where the next stage begins (10,000 incidents: two
        # walks over every row for each list read while a console catches up)
        if self.counts is not None:
            live, resolved = self.counts
        else:
            live = stage_from(self.incidents, 1)
            resolved = stage_from(self.incidents, 2, lo=live) - live
        text = Text()
        text.append(" warroom ", style="bold reverse")
        # before the first read, a count would be a wrong zero
        text.append(f"  {live} live" if self.loaded else "  reading the file…")
        if resolved:  # listed until closed
            text.append(f" · {resolved} resolved")
        if self.failed_page:  # early in the line: 80 columns must not cut it off
            text.append("  ")
            text.append(f"⚠ PAGE FAILED: {visible_line(self.failed_page)}", style="bold reverse")
        text.append("  ·  you: ")
        text.append(visible_line(self.person))
        text.append(f"  ·  {visible_line(self.file_name)}")
        if self.observer:
            text.append(f"  ·  OBSERVER, {visible_line(self.observer)}", style="bold")
        if self.show_ended:
            text.append("  ·  showing ended incidents")
        if self.policy_differs:
            text.append("  ·  ")
            shown = f"⚠ POLICY DIFFERS: file has {visible_line(self.policy_differs)}"
            text.append(shown, style="bold reverse")
        if self.engine is not None:
            said = self.engine.fitting(self.size.width - text.cell_len - 5)
            text.append("  ·  ")
            text.append(visible_line(said), style="" if self.engine.running else "bold")
        return text
