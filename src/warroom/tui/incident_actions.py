"""Console actions that open a form: declare, status, severity, role, impact, hand-off.

Each form returns what the person chose; the app writes it in a worker. A
write that fails reopens the declare and role forms with what was typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain import lifecycle
from warroom.domain.vocabulary import ROLES
from warroom.tui import scribe_actions
from warroom.tui.screens.assign import Assignment, AssignScreen
from warroom.tui.screens.choose import ChooseScreen
from warroom.tui.screens.declare import Declaration, DeclareScreen
from warroom.tui.screens.handoff import HandOff, HandOffScreen
from warroom.tui.screens.impact import ImpactScreen
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.timeline_view import TimelineView

if TYPE_CHECKING:
    from warroom.tui.app import WarRoomApp


def declare(app: WarRoomApp, draft: Declaration | None = None) -> None:
    def declared(form: Declaration | None) -> None:
        if form is None:
            return
        app.write(
            lambda room: room.declare(
                form.title,
                form.severity,
                form.kind,
                form.summary,
                commander=form.commander,
                drill=form.drill,
            ),
            f"Declared {form.title}",
            on_failure=lambda: app.call_later(declare, app, form),
        )

    app.push_screen(DeclareScreen(app.policy, app.actor.name, draft), declared)


def change_status(app: WarRoomApp) -> None:
    incident = app.selected
    if incident is None:
        app._require_incident()
        return
    options = [(s, s) for s in lifecycle.allowed_next(incident.status)]
    if not options:
        app.notify(f"#{incident.id} is {incident.status}; its status is final.", markup=False)
        return

    def chosen(status: str | None) -> None:
        if status == "closed":
            scribe_actions.close(app)
        elif status:
            app.write(lambda room: room.set_status(incident.id, status), f"Status {status}")

    app.push_screen(
        ChooseScreen(f"Status of #{incident.id} (now {incident.status})", options), chosen
    )


def change_severity(app: WarRoomApp) -> None:
    incident = app.selected
    if incident is None:
        app._require_incident()
        return
    options = [(s.name, f"{s.name}  {s.label} — {s.description}") for s in app.policy.severities]

    def chosen(severity: str | None) -> None:
        if severity and severity != incident.severity:
            app.write(lambda room: room.set_severity(incident.id, severity), f"Severity {severity}")

    app.push_screen(ChooseScreen(f"Severity of #{incident.id}", options, incident.severity), chosen)


def assign_role(app: WarRoomApp, draft: Assignment | None = None) -> None:
    incident_id = app._require_incident()
    if incident_id is None:
        return
    detail = app.query_one(IncidentDetail)
    holders = {r.role: r.person for r in detail.roles}

    def chosen(form: Assignment | None) -> None:
        if form is not None:
            app.write(
                lambda room: room.assign_role(incident_id, form.role, form.person),
                f"{form.person} is {ROLES[form.role]}",
                on_failure=lambda: app.call_later(assign_role, app, form),
            )

    app.push_screen(AssignScreen(holders, draft), chosen)


def edit_impact(app: WarRoomApp) -> None:
    incident = app.selected
    if incident is None:
        app._require_incident()
        return
    current = {
        "users": incident.impact_users,
        "services": incident.impact_services,
        "business": incident.impact_business,
    }

    def saved(changed: dict[str, str] | None) -> None:
        if changed:
            app.write(lambda room: room.set_impact(incident.id, **changed), "Impact saved")

    app.push_screen(ImpactScreen(current), saved)


def hand_off(app: WarRoomApp, draft: HandOff | None = None) -> None:
    incident = app.selected
    if incident is None:
        app._require_incident()
        return
    todos = [
        s.entry.text
        for s in app.query_one(TimelineView).state.current()
        if s.entry.kind == "todo" and not s.struck
    ]

    def chosen(form: HandOff | None) -> None:
        if form is not None:
            app.write(
                lambda room: room.hand_off(incident.id, form.person, form.note),
                f"{form.person} has command",
                on_failure=lambda: app.call_later(hand_off, app, form),
            )

    app.push_screen(HandOffScreen(incident.commander, todos, draft), chosen)
