"""The follow-up pane: the incident's action items, open ones first.

Each line says priority, owner, due date and status; a due date in the past
says OVERDUE. Space marks done (or reopens), w marks won't do, Enter edits;
each change is one `Write` through the bridge.
Text is shown as typed, control characters made visible (`␛`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain import follow_ups as rules
from warroom.domain.models import FollowUp
from warroom.domain.visible import visible_line
from warroom.domain.vocabulary import FOLLOW_UP_STATUSES
from warroom.tui.bridge import Write, bridge_of
from warroom.tui.form_memory import memory_of
from warroom.tui.widgets.people import people_offered

if TYPE_CHECKING:  # the form loads when it opens, not before the first frame
    from warroom.tui.dialogs.follow_up import FollowUpForm

_STATUS_MARK = {"open": "[ ]", "done": "[x]", "wont-do": "[-]"}


class FollowUpPane(OptionList):
    """Every follow-up of the selected incident."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_done", "Done/reopen"),
        Binding("w", "wont_do", "Won't do"),
        Binding("enter", "edit", "Edit", show=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, tz: dt.tzinfo, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tz = tz
        self.items: list[FollowUp] = []
        self.today: dt.date | None = None
        self._drawn: tuple[object, ...] = ()

    def show(self, items: list[FollowUp], today: dt.date) -> None:
        """Redraw when the follow-ups or the day changed."""
        self.today = today
        items = rules.ordered(items)
        drawn = (tuple(items), today)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        self.items = items
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        still_open = sum(1 for i in items if i.is_open)
        self.border_title = f"Follow-ups · {still_open} open of {len(items)}"
        options = [Option(self._line(i, today), id=str(i.id)) for i in items]
        if not items:
            options.append(
                Option(
                    Text("No follow-ups. Press + to add one, or P on a TODO in the timeline."),
                    disabled=True,
                )
            )
        self.set_options(options)
        ids = [str(i.id) for i in items]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)
        elif items:
            self.highlighted = 0

    def _line(self, item: FollowUp, today: dt.date) -> Text:
        text = Text(" ")
        text.append(f"{_STATUS_MARK.get(item.status, '[?]')} ", style="bold")
        text.append(f"#{item.id} ", style="bold")
        text.append(visible_line(item.text), style="" if item.is_open else "dim")
        text.append(f"  {item.priority}", style="bold" if item.priority == "high" else "italic")
        text.append(f" · {visible_line(item.owner or 'no owner')}", style="italic")
        if item.due is not None:
            text.append(f" · due {item.due:%a %Y-%m-%d}", style="italic")
        if rules.is_overdue(item, today):
            text.append("  OVERDUE", style="bold reverse")
        if not item.is_open:
            when = item.updated_at.astimezone(self.tz)
            said = FOLLOW_UP_STATUSES.get(item.status, item.status)
            text.append(
                f"  — {said} by {visible_line(item.updated_by)} {when:%m-%d %H:%M}",
                style="italic",
            )
        return text

    def _current(self) -> FollowUp | None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        return next((i for i in self.items if str(i.id) == option.id), None)

    def _set_status(self, item: FollowUp, status: str) -> None:
        bridge_of(self).write(
            Write(
                lambda room: room.update_follow_up(item.id, status=status),
                f"Follow-up #{item.id} {status}",
            ),
            self,
        )

    def action_toggle_done(self) -> None:
        if (item := self._current()) is not None:
            self._set_status(item, "done" if item.is_open else "open")

    def action_wont_do(self) -> None:
        if (item := self._current()) is not None:
            self._set_status(item, "open" if item.status == "wont-do" else "wont-do")

    def action_edit(self) -> None:
        if (item := self._current()) is not None:
            self.edit(item)

    def edit(self, item: FollowUp, draft: FollowUpForm | None = None) -> None:
        """Edit owner, due date, priority and status; after a refused write, again as typed."""
        from warroom.tui.dialogs.follow_up import FollowUpForm, FollowUpScreen

        if self.today is None:
            return
        due_text = item.due.isoformat() if item.due else ""
        key = ("follow-up-edit", item.id)
        memory = memory_of(self)
        draft = (
            draft
            or memory.get(key, FollowUpForm)
            or FollowUpForm(item.text, item.owner, due_text, item.due, item.priority, item.status)
        )

        def chosen(form: FollowUpForm | None) -> None:
            if form is None:
                return
            changes: dict[str, Any] = rules.edits(
                item, owner=form.owner, due=form.due, priority=form.priority, status=form.status
            )
            if changes:
                bridge_of(self).write(
                    Write(
                        lambda room: room.update_follow_up(item.id, **changes),
                        f"Follow-up #{item.id} saved",
                        restore=lambda: self.app.call_later(self.edit, item, form),
                    ),
                    self,
                )

        title = (
            f"Follow-up #{item.id}: {item.text if len(item.text) <= 50 else item.text[:49] + '…'}"
        )
        screen = FollowUpScreen(
            title,
            self.today,
            draft,
            editing=True,
            people=people_offered(self),
            keep=memory.keeper(key),
        )
        self.app.push_screen(screen, chosen)
