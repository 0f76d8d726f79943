"""What every part of the war-room screen shares: its settings, its state and
the way to the database.

`WarRoomScreen` (war_room.py) is built from this base plus the forms over the
selected incident (incident_forms.py) and the scribe's timeline tools
(timeline_tools.py); checklist and follow-up actions live on their panes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import events
from textual.reactive import var
from textual.screen import Screen

from warroom.clock import Clock
from warroom.domain.models import Actor, Incident
from warroom.domain.policy import Policy
from warroom.domain.runbooks import Runbook
from warroom.domain.templates import Template
from warroom.tui.bridge import Read, Write, bridge_of
from warroom.tui.region_compositor import RegionCompositor


@dataclass(frozen=True)
class ConsoleSettings:
    """What the console was started with; fixed while it runs."""

    db_path: Path
    actor: Actor
    policy: Policy
    clock: Clock
    tz: dt.tzinfo
    runbooks: tuple[Runbook, ...]
    templates: dict[str, Template]


class ConsoleBase(Screen[None]):
    """State owned by the screen and pushed down into its widgets."""

    incidents: var[list[Incident]] = var(list)
    selected_id: var[int | None] = var(None)
    show_ended: var[bool] = var(False)
    search_text: var[str] = var("")  # what the timeline search last looked for
    observer: var[str | None] = var(None)  # why this console only reads, if it does
    policy_differs: var[str | None] = var(None)  # the file records another policy: which

    def __init__(self, settings: ConsoleSettings) -> None:
        super().__init__()
        # a partial update (another console's entry) draws only the widgets it touches
        self._compositor = RegionCompositor()
        self.settings = settings
        self.policy = settings.policy
        self.clock = settings.clock
        self.tz = settings.tz
        self.zone_label = self.clock.now().astimezone(self.tz).strftime("%Z")
        self._first_resume = True

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first time the screen shows, its widgets were styled as they mounted,
        moments before: Textual's resume (which runs after this) styles them all again
        only when the screen comes back (from a dialog), not before the first frame
        (~10 ms of the console's start-up)."""
        if self._first_resume:
            self._first_resume = False
            event.refresh_styles = False

    @property
    def selected(self) -> Incident | None:
        return next((i for i in self.incidents if i.id == self.selected_id), None)

    def require_incident(self) -> int | None:
        """The selected incident's id, or None after saying how to get one."""
        if self.selected_id is None:
            self.notify("No incident selected. Press n to declare one.", severity="warning")
        return self.selected_id

    def today(self) -> dt.date:
        return self.clock.now().astimezone(self.tz).date()

    def write(self, request: Write[Any]) -> None:
        """Ask the bridge to run a write; its outcome comes back to this screen."""
        bridge_of(self).write(request, self)

    def read(self, request: Read[Any]) -> None:
        bridge_of(self).read(request, self)
