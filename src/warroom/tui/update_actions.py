"""Console actions for status updates: open the composer, post, keep drafts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from warroom import composer
from warroom.domain.templates import suggest_phase, templates_for
from warroom.tui import scribe_actions
from warroom.tui.screens.composer import ComposerKeep, ComposerPost, ComposerScreen
from warroom.tui.widgets.checklist_pane import ChecklistPane
from warroom.tui.widgets.timeline_view import TimelineView

if TYPE_CHECKING:
    from warroom.tui.app import WarRoomApp


def open_composer(app: WarRoomApp) -> None:
    incident = app.selected
    if incident is None:
        app._require_incident()
        return
    incident_id = incident.id
    phase = suggest_phase(incident)
    fitting = templates_for(app.templates, audience="external", phase=phase) or list(
        app.templates.values()
    )
    suggested = fitting[0].name

    def fill(name: str, free: dict[str, str]) -> str:
        # from what the console already shows (as fresh as the last read): no SQLite here
        shown = app.selected or incident
        entries = [s.entry for s in app.query_one(TimelineView).state.current() if not s.struck]
        answers = {
            item.ask: item.answer
            for book in app.query_one(ChecklistPane).lists
            for item in book.items
            if item.ask and item.answer is not None
        }
        return composer.fill_from(
            shown, entries, answers, app.policy, app.templates[name], app.clock.now(), app.tz, free
        )

    def opened(found: tuple[Any, Any]) -> None:
        if app.selected_id == incident_id and not isinstance(app.screen, ComposerScreen):
            draft, posted = found
            app.push_screen(
                ComposerScreen(incident_id, app.templates, suggested, fill, draft, posted)
            )

    # the draft and what was posted are read in a worker, like every other read
    scribe_actions.read(
        app,
        lambda db: (composer.draft(db, incident_id), composer.posted(db, incident_id)),
        opened,
    )


def post(app: WarRoomApp, message: ComposerPost) -> None:
    template = app.templates.get(message.template)
    audience = template.audience if template else "internal"

    def posted() -> None:
        if isinstance(app.screen, ComposerScreen):
            app.screen.dismiss(None)
        app.notify("Update posted; the next-update timer restarted.")

    app.write(
        lambda room: room.post_update(
            message.incident_id, message.body, audience=audience, template=message.template
        ),
        "Update posted",
        on_success=posted,
    )


def keep(app: WarRoomApp, message: ComposerKeep) -> None:
    if message.body.strip():
        app.write(
            lambda room: room.save_draft(message.incident_id, message.template, message.body),
            "Draft kept",
        )
    else:
        app.write(lambda room: room.discard_draft(message.incident_id), "Draft discarded")
