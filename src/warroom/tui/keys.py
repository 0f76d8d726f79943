"""Every console action in one table: its key, footer label and help text.

The app's bindings, the footer, the help screen and the command palette are
all built from this list, so an action cannot have a key but no help, or be
missing from the palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class ConsoleAction:
    key: str
    action: str
    label: str
    help: str
    footer: bool = True

    @property
    def binding_id(self) -> str:
        return self.action.replace("_", "-")

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.label, show=self.footer, id=self.binding_id)


ACTIONS: tuple[ConsoleAction, ...] = (
    ConsoleAction(
        "n", "declare", "Declare", "Declare a new incident (title, severity, kind, summary)"
    ),
    ConsoleAction("l", "log", "Log", "Focus the timeline entry line; type and press Enter"),
    ConsoleAction("a", "acknowledge", "Ack", "Acknowledge the selected incident"),
    ConsoleAction("s", "status", "Status", "Change the status along the lifecycle"),
    ConsoleAction("p", "severity", "Severity", "Change the severity"),
    ConsoleAction("r", "assign_role", "Role", "Assign a role (commander, scribe, tech lead, ...)"),
    ConsoleAction(
        "R", "unassign_role", "Unassign", "Take one person off a role (others keep it)", False
    ),
    ConsoleAction(
        "e", "escalate", "Escalate", "Escalate: name who the next rung calls, then e to page"
    ),
    ConsoleAction("u", "compose", "Update", "Compose a status update from a template"),
    ConsoleAction("c", "checklist", "Checklist", "Show the checklists (again: the timeline)"),
    ConsoleAction("b", "attach_runbook", "Runbook", "Attach a runbook's checklist"),
    ConsoleAction("B", "detach_runbook", "Detach", "Detach a runbook's checklist", False),
    ConsoleAction("K", "kind", "Kind", "Change the incident kind", False),
    ConsoleAction("h", "hand_off", "Hand off", "Hand command to someone, with a hand-off note"),
    ConsoleAction("f", "filter", "Filter", "Filter the timeline by kind, or pinned only"),
    ConsoleAction("slash", "search", "Search", "Search the timeline (full text); empty clears"),
    ConsoleAction("asterisk", "pin", "Pin", "Pin or unpin the timeline entry at the cursor"),
    ConsoleAction(
        "E", "edit_entry", "Edit", "Correct the entry at the cursor (history kept)", False
    ),
    ConsoleAction("X", "strike_entry", "Strike", "Strike out the entry at the cursor", False),
    ConsoleAction("F", "follow_ups", "Follow-ups", "Show the follow-ups (again: the timeline)"),
    ConsoleAction(
        "A",
        "alerts",
        "Alerts",
        "Show the alerts from monitoring (again: the timeline)",
    ),
    ConsoleAction("P", "promote", "Promote", "Make the entry at the cursor a follow-up", False),
    ConsoleAction("plus", "add_follow_up", "Add follow-up", "Add a follow-up directly", False),
    ConsoleAction(
        "x", "export", "Export", "Export the post-mortem (Markdown) or everything (JSON)"
    ),
    ConsoleAction(
        "i", "impact", "Impact", "Edit the impact (users, services, business) and its times"
    ),
    ConsoleAction(
        "m",
        "postmortem",
        "Post-mortem",
        "Post-mortem: name its owner, or mark it done (its clock is met then)",
        False,
    ),
    ConsoleAction(
        "t",
        "toggle_ended",
        "Ended",
        "Show or hide closed and cancelled incidents (resolved ones stay listed until closed)",
    ),
    ConsoleAction(
        "z",
        "zoom_timeline",
        "Zoom",
        "Give the timeline the whole width, clocks hidden (again: the clocks come back)",
        False,
    ),
    ConsoleAction(
        "L",
        "adopt_policy",
        "Adopt policy",
        "Make this console's policy the one in effect for everybody (asks first)",
        False,
    ),
    ConsoleAction("question_mark", "help", "Help", "Show every key"),
    ConsoleAction("q", "quit", "Quit", "Quit the console"),
)

NAVIGATION: tuple[tuple[str, str], ...] = (
    ("↑ ↓ / j k", "Move through incidents (or the timeline's cursor when it has focus)"),
    ("1 – 9", "Jump to the Nth incident in the list"),
    ("Tab / shift+Tab", "Next / previous pane: incident list, timeline, entry line"),
    ("Esc", "Leave the entry line and go back to the incident list"),
    ("ctrl+p", "Command palette: the actions that apply now, by name or by what they do"),
    ("home / end", "First / last incident (timeline focused: oldest / newest entry)"),
    ("space", "Tick or untick the checklist item (checklist focused)"),
    ("Enter", "Answer a checklist question (checklist focused)"),
    ("y", "Copy the item's command to the clipboard (checklist focused)"),
    ("space / w", "Follow-up done or reopened / won't do (follow-ups focused)"),
    ("Enter", "Edit owner, due date, priority, status (follow-ups focused)"),
    ("Enter", "Show the alert's raw payloads, as received (alerts focused)"),
)

ENTRY_HELP: tuple[tuple[str, str], ...] = (
    ("text", "a note"),
    ("d: text", "a decision"),
    ("a: text", "an action"),
    ("f: text", "a finding"),
    ("t: text", "a TODO"),
    ("cause: / well: / wrong: / lesson:", "root cause, went well, went wrong, lesson learned"),
    ("14:02 text", "backdated: it happened at 14:02 (local time)"),
)


def bindings() -> list[BindingType]:
    """The app's bindings: every action, plus 1-9 jumps and Esc."""
    found: list[BindingType] = [a.binding() for a in ACTIONS]
    found += [Binding(str(n), f"jump({n})", f"Jump {n}", show=False) for n in range(1, 10)]
    found.append(Binding("escape", "leave_entry", "Back", show=False))
    return found
