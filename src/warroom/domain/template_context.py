"""The values a status update is filled with, computed from the incident.

`build_context` is a pure function of the incident, its timeline, the runbook
answers, a few policy values, `now` and the display zone. Every value is a
plain string, or None when the incident does not have it yet (the renderer
shows those as a visible marker such as `⟨ETA?⟩` so nobody sends a blank).
The placeholder names are listed, with examples, in `warroom.domain.templates`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from warroom.domain.models import Incident, TimelineEntry
from warroom.domain.timefmt import format_age

# the moments a template can show; each gives {T_at}, {T_at_utc}, {T_time}, {T_time_utc}
TIME_KEYS: tuple[str, ...] = (
    "declared",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
    "update",
    "next_update",
)

_INCIDENT_LABELS: dict[str, str] = {
    "drill": "drill",
    "id": "incident id",
    "ref": "incident",
    "title": "title",
    "summary": "summary",
    "severity": "severity",
    "severity_label": "severity label",
    "status": "status",
    "status_label": "status",
    "status_upper": "status",
    "kind": "kind",
    "impact": "impact",
    "impact_users": "users affected",
    "impact_services": "services affected",
    "impact_business": "business impact",
    "commander": "incident commander",
    "channel": "war-room channel",
    "duration": "duration",
    "update_every": "update cadence",
    "postmortem_due": "post-mortem due",
    "status_page_url": "status page URL",
    "recent_actions": "actions taken",
    "recent_decisions": "decisions",
    "answers": "runbook answers",
}


def _time_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for key in TIME_KEYS:
        spoken = key.replace("_", " ")
        labels[f"{key}_at"] = f"{spoken} at"
        labels[f"{key}_at_utc"] = f"{spoken} at (UTC)"
        labels[f"{key}_time"] = f"{spoken} time"
        labels[f"{key}_time_utc"] = f"{spoken} time (UTC)"
    return labels


# placeholder name -> the words shown in its ⟨marker?⟩ when the value is missing
PLACEHOLDERS: dict[str, str] = {**_INCIDENT_LABELS, **_time_labels()}

# values a team may simply not have (no status page): a line quoting one that is
# missing is left out of the update rather than sent with a ⟨marker?⟩
OPTIONAL_PLACEHOLDERS: frozenset[str] = frozenset({"status_page_url"})

# fields nobody can compute: the composer asks a person for them
FREE_FIELDS: dict[str, str] = {
    "eta": "ETA",
    "next_steps": "next steps",
    "root_cause": "root cause",
    "resolution": "resolution",
    "prevention": "prevention",
    "postmortem_url": "post-mortem link",
}

# `{answer:KEY}` names one runbook answer; KEY is a slug of the question key
ANSWER_PREFIX = "answer:"
NAME_PATTERN = r"[a-z][a-z0-9_]*"
ANSWER_KEY_PATTERN = r"[a-z0-9][a-z0-9_-]*"
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def answer_key(text: str) -> str:
    """The slug a runbook question is addressed by: `Which region?` -> `which_region`."""
    return _SLUG_JUNK.sub("_", text.strip().lower()).strip("_")


def placeholder_label(name: str) -> str:
    """The words shown in the marker for `name` (`eta` -> `ETA`)."""
    if name.startswith(ANSWER_PREFIX):
        return f"answer: {name[len(ANSWER_PREFIX) :]}"
    return PLACEHOLDERS.get(name) or FREE_FIELDS.get(name) or name.replace("_", " ")


def marker(name: str) -> str:
    """What a missing value renders as, e.g. `⟨ETA?⟩`: impossible to miss, never blank."""
    return f"⟨{placeholder_label(name)}?⟩"


_MARKER = re.compile(r"⟨([^⟩\n]*)\?⟩")


def unfilled_markers(text: str) -> list[str]:
    """The words of every `⟨…?⟩` marker left in `text`, in order (`["ETA"]`); the
    visible stand-ins for control characters (`⟨U+009B⟩`) are not markers."""
    return _MARKER.findall(text)


@dataclass(frozen=True)
class TemplateContext:
    """Placeholder values (None: not known yet) and runbook answers by slug."""

    values: Mapping[str, str | None]
    answers: Mapping[str, str] = field(default_factory=dict)

    def lookup(self, name: str) -> str | None:
        """The value for a placeholder name, or None when it is missing or blank."""
        if name.startswith(ANSWER_PREFIX):
            return self.answers.get(answer_key(name[len(ANSWER_PREFIX) :]))
        return self.values.get(name)

    def with_free(self, free: Mapping[str, str | None]) -> TemplateContext:
        """A copy with free fields (ETA, next steps, ...) set; blanks count as missing."""
        _check_free_names(free)
        return TemplateContext({**self.values, **_blank_is_none(free)}, self.answers)


def _check_free_names(free: Mapping[str, str | None]) -> None:
    for name in free:
        if name in PLACEHOLDERS:
            raise ValueError(f"{name!r} is filled from the incident, not a free field")
        if not re.fullmatch(NAME_PATTERN, name):
            raise ValueError(f"{name!r} is not a field name (lowercase letters, digits, _)")


def _blank_is_none(values: Mapping[str, str | None]) -> dict[str, str | None]:
    return {k: (v if v is not None and v.strip() else None) for k, v in values.items()}


def _zone(local: dt.datetime) -> str:
    return local.strftime("%Z") or local.strftime("%z")


def _time_values(key: str, at: dt.datetime | None, tz: dt.tzinfo) -> dict[str, str | None]:
    if at is None:
        return {f"{key}{suffix}": None for suffix in ("_at", "_at_utc", "_time", "_time_utc")}
    local = at.astimezone(tz)
    utc = at.astimezone(dt.UTC)
    return {
        f"{key}_at": f"{local:%Y-%m-%d %H:%M} {_zone(local)}",
        f"{key}_at_utc": f"{utc:%Y-%m-%d %H:%M} UTC",
        f"{key}_time": f"{local:%H:%M} {_zone(local)}",
        f"{key}_time_utc": f"{utc:%H:%M} UTC",
    }


def spell_duration(delta: dt.timedelta) -> str:
    """A cadence or deadline in words: `15 minutes`, `48 hours`, `3 days`, `1 week`."""
    seconds = int(delta.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        # people say "within 48 hours", not "within 2 days"
        if unit == "day" and seconds <= 2 * 86400:
            continue
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def _entry_when(at: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> str:
    local = at.astimezone(tz)
    if local.date() == now.astimezone(tz).date():
        return f"{local:%H:%M} {_zone(local)}"
    return f"{local:%Y-%m-%d %H:%M} {_zone(local)}"


def _recent(
    incident: Incident,
    timeline: Sequence[TimelineEntry],
    kind: str,
    now: dt.datetime,
    tz: dt.tzinfo,
    limit: int,
) -> str | None:
    """The last `limit` entries of `kind` as `- 14:02 CET text` lines, oldest first."""
    superseded = {e.supersedes for e in timeline if e.supersedes is not None}
    entries = sorted(
        (
            e
            for e in timeline
            if e.kind == kind
            and e.incident_id == incident.id
            and e.id not in superseded
            and e.text.strip()
        ),
        key=lambda e: (e.at, e.id),
    )[-limit:]
    if not entries:
        return None
    return "\n".join(f"- {_entry_when(e.at, now, tz)} {' '.join(e.text.split())}" for e in entries)


def _impact_line(incident: Incident) -> str | None:
    parts = [
        f"{label}: {value.strip()}"
        for label, value in (
            ("Users", incident.impact_users),
            ("Services", incident.impact_services),
            ("Business", incident.impact_business),
        )
        if value.strip()
    ]
    return "; ".join(parts) or None


def _answers(answers: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    by_slug: dict[str, str] = {}
    lines: list[str] = []
    for question, answer in answers.items():
        if answer is None or not answer.strip() or not answer_key(question):
            continue
        by_slug[answer_key(question)] = answer.strip()
        lines.append(f"- {question.strip()}: {answer.strip()}")
    return by_slug, ("\n".join(lines) or None)


def build_context(
    incident: Incident,
    timeline: Sequence[TimelineEntry],
    *,
    now: dt.datetime,
    tz: dt.tzinfo,
    answers: Mapping[str, str] | None = None,
    status_page_url: str | None = None,
    update_every: dt.timedelta | None = None,
    postmortem_due: dt.timedelta | None = None,
    severity_label: str | None = None,
    free: Mapping[str, str | None] | None = None,
    recent_limit: int = 5,
) -> TemplateContext:
    """Every placeholder's value for `incident` as of `now`, shown in zone `tz`.

    `update_every` (the severity's cadence) gives the next update time as
    `now + update_every`: the update being composed is the one posted now.
    `free` holds what the composer asked a person for (`eta`, `next_steps`, ...).
    """
    if now.tzinfo is None:
        raise ValueError("refusing a naive datetime for now")
    by_slug, answer_lines = _answers(answers or {})
    end = incident.resolved_at or now
    values: dict[str, str | None] = {
        "drill": "[DRILL] " if incident.drill else "",
        "id": str(incident.id),
        "ref": incident.ref,
        "title": incident.title,
        "summary": incident.summary,
        "severity": incident.severity,
        "severity_label": severity_label,
        "status": incident.status,
        "status_label": incident.status.capitalize(),
        "status_upper": incident.status.upper(),
        "kind": incident.kind,
        "impact": _impact_line(incident),
        "impact_users": incident.impact_users,
        "impact_services": incident.impact_services,
        "impact_business": incident.impact_business,
        "commander": incident.commander,
        "channel": incident.channel,
        "duration": format_age(incident.declared_at, end),
        "update_every": spell_duration(update_every) if update_every else None,
        "postmortem_due": spell_duration(postmortem_due) if postmortem_due else None,
        "status_page_url": status_page_url,
        "recent_actions": _recent(incident, timeline, "action", now, tz, recent_limit),
        "recent_decisions": _recent(incident, timeline, "decision", now, tz, recent_limit),
        "answers": answer_lines,
    }
    # "" is a real value only for the drill tag; any other blank is "not known yet"
    values = {**_blank_is_none(values), "drill": values["drill"]}
    moments: dict[str, dt.datetime | None] = {
        "declared": incident.declared_at,
        "detected": incident.detected_at,
        "acknowledged": incident.acknowledged_at,
        "mitigated": incident.mitigated_at,
        "resolved": incident.resolved_at,
        "update": now,
        "next_update": now + update_every if update_every else None,
    }
    for key, at in moments.items():
        values.update(_time_values(key, at, tz))
    context = TemplateContext(values, by_slug)
    return context.with_free(free) if free else context
