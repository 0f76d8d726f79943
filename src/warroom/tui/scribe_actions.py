"""Console actions for the scribe: filter, search, pin, correct, strike, follow-ups,
close and export.

Entry actions work on the timeline's cursor (the newest entry unless moved).
Reads and file writes run in thread workers; writes go through `app.write`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.widgets import ContentSwitcher

from warroom.domain.entries import parse_typed_entry, without_leading_time
from warroom.domain.timeline_state import ShownEntry
from warroom.domain.visible import visible_line
from warroom.domain.vocabulary import ENTRY_KINDS, ENTRY_PREFIXES
from warroom.errors import WarroomError
from warroom.store import db as store
from warroom.store import scribe_queries
from warroom.tui.screens.answer import AnswerScreen
from warroom.tui.screens.choose import ChooseScreen
from warroom.tui.screens.close import CloseScreen
from warroom.tui.screens.export import ExportRequest, ExportScreen
from warroom.tui.screens.follow_up import FollowUpForm, FollowUpScreen
from warroom.tui.widgets.follow_up_pane import FollowUpPane
from warroom.tui.widgets.timeline_view import FILTERS, TimelineView

if TYPE_CHECKING:
    from warroom.tui.app import WarRoomApp

PREFIX_OF = {
    kind: min((p for p, k in ENTRY_PREFIXES.items() if k == kind), key=len)
    for kind in set(ENTRY_PREFIXES.values())
}  # the shortest prefix that gives each kind: "a" for action


def _today(app: WarRoomApp) -> Any:
    return app.clock.now().astimezone(app.tz).date()


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def retitle(app: WarRoomApp) -> None:
    """The timeline's title says the zone, and what narrows it."""
    view = app.query_one(TimelineView)
    parts = [f"Timeline · times in {app.zone_label}"]
    if view.filter_name != "all":
        parts.append(f"showing {FILTERS[view.filter_name][0]} (f)")
    if view.matches is not None:
        parts.append(f"search “{_short(app.search_text, 24)}”: {len(view.shown)} (/)")
    view.border_title = " · ".join(parts)


# -- filter and search ------------------------------------------------------------------


def choose_filter(app: WarRoomApp) -> None:
    view = app.query_one(TimelineView)
    options = [(name, label) for name, (label, _) in FILTERS.items()]

    def chosen(name: str | None) -> None:
        if name:
            view.set_filter(name)
            retitle(app)

    app.push_screen(ChooseScreen("Show in the timeline", options, view.filter_name), chosen)


def search(app: WarRoomApp) -> None:
    if (incident_id := app._require_incident()) is None:
        return
    view = app.query_one(TimelineView)

    def asked(text: str | None) -> None:
        if text is None:
            return
        if not text:
            app.search_text = ""
            view.set_matches(None)
            retitle(app)
            return

        def found(ids: list[int]) -> None:
            if app.selected_id != incident_id:
                return  # the person moved on
            app.search_text = text
            view.set_matches(ids)
            retitle(app)
            view.focus()
            if not ids:
                app.notify(f"Nothing matches {text!r}. / then Enter on an empty line clears.")

        read(app, lambda db: scribe_queries.search(db, incident_id, text), found)

    app.push_screen(
        AnswerScreen(
            "Search this incident's timeline (empty: show everything)",
            app.search_text,
            placeholder="words, then Enter",
            allow_empty=True,
        ),
        asked,
    )


def read(
    app: WarRoomApp,
    query: Callable[[Any], Any],
    then: Callable[[Any], object],
    failed: str = "cannot read",
) -> None:
    """Run a short read in a thread worker and hand its result to `then` on the UI thread."""

    def work() -> None:
        try:
            db = store.connect(app.db_path, create=False)
        except WarroomError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error", markup=False)
            return
        try:
            result = query(db)
        except Exception as exc:  # a read that fails says so; the console keeps going
            app.call_from_thread(app.notify, f"{failed}: {exc}", severity="error", markup=False)
            return
        finally:
            db.conn.close()
        app.call_from_thread(then, result)

    app.run_worker(work, thread=True, group="read", name="read")


# -- entries ----------------------------------------------------------------------------


