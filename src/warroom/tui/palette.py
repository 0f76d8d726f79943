"""The command palette's console actions (ctrl+p): found by name, by what they do
or by a word a person would type ("post" finds Update), each shown with its key,
and only those that can apply now (no Ack without an incident, or once it is
acknowledged; no Strike without a scribe entry at the cursor; no Escalate with
nobody left on the ladder; no Detach with no runbook attached).
"""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widgets import ContentSwitcher

from warroom.domain import lifecycle
from warroom.domain.vocabulary import ENTRY_KINDS
from warroom.tui.keys import ACTIONS, ConsoleAction
from warroom.tui.widgets.checklist_pane import ChecklistPane
from warroom.tui.widgets.incident_detail import IncidentDetail

if TYPE_CHECKING:
    from warroom.tui.screens.war_room import WarRoomScreen

KEY_NAMES = {"question_mark": "?", "slash": "/", "asterisk": "*", "plus": "+"}

# words people reach for that the label and help do not say
ALIASES: dict[str, str] = {
    "compose": "post send status page comms message",
    "escalate": "page call",
    "hand_off": "handover commander transfer",
    "assign_role": "commander scribe people",
    "toggle_ended": "resolved closed show hide",
    "zoom_timeline": "wide width widen full screen clocks",
    "status": "resolve close mitigate",
    "add_follow_up": "todo action item",
    "export": "markdown json post-mortem report",
    "alerts": "monitoring alertmanager grafana pagerduty opsgenie payload webhook firing",
    "adopt_policy": "policy differs recorded settle fingerprint",
}
# what can run with no incident selected
WITHOUT_INCIDENT = {"declare", "toggle_ended", "zoom_timeline", "help", "quit", "adopt_policy"}
# what acts on the timeline entry at the cursor
ON_ENTRY = {"pin", "edit_entry", "strike_entry", "promote"}
# what only reads: an observing console (read-only file) still offers these
READS = {
    "checklist",
    "follow_ups",
    "alerts",
    "filter",
    "search",
    "export",
    "toggle_ended",
    "zoom_timeline",
    "help",
    "quit",
}


def key_name(action: ConsoleAction) -> str:
    return KEY_NAMES.get(action.key, action.key)


def why_not(action: ConsoleAction, screen: WarRoomScreen) -> str | None:
    """Why `action` cannot apply on `screen` now (None: it can)."""
    name = action.action
    if screen.observer is not None and name not in READS:
        return "this console only observes"
    if name == "adopt_policy" and screen.policy_differs is None:
        return "this console's policy is already the one in effect"
    if name in WITHOUT_INCIDENT:
        return None
    incident = screen.selected
    if incident is None:
        return "no incident selected"
    if name == "acknowledge" and incident.acknowledged_at is not None:
        return "already acknowledged"
    if name == "status" and not lifecycle.allowed_next(incident.status):
        return f"{incident.status} is final"
    if name in ON_ENTRY:
        if screen.query_one("#left", ContentSwitcher).current != "timeline":
            return "the timeline is not showing"
        entry = screen.timeline.selected
        if entry is None:
            return "no timeline entry at the cursor"
        if name != "pin" and entry.entry.kind not in ENTRY_KINDS:
            return "the entry at the cursor is a console record"
    if name == "escalate":
        ladder = screen.board.ladder(incident.id, screen.clock.now())
        if ladder is None or ladder.manual_next is None:
            return "nobody is left to escalate to"
    if name == "unassign_role":
        roles = screen.policy.incident_roles
        if all(roles.single_holder(r.role) for r in screen.query_one(IncidentDetail).roles):
            return "nobody holds a role that can be taken off"
    if name == "detach_runbook" and not screen.query_one(ChecklistPane).lists:
        return "no runbook is attached"
    return None


def applicable(screen: WarRoomScreen) -> list[ConsoleAction]:
    """The console's actions that can apply now, in the key table's order."""
    return [a for a in ACTIONS if why_not(a, screen) is None]


def offered(screen: WarRoomScreen) -> list[ConsoleAction]:
    """What the palette lists: the actions that apply (Quit is the app's own command)."""
    return [a for a in applicable(screen) if a.action != "quit"]


def said_by(action: ConsoleAction, query: str) -> bool:
    """Whether every word typed starts a word of the action's label, help or aliases."""
    text = f"{action.label} {action.help} {ALIASES.get(action.action, '')}".lower()
    words = re.findall(r"[\w-]+", text)
    typed = query.lower().split()
    return bool(typed) and all(any(w.startswith(t) for w in words) for t in typed)


def _shown(action: ConsoleAction) -> Text:
    return Text.assemble(action.label, ("  ", ""), (key_name(action), "bold reverse"))


class ConsoleCommands(Provider):
    """The war room's actions for the palette; runs them on the main screen."""

    def _screen(self) -> WarRoomScreen:
        return self.app.war_room  # type: ignore[attr-defined, no-any-return]

    async def discover(self) -> Hits:
        screen = self._screen()
        for action in offered(screen):
            yield DiscoveryHit(
                _shown(action),
                partial(self.app.run_action, action.action, screen),
                text=action.label,
                help=action.help,
            )

    async def search(self, query: str) -> Hits:
        screen = self._screen()
        matcher = self.matcher(query)
        for action in offered(screen):
            # the word people use for it ("post") first, then the label, then what it does
            aliases = ALIASES.get(action.action, "").split()
            exact = bool(query.split()) and all(w in aliases for w in query.lower().split())
            label = matcher.match(action.label)  # Textual's fuzzy score: higher is closer
            score = (label + 100.0) if exact else label or (0.5 * said_by(action, query))
            if score <= 0:
                continue
            yield Hit(
                score,
                _shown(action),
                partial(self.app.run_action, action.action, screen),
                text=action.label,
                help=action.help,
            )
