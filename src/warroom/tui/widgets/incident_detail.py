"""The selected incident at a glance: what, how bad, who, impact.

Everything a person typed is inserted as plain text, never as markup, with
control characters made visible (`␛`, `⟨U+009B⟩`). When the whole of it would
be cut (80×24 gives it three rows), it is laid out compact (`detail_fit`): the
impact and the commander are never the part cut off. Its rows are drawn as they
show, a line that fits as it is (`ShownLines.show_text`): a j/k drew the whole
header again through Textual's `Content`, wrapped and formatted although the
fitted lines are known to fit.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import events

from warroom.domain.lifecycle import age_until
from warroom.domain.models import Incident, RoleAssignment
from warroom.domain.policy import Policy
from warroom.domain.timefmt import format_age, format_when
from warroom.domain.visible import visible, visible_line
from warroom.errors import InvalidInput
from warroom.tui.widgets.detail_fit import HeaderParts, compact
from warroom.tui.widgets.in_place import fitted_height
from warroom.tui.widgets.shown_lines import ShownLines

SHORT_ROLES = {"commander": "IC", "comms-lead": "Comms", "security-lead": "Security"}


class IncidentDetail(ShownLines):
    """Title, severity, status, kind, roles, summary, impact and channel."""

    def __init__(self, *, policy: Policy, tz: dt.tzinfo, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self.tz = tz
        self.incident: Incident | None = None
        self.roles: list[RoleAssignment] = []
        self._age = ""
        self._drawn: Text | None = None
        self._shown_from: tuple[object, ...] | None = None  # what `_drawn` was described from
        self._now: dt.datetime | None = None
        self._fitted_for: tuple[int, int] = (0, 0)  # the (columns, rows) last laid out for
        # the last header fitted: (what it described, the room, the incident) -> as drawn
        self._fit: tuple[tuple[Text, tuple[int, int], Incident | None], Text] | None = None

    def on_resize(self, event: events.Resize) -> None:
        """Laid out again for the width and rows it has now (compact or whole)."""
        if self._now is not None:
            self.show(self.incident, self.roles, self._now)

    def notify_style_update(self) -> None:
        """The rows it may use come from the stylesheet (`.-short #detail`): a terminal
        grown taller raises them after the resize that widened it was handled, with no
        second resize when a compact header keeps its height, so look again then."""
        super().notify_style_update()
        if self._now is not None and self._room() != self._fitted_for:
            self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        if self._now is not None and self._room() != self._fitted_for:
            self.show(self.incident, self.roles, self._now)

    def _room(self) -> tuple[int, int]:
        """(columns, rows) the text has: 0 columns before the first layout."""
        width = self.content_region.width if self.is_mounted else 0
        limit = self.styles.max_height
        rows = int(limit.value) if limit is not None and limit.is_cells else 1_000
        return width, max(0, rows - self.styles.gutter.height)

    def fitted(self, now: dt.datetime) -> Text:
        """The header as it is drawn: whole when it fits the room it has, else compact."""
        text = self.describe(now)
        room = width, rows = self._fitted_for = self._room()
        if self.incident is None or width <= 0:
            return text
        # another console's entry shows the same header: not wrapped and fitted again
        key = (text, room, self.incident)
        if self._fit is not None and self._fit[0] == key:
            return self._fit[1]
        console = self.app.console
        fits = fitted_height(text, width)  # lines that all fit: one row each, not wrapped
        if (fits if fits is not None else len(text.wrap(console, width))) > rows:
            text = compact(self.parts(), width, rows, lambda t: len(t.wrap(console, width)))
        self._fit = (key, text)
        return text

    def show(
        self, incident: Incident | None, roles: list[RoleAssignment], now: dt.datetime
    ) -> None:
        self.incident = incident
        self.roles = roles
        self._age = format_age(incident.declared_at, age_until(incident, now)) if incident else ""
        self._now = now
        # what the header shows comes from these alone (times: as of today in the zone);
        # another console's entry brings them again, and they are not described again
        shown = (incident, tuple(roles), self._age, now.astimezone(self.tz).date())
        inputs = (shown, self._room(), self.policy)
        if inputs == self._shown_from and self._drawn is not None:
            return
        self._shown_from = inputs
        text = self.fitted(now)
        if text == self._drawn:
            return  # another console's entry: the same text is not drawn (or laid out) again
        self._drawn = text
        self.show_text(text)  # its rows drawn as they show (`ShownLines`)

    def show_age(self, now: dt.datetime) -> None:
        """Once a second: redraw only when the age shown changed."""
        incident = self.incident
        if incident and format_age(incident.declared_at, age_until(incident, now)) != self._age:
            self.show(self.incident, self.roles, now)

    def _held(self) -> dict[str, list[str]]:
        """Role -> people, the commander first (a hand-off must not push them to the end
        of the line, where 80 columns cut them off), then in the order assigned."""
        held: dict[str, list[str]] = {"commander": []}
        for role in self.roles:
            held.setdefault(role.role, []).append(role.person)
        if not held["commander"]:
            del held["commander"]
        return held

    def _severity_label(self, severity: str) -> str:
        try:
            return self.policy.severity(severity).label
        except InvalidInput:  # a severity the current policy does not name: said, not hidden
            return "(NOT IN THIS POLICY)"

    def parts(self) -> HeaderParts:
        """What the header says, for the compact layout (an incident is shown)."""
        incident = self.incident
        assert incident is not None
        now = self._now or incident.declared_at
        held = self._held()
        commander = held.pop("commander", [])
        acked = incident.acknowledged_at
        return HeaderParts(
            number=f"#{incident.id}",
            title=visible_line(incident.title),
            drill=bool(incident.drill),
            severity=visible_line(f"{incident.severity} {self._severity_label(incident.severity)}"),
            status=incident.status.upper(),
            acknowledged=f"acked {format_when(acked, now, self.tz)}" if acked else None,
            declared=f"Declared {format_when(incident.declared_at, now, self.tz)}",
            commander=visible_line(", ".join(commander)),
            other_roles=tuple(
                (
                    visible_line(SHORT_ROLES.get(key, self.policy.incident_roles.label(key))),
                    visible_line(", ".join(people)),
                )
                for key, people in held.items()
            ),
            age=self._age,
            kind=incident.kind,
            channel=visible_line(incident.channel),
            summary=visible_line(incident.summary),
            impact=(
                ("users", visible_line(incident.impact_users or "?")),
                ("svc", visible_line(incident.impact_services or "?")),
                ("biz", visible_line(incident.impact_business or "?")),
            ),
        )

    def describe(self, now: dt.datetime) -> Text:
        incident = self.incident
        if incident is None:
            return Text("No incident selected. Press n to declare one.", style="italic")
        sev_label = self._severity_label(incident.severity)
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
        for key, people in self._held().items():
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
