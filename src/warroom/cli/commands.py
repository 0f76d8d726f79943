"""Every `warroom` sub-command, listed in one place and imported only when run.

A new command is written in its area's module and listed here with the line
`warroom --help` shows for it; the package (`warroom/cli/__init__.py`) calls
`register` on the group. The group imports a command's module only when that
command is invoked (or its own `--help` asked for), so `warroom log` does not
pay for export, templates or the report. The command modules never import this
one or the package, so nothing registers by side effect.
"""

from __future__ import annotations

from warroom.cli.group import CommandEntry, WarroomGroup


def _entry(name: str, module: str, short_help: str, attribute: str | None = None) -> CommandEntry:
    return CommandEntry(name, module, attribute or name, short_help)


COMMANDS: tuple[CommandEntry, ...] = (
    _entry("demo", "demo", "Seed a demo database with live incidents, and open it."),
    # incidents
    _entry("declare", "incidents", "Declare an incident; prints its id alone."),
    _entry("log", "timeline", "Add a timeline entry."),
    _entry(
        "status",
        "incidents",
        "Move an incident along its lifecycle; closing names the post-mortem owner.",
    ),
    _entry("severity", "incidents", "Change an incident's severity; its runbooks follow it."),
    _entry("ack", "incidents", "Acknowledge an incident."),
    _entry("assign", "incidents", "Give a role to a person (the policy's roles; adds holders)."),
    _entry("unassign", "incidents", "Take PERSON off ROLE (anyone else holding it keeps it)."),
    _entry("escalate", "clocks", "Engage the next rung of the escalation ladder now."),
    _entry("policy", "policy", "Incident policy files, and the policy in effect for the database."),
    _entry("handoff", "incidents", "Hand command of an incident to PERSON, with a hand-off note."),
    _entry("kind", "incidents", "Change an incident's kind; its runbooks follow it."),
    _entry("impact", "impact", "Record INCIDENT's impact: users, services, business."),
    _entry(
        "postmortem",
        "post_incident",
        "Name the post-mortem's owner and/or mark it done (its clock is met when done).",
    ),
    _entry(
        "times",
        "post_incident",
        "Record when INCIDENT was detected and when customer impact started and ended.",
    ),
    _entry(
        "sweep",
        "clocks",
        "Record what fell due (SLA breaches, escalation rungs) and page for new rungs.",
    ),
    _entry(
        "ingest",
        "ingest",
        "Take in an alert webhook body (alertmanager, grafana, pagerduty, opsgenie,"
        " events-v2): declares, updates or logs.",
    ),
    _entry(
        "alerts",
        "ingest",
        "The alerts on an incident: status, labels, links, when first and last heard.",
    ),
    # pages out
    _entry(
        "deliver",
        "pages",
        "Send the outbox's pages, with retries and back-off, until stopped (or --once).",
    ),
    _entry(
        "pages",
        "pages",
        "Who was paged, through what, when, after how many attempts, and how it went.",
    ),
    _entry(
        "engine",
        "engine",
        "Run the engine: sweep the clocks every second and receive alerts over HTTP.",
    ),
    # reading
    _entry(
        "list",
        "read",
        "List incidents as the console does: live first, most severe first, then oldest.",
        "list_incidents",
    ),
    _entry("show", "read", "Show an incident, its roles and its timeline."),
    _entry(
        "search",
        "read",
        "Entries of INCIDENT containing WORDS (every word; the last may be a prefix).",
    ),
    # the scribe
    _entry(
        "correct",
        "timeline",
        "Correct timeline ENTRY (text, kind or time): a new row replaces it;"
        " the old one stays in the history.",
    ),
    _entry(
        "strike", "timeline", "Strike timeline ENTRY out; it stays in the record, marked struck."
    ),
    _entry("pin", "timeline", "Pin timeline ENTRY for the post-mortem (or --off to unpin)."),
    _entry(
        "followups",
        "timeline",
        "Follow-ups (action items) across incidents: open first, then by priority and due date.",
    ),
    # runbooks and checklists
    _entry("runbook", "checklists", "Runbooks: the checklists that attach to incidents."),
    _entry("attach", "checklists", "Attach a runbook's checklist to an incident (or --detach it)."),
    _entry(
        "tick",
        "checklists",
        "Tick a checklist item, by its number in `warroom checklist ID` or its key.",
    ),
    _entry("answer", "checklists", "Answer a checklist question (an item with `ask:`)."),
    _entry(
        "checklist", "checklists", "An incident's checklists: every item, who ticked it and when."
    ),
    # status updates
    _entry("templates", "updates", "List the update templates (packaged and the team's)."),
    _entry("compose", "updates", "Print a template filled from the incident."),
    _entry(
        "post", "updates", "Record a status update as sent: restarts its audience's update clock."
    ),
    _entry("updates", "updates", "The incident's posted updates, latest first."),
    # moving incidents between files, and across them
    _entry(
        "export",
        "transfer",
        "Export an incident: its post-mortem (Markdown) or everything (JSON).",
    ),
    _entry(
        "import",
        "transfer",
        "Import a JSON export as a new incident; prints its id alone.",
        "import_",
    ),
    # the file: a live copy, and its checks
    _entry("backup", "backup", "Copy the database to FILE while consoles keep writing."),
    _entry(
        "verify",
        "backup",
        "Check a database file (default: --db): integrity, foreign keys, search index, schema.",
    ),
    _entry(
        "report",
        "report",
        "Counts by severity, times to detect, acknowledge, mitigate and resolve, SLA"
        " compliance; drills excluded (--drills: drills only).",
    ),
    # browsers
    _entry(
        "serve", "serve", "Serve the console to browsers: each browser is a console of its own."
    ),
)


def register(group: WarroomGroup) -> WarroomGroup:
    """List every command on `group` (under the names `warroom --help` lists)."""
    for entry in COMMANDS:
        group.add_lazy(entry)
    return group
