"""The scribe's timeline tools: filter, search, pin, correct, strike, promote,
and the left-hand panes (timeline, checklist, follow-ups).

Entry actions work on the timeline's cursor (the newest entry unless moved).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import ContentSwitcher

from warroom.domain.entries import parse_typed_entry, without_leading_time
from warroom.domain.timeline_state import ShownEntry
from warroom.domain.vocabulary import ENTRY_KINDS, ENTRY_PREFIXES
from warroom.store import read_model
from warroom.tui.bridge import Read, Write
from warroom.tui.form_memory import memory_of
from warroom.tui.screens.console_base import ConsoleBase
from warroom.tui.widgets.people import people_offered
from warroom.tui.widgets.timeline_text import kind_label
from warroom.tui.widgets.timeline_view import FILTERS, TimelineView

if TYPE_CHECKING:  # the dialogs load when one opens, not before the first frame
    from warroom.tui.dialogs.follow_up import FollowUpForm

PREFIX_OF = {
    kind: min((p for p, k in ENTRY_PREFIXES.items() if k == kind), key=len)
    for kind in set(ENTRY_PREFIXES.values())
}  # the shortest prefix that gives each kind: "a" for action


def short(text: str, width: int = 40) -> str:
    """`text` cut to `width` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


class TimelineTools(ConsoleBase):
    """Key actions on the timeline and the entry at its cursor."""

    @property
    def timeline(self) -> TimelineView:
        return self.query_one(TimelineView)

    def retitle(self) -> None:
        """The timeline's title says the zone, and what narrows it."""
        view = self.timeline
        parts = [f"Timeline · times in {self.zone_label}"]
        if view.filter_name != "all":
            parts.append(f"showing {FILTERS[view.filter_name][0]} (f)")
        if view.matches is not None:
            parts.append(f"search “{short(self.search_text, 24)}”: {view.count} (/)")
        title = " · ".join(parts)
        # each page read again (another console's entry) asks; the same title is not
        # parsed and drawn again (setting it always repaints the whole view)
        if view.border_title != title:
            view.border_title = title

    def toggle_left(self, pane_id: str) -> None:
        """Show a pane in place of the timeline, focused; again: back to the timeline."""
        switcher = self.query_one("#left", ContentSwitcher)
        if switcher.current == pane_id:
            switcher.current = "timeline"
            self.query_one("#incidents").focus()
        else:
            switcher.current = pane_id
            self.query_one(f"#{pane_id}").focus()

    def action_checklist(self) -> None:
        self.toggle_left("checklist")

    def action_follow_ups(self) -> None:
        self.toggle_left("follow-ups")

    def action_alerts(self) -> None:
        self.toggle_left("alerts")

    # -- filter and search ----------------------------------------------------------

    def action_filter(self) -> None:
        from warroom.tui.dialogs.choose import ChooseScreen

        view = self.timeline
        options = [(name, label) for name, (label, _) in FILTERS.items()]

        def chosen(name: str | None) -> None:
            if name:
                view.set_filter(name)
                self.retitle()

        self.app.push_screen(
            ChooseScreen("Show in the timeline", options, view.filter_name), chosen
        )

    def action_search(self) -> None:
        from warroom.tui.dialogs.answer import AnswerScreen

        if (incident_id := self.require_incident()) is None:
            return
        view = self.timeline

        def asked(text: str | None) -> None:
            if text is None:
                return
            if not text:
                self.search_text = ""
                view.set_matches(None)
                self.retitle()
                return

            def found(ids: list[int]) -> None:
                if self.selected_id != incident_id:
                    return  # the person moved on
                self.search_text = text
                view.set_matches(ids)
                self.retitle()
                view.focus()
                if not ids:
                    self.notify(f"Nothing matches {text!r}. / then Enter on an empty line clears.")

            self.read(Read(lambda db: read_model.search(db, incident_id, text), found))

        # the field starts empty (or as typed before Esc): the last query is a hint, → takes it
        last = self.search_text
        placeholder = f"last: {short(last, 30)} (→ takes it)" if last else "words, then Enter"
        key = ("search", incident_id)
        memory = memory_of(self)
        self.app.push_screen(
            AnswerScreen(
                "Search this incident's timeline (empty: show everything)",
                memory.get(key, str) or "",
                placeholder=placeholder,
                allow_empty=True,
                select_on_focus=False,
                hint=last,
                keep=memory.keeper(key),
            ),
            asked,
        )

    # -- the entry at the cursor ----------------------------------------------------

    def entry_at_cursor(self, *, scribe_only: bool, doing: str) -> ShownEntry | None:
        """The entry to act on, or None after saying why there is none."""
        if self.require_incident() is None:
            return None
        showing = self.query_one("#left", ContentSwitcher).current
        if showing != "timeline":  # the cursor is in a timeline nobody can see
            back = {"checklist": "c", "follow-ups": "F", "alerts": "A"}.get(showing or "", "Esc")
            self.notify(
                f"The timeline is not showing, so there is no entry to act on: {back} goes "
                "back to it, then pick the entry with ↑↓.",
                severity="warning",
                markup=False,
            )
            return None
        item = self.timeline.selected
        if item is None:
            self.notify("No entry to act on. Log one with l.", severity="warning")
            return None
        if scribe_only and item.entry.kind not in ENTRY_KINDS:
            self.notify(
                f"The “{kind_label(item.entry.kind)}” entry at the cursor was written by the "
                f"console; only scribe entries can be {doing}. Pick one with ↑↓ in the timeline.",
                severity="warning",
                markup=False,
            )
            return None
        return item

    def action_pin(self) -> None:
        if (item := self.entry_at_cursor(scribe_only=False, doing="pinned")) is None:
            return
        entry_id, pinned = item.entry.id, not item.pinned
        verb = "Pinned" if pinned else "Unpinned"
        self.write(
            Write(lambda room: room.pin(entry_id, pinned), f"{verb}: {short(item.entry.text)}")
        )

    def action_edit_entry(self, typed: str | None = None, based_on: int | None = None) -> None:
        """Correct the entry at the cursor; after a refused write, the same entry again
        (`based_on`: the version being corrected), saying if someone else got there first."""
        from warroom.tui.dialogs.answer import AnswerScreen

        item = self.timeline.latest_version(based_on) if based_on is not None else None
        if item is None:
            item = self.entry_at_cursor(scribe_only=True, doing="corrected")
        if item is None:
            return
        entry = item.entry
        prefix = PREFIX_OF.get(entry.kind, "")
        current = (
            typed if typed is not None else (f"{prefix}: {entry.text}" if prefix else entry.text)
        )
        title = f"Correct this {entry.kind} (the old text stays in the history)"
        if based_on is not None and based_on != entry.id:
            title = f"{entry.author} corrected it meanwhile: “{short(entry.text, 60)}”. Yours:"

        def again(text: str) -> None:
            self.app.call_later(self.action_edit_entry, text, entry.id)

        def corrected(text: str | None) -> None:
            if not text:
                return
            try:  # a leading HH:MM moves the entry, as on the entry line
                typed = parse_typed_entry(text, self.clock.now(), self.tz)
            except ValueError as exc:
                self.notify(str(exc), severity="error", markup=False)
                again(text)
                return
            body = without_leading_time(text)
            head = body.partition(": ")[0].strip().lower()
            kind, body = (typed.kind, typed.text) if head in ENTRY_PREFIXES else (entry.kind, body)
            self.write(
                Write(
                    lambda room: room.correct(entry.id, body, kind, typed.at),
                    f"Corrected: {short(body)}",
                    restore=lambda: again(text),
                )
            )

        key = ("correct", entry.id)
        memory = memory_of(self)
        if typed is None:
            current = memory.get(key, str) or current
        self.app.push_screen(
            AnswerScreen(
                title,
                current,
                placeholder="corrected text (d: a: f: t: change the kind; HH:MM its time)",
                select_on_focus=False,
                keep=memory.keeper(key),
            ),
            corrected,
        )

    def action_strike_entry(self, reason: str = "", item: ShownEntry | None = None) -> None:
        from warroom.tui.dialogs.answer import AnswerScreen

        if (
            item is None
            and (item := self.entry_at_cursor(scribe_only=True, doing="struck")) is None
        ):
            return
        entry, shown = item.entry, item

        def struck(reason: str | None) -> None:
            if reason is not None:
                self.write(
                    Write(
                        lambda room: room.strike(entry.id, reason),
                        f"Struck: {short(entry.text)}",
                        restore=lambda: self.app.call_later(
                            self.action_strike_entry, reason, shown
                        ),
                    )
                )

        key = ("strike", entry.id)
        memory = memory_of(self)
        self.app.push_screen(
            AnswerScreen(
                f"Strike out “{short(entry.text, 50)}”? It stays in the record, crossed out.",
                reason or memory.get(key, str) or "",
                placeholder="why (optional), then Enter",
                allow_empty=True,
                keep=memory.keeper(key),
            ),
            struck,
        )

    # -- follow-ups from the timeline -----------------------------------------------

    def action_promote(self, draft: FollowUpForm | None = None) -> None:
        from warroom.tui.dialogs.follow_up import FollowUpForm, FollowUpScreen

        if (item := self.entry_at_cursor(scribe_only=True, doing="promoted")) is None:
            return
        entry = item.entry
        key = ("promote", entry.id)
        memory = memory_of(self)
        draft = (
            draft
            or memory.get(key, FollowUpForm)
            or FollowUpForm(entry.text, "", "", None, "medium")
        )

        def chosen(form: FollowUpForm | None) -> None:
            if form is not None:
                self.write(
                    Write(
                        lambda room: room.promote(
                            entry.id,
                            owner=form.owner,
                            due=form.due,
                            priority=form.priority,
                            text=form.text,
                        ),
                        f"Follow-up: {short(form.text)}",
                        restore=lambda: self.app.call_later(self.action_promote, form),
                    )
                )

        title = f"Promote this {entry.kind} to a follow-up"
        screen = FollowUpScreen(
            title, self.today(), draft, people=people_offered(self), keep=memory.keeper(key)
        )
        self.app.push_screen(screen, chosen)

    def action_add_follow_up(self, draft: FollowUpForm | None = None) -> None:
        from warroom.tui.dialogs.follow_up import FollowUpForm, FollowUpScreen

        if (incident_id := self.require_incident()) is None:
            return

        def chosen(form: FollowUpForm | None) -> None:
            if form is not None:
                self.write(
                    Write(
                        lambda room: room.add_follow_up(
                            incident_id,
                            form.text,
                            owner=form.owner,
                            due=form.due,
                            priority=form.priority,
                        ),
                        f"Follow-up: {short(form.text)}",
                        restore=lambda: self.app.call_later(self.action_add_follow_up, form),
                    )
                )

        key = ("follow-up", incident_id)
        memory = memory_of(self)
        draft = draft or memory.get(key, FollowUpForm) or FollowUpForm("", "", "", None, "medium")
        title = f"New follow-up for #{incident_id}"
        screen = FollowUpScreen(
            title, self.today(), draft, people=people_offered(self), keep=memory.keeper(key)
        )
        self.app.push_screen(screen, chosen)