def _entry(app: WarRoomApp, *, scribe_only: bool, doing: str) -> ShownEntry | None:
    if app._require_incident() is None:
        return None
    item = app.query_one(TimelineView).selected
    if item is None:
        app.notify("No entry to act on. Log one with l.", severity="warning")
        return None
    if scribe_only and item.entry.kind not in ENTRY_KINDS:
        app.notify(
            f"That is a {visible_line(item.entry.kind)} record written by the console; "
            f"only scribe entries can be {doing}. Pick one with ↑↓ in the timeline.",
            severity="warning",
            markup=False,
        )
        return None
    return item


def toggle_pin(app: WarRoomApp) -> None:
    if (item := _entry(app, scribe_only=False, doing="pinned")) is None:
        return
    entry_id, pinned = item.entry.id, not item.pinned
    verb = "Pinned" if pinned else "Unpinned"
    app.write(lambda room: room.pin(entry_id, pinned), f"{verb}: {_short(item.entry.text)}")


def edit_entry(app: WarRoomApp, typed: str | None = None, based_on: int | None = None) -> None:
    """Correct the entry at the cursor; after a refused write, the same entry again
    (`based_on`: the version that was being corrected), saying if someone else got there first."""
    view = app.query_one(TimelineView)
    if based_on is not None and based_on in view.state.root:
        versions = view.state.versions[view.state.root[based_on]]
        item: ShownEntry | None = view.state.shown(versions[-1])
    else:
        item = _entry(app, scribe_only=True, doing="corrected")
    if item is None:
        return
    entry = item.entry
    prefix = PREFIX_OF.get(entry.kind, "")
    current = typed if typed is not None else (f"{prefix}: {entry.text}" if prefix else entry.text)
    title = f"Correct this {entry.kind} (the old text stays in the history)"
    if based_on is not None and based_on != entry.id:
        title = f"{entry.author} corrected it meanwhile: “{_short(entry.text, 60)}”. Yours:"

    def corrected(text: str | None) -> None:
        if not text:
            return
        try:  # a leading HH:MM moves the entry, as on the entry line
            typed = parse_typed_entry(text, app.clock.now(), app.tz)
        except ValueError as exc:
            app.notify(str(exc), severity="error", markup=False)
            app.call_later(edit_entry, app, text, entry.id)
            return
        body = without_leading_time(text)
        head = body.partition(": ")[0].strip().lower()
        kind, body = (typed.kind, typed.text) if head in ENTRY_PREFIXES else (entry.kind, body)
        app.write(
            lambda room: room.correct(entry.id, body, kind, typed.at),
            f"Corrected: {_short(body)}",
            on_failure=lambda: app.call_later(edit_entry, app, text, entry.id),
        )

    app.push_screen(
        AnswerScreen(
            title,
            current,
            placeholder="corrected text (d: a: f: t: change the kind; HH:MM its time)",
            select_on_focus=False,
        ),
        corrected,
    )


def strike_entry(app: WarRoomApp, reason: str = "", item: ShownEntry | None = None) -> None:
    if item is None and (item := _entry(app, scribe_only=True, doing="struck")) is None:
        return
    entry, shown = item.entry, item

    def struck(reason: str | None) -> None:
        if reason is not None:
            app.write(
                lambda room: room.strike(entry.id, reason),
                f"Struck: {_short(entry.text)}",
                on_failure=lambda: app.call_later(strike_entry, app, reason, shown),
            )

    app.push_screen(
        AnswerScreen(
            f"Strike out “{_short(entry.text, 50)}”? It stays in the record, crossed out.",
            reason,
            placeholder="why (optional), then Enter",
            allow_empty=True,
        ),
        struck,
    )


# -- follow-ups -------------------------------------------------------------------------


def toggle_left(app: WarRoomApp, pane_id: str) -> None:
    """Show a pane in place of the timeline, focused; again: back to the timeline."""
    switcher = app.query_one("#left", ContentSwitcher)
    if switcher.current == pane_id:
        switcher.current = "timeline"
        app.table.focus()
    else:
        switcher.current = pane_id
        app.query_one(f"#{pane_id}").focus()


def show_follow_ups(app: WarRoomApp) -> None:
    toggle_left(app, "follow-ups")


def promote(app: WarRoomApp, draft: FollowUpForm | None = None) -> None:
    if (item := _entry(app, scribe_only=True, doing="promoted")) is None:
        return
    entry = item.entry
    draft = draft or FollowUpForm(entry.text, "", "", None, "medium")

    def chosen(form: FollowUpForm | None) -> None:
        if form is not None:
            app.write(
                lambda room: room.promote(
                    entry.id, owner=form.owner, due=form.due, priority=form.priority, text=form.text
                ),
                f"Follow-up: {_short(form.text)}",
                on_failure=lambda: app.call_later(promote, app, form),
            )

    title = f"Promote this {entry.kind} to a follow-up"
    app.push_screen(FollowUpScreen(title, _today(app), draft), chosen)


