"""The selected incident at a glance: what, how bad, who, impact.

Everything a person typed is inserted as plain text, never as markup, with
control characters made visible (`␛`, `⟨U+009B⟩`).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import Static

from warroom.domain.lifecycle import age_until
from warroom.domain.models import Incident, RoleAssignment
from warroom.domain.policy import Policy
from warroom.domain.timefmt import format_age, format_when
from warroom.domain.visible import visible, visible_line
from warroom.errors import InvalidInput

SHORT_ROLES = {"commander": "IC", "comms-lead": "Comms", "security-lead": "Security"}


class IncidentDetail(Static):
    """Title, severity, status, kind, roles, summary, impact and channel."""

    def __init__(self, *, policy: Policy, tz: dt.tzinfo, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.policy = policy
        self.tz = tz
        self.incident: Incident | None = None
        self.roles: list[RoleAssignment] = []
        self._age = ""
        self._drawn: Text | None = None

    def show(
        self, incident: Incident | None, roles: list[RoleAssignment], now: dt.datetime
    ) -> None:
        self.incident = incident
        self.roles = roles
        self._age = format_age(incident.declared_at, age_until(incident, now)) if incident else ""
        text = self.describe(now)
        if text == self._drawn:
            return  # another console's entry: the same text is not drawn (or laid out) again
        self._drawn = text
        self.update(text)

    def show_age(self, now: dt.datetime) -> None:
        """Once a second: redraw only when the age shown changed."""
        incident = self.incident
        if incident and format_age(incident.declared_at, age_until(incident, now)) != self._age:
            self.show(self.incident, self.roles, now)

    def describe(self, now: dt.datetime) -> Text:
        incident = self.incident
        if incident is None:
            return Text("No incident selected. Press n to declare one.", style="italic")
        try:
            sev_label = self.policy.severity(incident.severity).label
        except InvalidInput:  # a severity the current policy does not name: said, not hidden
            sev_label = "(NOT IN THIS POLICY)"
        text = Text(no_wrap=False)
        text.append(f"#{incident.id} ", style="bold")
        text.append(visible_line(incident.title), style="bold")
        if incident.drill:
            text.append("  [DRILL]", style="reverse")
        text.append("\n")
        text.append(visible_line(f"{incident.severity} {sev_label}".strip()), style="bold")
        text.append(f" · {incident.status.upper()} · {incident.kind} · age {self._age}")
        text.append(f" · {visible_line(incident.channel)}\n")
        text.append(f"Declared {format_when(incident.declared_at, now, self.tz)} · ")
        if incident.acknowledged_at:
            text.append(f"acked {format_when(incident.acknowledged_at, now, self.tz)}")
        else:
            text.append("NOT ACKNOWLEDGED", style="bold reverse")
        # the commander first (a hand-off must not push them to the end of the line,
        # where 80 columns cut them off), then the others in the order assigned;
        # a role may hold several people: one entry each
        held: dict[str, list[str]] = {"commander": []}
        for role in self.roles:
            held.setdefault(role.role, []).append(role.person)
        if not held["commander"]:
            del held["commander"]
        for key, people in held.items():
            name = SHORT_ROLES.get(key, self.policy.incident_roles.label(key))
            text.append(f" · {visible_line(name)}: ", style="dim")
            text.append(visible_line(", ".join(people)))
        text.append("\n")
        if incident.summary:
            text.append("Summary  ", style="bold")
            text.append(visible(incident.summary).replace("\t", " ") + "\n")
        text.append("Impact   ", style="bold")
        text.append("users: ", style="dim")
        text.append(visible_line(incident.impact_users or "?"))
        text.append(" · services: ", style="dim")
        text.append(visible_line(incident.impact_services or "?"))
        text.append(" · business: ", style="dim")
        text.append(visible_line(incident.impact_business or "?"))
        return text
