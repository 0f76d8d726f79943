"""One policy per war room: the policy in effect is recorded in the database.

Two consoles started with different policy files would otherwise disagree in
silence: one shows a P1 due in 15 minutes, the other in 30. The first process
that writes records its policy (a copy of the text and a fingerprint); any
console or command opened later with another policy warns, naming both files,
their fingerprints and dates, what differs, and how to adopt one.

The fingerprint is of the text as written (line endings aside), so an edited
comment counts as a different file: the warning then says no rule differs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from warroom.domain.digests import sha256
from warroom.domain.policy import Policy, Severity, parse_policy
from warroom.domain.policy_reader import PolicyError, format_duration

# how many differences a warning lists before "and N more"
SHOWN_DIFFERENCES = 6


@dataclass(frozen=True)
class PolicyRecord:
    """A policy as recorded (or about to be): where it came from, its text, its fingerprint."""

    fingerprint: str
    source: str
    text: str
    modified: dt.datetime | None = None  # the file's modification time, when it is a file
    recorded_at: dt.datetime | None = None
    recorded_by: str = ""


@dataclass(frozen=True)
class PolicyMismatch:
    """This process's policy is not the one the database records."""

    mine: PolicyRecord
    recorded: PolicyRecord
    differences: tuple[str, ...]  # empty: the rules are the same, only the text differs


def fingerprint(text: str) -> str:
    """A short, stable fingerprint of a policy's text (sha256, 12 hex digits)."""
    normal = text.replace("\r\n", "\n").encode("utf-8", "surrogateescape")
    return str(sha256(normal).hexdigest())[:12]


def record_of(policy: Policy) -> PolicyRecord:
    """The record this process would write for `policy`."""
    return PolicyRecord(
        fingerprint=fingerprint(policy.text),
        source=policy.source,
        text=policy.text,
        modified=policy.modified,
    )


def _shown(value: object) -> str:
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    if isinstance(value, tuple) and not value:
        return "none"
    text = "none" if value is None or value == "" else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _severity_differences(mine: Severity, theirs: Severity) -> list[str]:
    found = []
    for spec in dataclasses.fields(Severity):
        if spec.name in ("name", "rank"):
            continue
        here, there = getattr(mine, spec.name), getattr(theirs, spec.name)
        if here != there:
            if spec.name == "ladder":
                found.append(f"{mine.name} ladder differs")
            else:
                found.append(
                    f"{mine.name} {spec.name} {_shown(here)} here, {_shown(there)} recorded"
                )
    return found


def mismatch(mine: PolicyRecord, recorded: PolicyRecord, policy: Policy) -> PolicyMismatch:
    """The mismatch, with what differs when the recorded text still reads as a policy."""
    try:
        theirs = parse_policy(recorded.text, f"{recorded.source} (recorded)")
    except PolicyError:
        found = ["the recorded policy cannot be read by this warroom"]
    else:
        found = differences(policy, dataclasses.replace(theirs, modified=recorded.modified))
    return PolicyMismatch(mine, recorded, tuple(found))


def differences(mine: Policy, recorded: Policy) -> list[str]:
    """What differs between two policies, one short phrase each, severities first."""
    found: list[str] = []
    if mine.severity_names != recorded.severity_names:
        found.append(
            f"severities {', '.join(mine.severity_names)} here,"
            f" {', '.join(recorded.severity_names)} recorded"
        )
    theirs = {s.name: s for s in recorded.severities}
    for severity in mine.severities:
        if severity.name in theirs:
            found += _severity_differences(severity, theirs[severity.name])
    for spec in dataclasses.fields(Policy):
        if spec.name in ("severities", "source", "text", "modified"):
            continue
        if getattr(mine, spec.name) != getattr(recorded, spec.name):
            found.append(f"{spec.name} differs")
    return found


UNKNOWN_SEVERITY = "severity unknown"  # what a list's next-deadline column says instead


def unknown_severity(policy: Policy, severity: str) -> str | None:
    """Why an incident shows no clocks when its severity is not in `policy` (declared
    under another policy), or None when the policy knows it."""
    if any(s.name == severity for s in policy.severities):
        return None
    known = ", ".join(policy.severity_names)
    return f"severity {severity} is not in this policy ({known}): no clocks, no ladder"


def _when(at: dt.datetime | None) -> str:
    return "date unknown" if at is None else at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def warning_lines(mismatch: PolicyMismatch, database: str) -> list[str]:
    """The warning a console or command gives: which policies, what differs, what to do."""
    mine, recorded = mismatch.mine, mismatch.recorded
    shown = list(mismatch.differences[:SHOWN_DIFFERENCES])
    more = len(mismatch.differences) - len(shown)
    if more > 0:
        shown.append(f"and {more} more")
    what = "; ".join(shown) if shown else "the rules are the same; only the text differs"
    by = f" by {recorded.recorded_by}" if recorded.recorded_by else ""
    return [
        f"this policy is not the one recorded in {database}; clocks and ladders may disagree"
        " with other consoles",
        f"  here:     {mine.source} (fingerprint {mine.fingerprint},"
        f" modified {_when(mine.modified)})",
        f"  recorded: {recorded.source} (fingerprint {recorded.fingerprint},"
        f" recorded {_when(recorded.recorded_at)}{by})",
        f"  differs:  {what}",
        "  to adopt this one for everybody: warroom --policy FILE policy adopt;"
        " to use the recorded one: warroom policy recorded > FILE, then --policy FILE",
    ]