def add_follow_up(app: WarRoomApp, draft: FollowUpForm | None = None) -> None:
    if (incident_id := app._require_incident()) is None:
        return

    def chosen(form: FollowUpForm | None) -> None:
        if form is not None:
            app.write(
                lambda room: room.add_follow_up(
                    incident_id, form.text, owner=form.owner, due=form.due, priority=form.priority
                ),
                f"Follow-up: {_short(form.text)}",
                on_failure=lambda: app.call_later(add_follow_up, app, form),
            )

    draft = draft or FollowUpForm("", "", "", None, "medium")
    app.push_screen(FollowUpScreen(f"New follow-up for #{incident_id}", _today(app), draft), chosen)


def change_follow_up(app: WarRoomApp, message: FollowUpPane.Change) -> None:
    item = message.follow_up
    app.write(
        lambda room: room.update_follow_up(item.id, status=message.status),
        f"Follow-up #{item.id} {message.status}",
    )


def edit_follow_up(
    app: WarRoomApp, message: FollowUpPane.Edit, draft: FollowUpForm | None = None
) -> None:
    item = message.follow_up
    due_text = item.due.isoformat() if item.due else ""
    draft = draft or FollowUpForm(
        item.text, item.owner, due_text, item.due, item.priority, item.status
    )

    def chosen(form: FollowUpForm | None) -> None:
        if form is None:
            return
        changes: dict[str, Any] = {}
        if form.owner != item.owner:
            changes["owner"] = form.owner
        if form.due != item.due:
            changes["due"] = form.due
        if form.priority != item.priority:
            changes["priority"] = form.priority
        if form.status != item.status:
            changes["status"] = form.status
        if changes:
            app.write(
                lambda room: room.update_follow_up(item.id, **changes),
                f"Follow-up #{item.id} saved",
                on_failure=lambda: app.call_later(edit_follow_up, app, message, form),
            )

    title = f"Follow-up #{item.id}: {_short(item.text, 50)}"
    app.push_screen(FollowUpScreen(title, _today(app), draft, editing=True), chosen)


# -- closing and export -----------------------------------------------------------------


def close(app: WarRoomApp, typed: str | None = None) -> None:
    """Closing asks who owns the post-mortem and lists the follow-ups still open."""
    incident = app.selected
    if incident is None:
        return
    open_items = [i for i in app.query_one(FollowUpPane).items if i.is_open]
    owner = typed if typed is not None else incident.postmortem_owner

    def chosen(name: str | None) -> None:
        if name is not None:
            app.write(
                lambda room: room.set_status(incident.id, "closed", postmortem_owner=name),
                f"Closed #{incident.id}",
                on_failure=lambda: app.call_later(close, app, name),
            )

    screen = CloseScreen(
        incident.ref,
        owner,
        open_items,
        required=app.policy.require_postmortem_owner,
        suggestion=incident.commander,
    )
    app.push_screen(screen, chosen)


def export(app: WarRoomApp, draft: ExportRequest | None = None) -> None:
    if (incident_id := app._require_incident()) is None:
        return

    def chosen(request: ExportRequest | None) -> None:
        if request is None:
            return
        # a link to a missing file counts as taken: writing there needs the same tick
        if (request.path.exists() or request.path.is_symlink()) and not request.force:
            app.notify(
                f"{request.path} exists; tick “Overwrite” to replace it.",
                title="Not exported",
                severity="error",
                markup=False,
            )
            app.call_later(export, app, request)
            return

        def render(db: Any) -> str:
            from warroom import transfer  # lazy: export is off the start-up path

            now = app.clock.now()
            if request.format == "json":
                text = transfer.export_json(db, incident_id, now)
            else:
                text = transfer.export_markdown(db, incident_id, app.policy, now, app.tz)
            transfer.write_file(request.path, text, force=request.force, database=app.db_path)
            return str(request.path)

        def written(path: str) -> None:
            app.notify(f"Wrote {path}", title="Exported", markup=False)

        read(app, render, written, failed="Not exported")

    app.push_screen(ExportScreen(incident_id, draft), chosen)
