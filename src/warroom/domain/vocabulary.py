"""The words of the war room: statuses, roles, incident kinds and entry kinds.

Each parser accepts what a person would naturally type (any case, spaces or
dashes) and names the accepted values when it refuses one.
"""

from __future__ import annotations

from warroom.errors import InvalidInput

STATUSES: tuple[str, ...] = (
    "investigating",
    "identified",
    "fixing",
    "monitoring",
    "resolved",
    "closed",
    "cancelled",
)
OPEN_STATUSES: frozenset[str] = frozenset({"investigating", "identified", "fixing", "monitoring"})
FINAL_STATUSES: frozenset[str] = frozenset({"closed", "cancelled"})
# what every incident list shows unless asked for everything: the live incidents and
# the resolved ones, which stay until closed (the resolution update, the cause and
# the close are still to do); closed and cancelled ones are shown on request
LISTED_STATUSES: frozenset[str] = OPEN_STATUSES | {"resolved"}
# where a status sits in every incident list: live (0), resolved and not yet closed (1,
# it stays on the console's list until closed), then closed and cancelled (2)
LIST_STAGES: dict[str, int] = dict.fromkeys(OPEN_STATUSES, 0) | {"resolved": 1}


def list_stage(status: str) -> int:
    """Where `status` sits in the list (`LIST_STAGES`; any other status: 2)."""
    return LIST_STAGES.get(status, 2)


# role key -> how the war room says it
ROLES: dict[str, str] = {
    "commander": "Incident Commander",
    "deputy": "Deputy",
    "scribe": "Scribe",
    "tech-lead": "Tech Lead",
    "comms-lead": "Comms Lead",
    "security-lead": "Security Lead",
    "sme": "SME",
}

# incident kind -> the first things to do for it (from the seeds)
INCIDENT_KINDS: dict[str, str] = {
    "availability": "Service down or unreachable: restore service first, then find the cause.",
    "performance": "Slow or degraded: find the bottleneck, shed load, scale out.",
    "security": "Breach or threat: contain, preserve evidence, involve the security lead.",
    "data": "Corruption or loss: stop writes, verify backups, restore, check consistency.",
}

# kinds a scribe types; the rest are written by the actions that change state
ENTRY_KINDS: tuple[str, ...] = (
    "note",
    "decision",
    "action",
    "finding",
    "todo",
    # for the post-mortem: its sections are pre-filled from these
    "root-cause",
    "went-well",
    "went-wrong",
    "lesson",
)
# the rows a scribe writes: they never move a deadline (a status, a severity, a role,
# an acknowledgement or a breach writes a row of its own kind)
SCRIBE_KINDS: frozenset[str] = frozenset(ENTRY_KINDS)
# The author of what the war room does by itself (breaches, rungs reached on
# time): not the person whose console happened to notice first.
SYSTEM_AUTHOR = "warroom"

SYSTEM_KINDS: tuple[str, ...] = (
    "declared",
    "status",
    "severity",
    "kind",
    "role",
    "ack",
    "impact",
    "escalation",
    "sla_breach",
    "checklist",
    "update_posted",
    "pin",
    "follow_up",
    "postmortem",  # its owner named, marked done
    "alert",  # an alert from monitoring fired, fired again, resolved (service/alerts.py)
    "page",  # a page delivered, or FAILED for good (service/pages.py)
)

# what a scribe may type in front of an entry to give it a kind
ENTRY_PREFIXES: dict[str, str] = {
    "n": "note",
    "note": "note",
    "d": "decision",
    "decision": "decision",
    "a": "action",
    "action": "action",
    "f": "finding",
    "finding": "finding",
    "t": "todo",
    "todo": "todo",
    "cause": "root-cause",
    "well": "went-well",
    "wrong": "went-wrong",
    "lesson": "lesson",
}

FOLLOW_UP_PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
FOLLOW_UP_STATUSES: dict[str, str] = {"open": "open", "done": "done", "wont-do": "won't do"}


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-").replace(" ", "-")


def _choose(value: str, allowed: list[str] | tuple[str, ...], what: str) -> str:
    key = _key(value)
    if key in allowed:
        return key
    raise InvalidInput(f"unknown {what} {value!r} (expected one of: {', '.join(allowed)})")


def parse_status(value: str) -> str:
    """The status key for `value`, or InvalidInput naming the statuses."""
    return _choose(value, STATUSES, "status")


def parse_role(value: str) -> str:
    """The role key for `value` ("Tech Lead", "tech_lead", "ic" all work)."""
    key = _key(value)
    aliases = {"ic": "commander", "incident-commander": "commander", "techlead": "tech-lead"}
    key = aliases.get(key, key)
    for role, label in ROLES.items():
        if key == _key(label):
            return role
    return _choose(key, list(ROLES), "role")


def parse_incident_kind(value: str) -> str:
    """The incident kind for `value`, or InvalidInput naming the kinds."""
    return _choose(value, list(INCIDENT_KINDS), "kind")


def parse_entry_kind(value: str) -> str:
    """A scribe's entry kind (note, decision, action, finding, todo)."""
    return _choose(value, ENTRY_KINDS, "entry kind")


def parse_priority(value: str) -> str:
    """A follow-up priority: high, medium or low (h, m, l work too)."""
    key = _key(value)
    key = {"h": "high", "m": "medium", "med": "medium", "l": "low"}.get(key, key)
    return _choose(key, FOLLOW_UP_PRIORITIES, "priority")


def parse_follow_up_status(value: str) -> str:
    """A follow-up status: open, done or wont-do ("won't do" works too)."""
    key = _key(value).replace("'", "")
    key = {"wontdo": "wont-do", "wont": "wont-do", "dropped": "wont-do"}.get(key, key)
    return _choose(key, list(FOLLOW_UP_STATUSES), "follow-up status")


def split_entry_prefix(text: str) -> tuple[str, str]:
    """Split a typed entry into (kind, text): `d: roll back` is a decision.

    Text without a known prefix is a note. The prefix is only recognised when
    followed by a colon and a space, so `http://x` or `a:b` stay notes.
    """
    head, sep, rest = text.partition(": ")
    if sep and head.strip().lower() in ENTRY_PREFIXES and rest.strip():
        return ENTRY_PREFIXES[head.strip().lower()], rest.strip()
    return "note", text.strip()
