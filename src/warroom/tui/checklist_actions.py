"""Console actions for checklists and classification: tick, answer, attach, kind.

The app's key and message handlers call these; they use its `write` and screens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.vocabulary import INCIDENT_KINDS
from warroom.tui import scribe_actions
from warroom.tui.screens.answer import AnswerScreen
from warroom.tui.screens.choose import ChooseScreen
from warroom.tui.widgets.checklist_pane import ChecklistPane

if TYPE_CHECKING:
    from warroom.tui.app import WarRoomApp


def show_or_hide(app: WarRoomApp) -> None:
    scribe_actions.toggle_left(app, "checklist")


def tick_item(app: WarRoomApp, message: ChecklistPane.Toggle) -> None:
    if (incident_id := app._require_incident()) is None:
        return
    verb = "Ticked" if message.done else "Unticked"
    app.write(
        lambda room: room.tick(incident_id, message.key, done=message.done),
        f"{verb}: {message.text}",
    )


def answer_item(app: WarRoomApp, message: ChecklistPane.Answer) -> None:
    if (incident_id := app._require_incident()) is None:
        return

    def answered(reply: str | None) -> None:
        if reply:
            app.write(
                lambda room: room.answer(incident_id, message.key, reply),
                "Answered",
                on_failure=lambda: app.push_screen(AnswerScreen(message.question, reply), answered),
            )

    app.push_screen(AnswerScreen(message.question, message.current), answered)


def attach(app: WarRoomApp) -> None:
    if (incident_id := app._require_incident()) is None:
        return
    attached = {c.runbook_id for c in app.query_one(ChecklistPane).lists}
    options = [
        (r.id, f"{r.title} ({len(r.steps())} items)") for r in app.runbooks if r.id not in attached
    ]
    if not options:
        app.notify("Every runbook is attached already.")
        return

    def chosen(runbook_id: str | None) -> None:
        if runbook_id:
            app.write(lambda room: room.attach_runbook(incident_id, runbook_id), "Attached")

    app.push_screen(ChooseScreen("Attach a runbook", options), chosen)


def detach(app: WarRoomApp) -> None:
    if (incident_id := app._require_incident()) is None:
        return
    options = [(c.runbook_id, c.title) for c in app.query_one(ChecklistPane).lists]
    if not options:
        app.notify("No runbook is attached.")
        return

    def chosen(runbook_id: str | None) -> None:
        if runbook_id:
            app.write(lambda room: room.detach_runbook(incident_id, runbook_id), "Detached")

    app.push_screen(ChooseScreen("Detach a runbook", options), chosen)


def change_kind(app: WarRoomApp) -> None:
    incident = app.selected
    if incident is None:
        app._require_incident()
        return
    options = [(k, f"{k} — {hint}") for k, hint in INCIDENT_KINDS.items()]

    def chosen(kind: str | None) -> None:
        if kind and kind != incident.kind:
            app.write(lambda room: room.set_kind(incident.id, kind), f"Kind {kind}")

    app.push_screen(ChooseScreen(f"Kind of #{incident.id}", options, incident.kind), chosen)
