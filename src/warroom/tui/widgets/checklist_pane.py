"""The checklist pane: runbooks attached to the selected incident, ticked together.

Sections and runbooks show progress (3/9); each ticked item says who and
when; an item past its `within` target says OVERDUE until ticked. Space
ticks or unticks; Enter answers a question item; b / B on the screen attach or
detach a runbook here. The incident is bound in by the war-room screen; each
change is one `Write` through the bridge. Text is shown as typed, control
characters made visible (`␛`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain import checklists as rules
from warroom.domain.checklists import Checklist, ChecklistItem
from warroom.domain.policy_reader import format_duration
from warroom.domain.runbooks import Runbook
from warroom.domain.visible import visible, visible_line
from warroom.tui.bridge import Write, bridge_of
from warroom.tui.form_memory import memory_of


class ChecklistPane(OptionList):
    """Every item of every attached runbook; headers are not selectable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick_item", "Tick/untick"),
        Binding("enter", "answer", "Answer", show=True),
        Binding("y", "copy_command", "Copy command"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    incident_id: var[int | None] = var(None)  # bound from the screen's selection

    def __init__(
        self, *, tz: dt.tzinfo, runbooks: Sequence[Runbook] = (), **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tz = tz
        self.runbooks = tuple(runbooks)
        self.lists: list[Checklist] = []
        self.declared_at: dt.datetime | None = None
        self.when: Mapping[str, dt.datetime | None] = {}
        self._items: dict[str, ChecklistItem] = {}
        self._drawn: tuple[object, ...] = ()

    def show(
        self,
        lists: list[Checklist],
        declared_at: dt.datetime | None,
        now: dt.datetime,
        when: Mapping[str, dt.datetime | None] | None = None,
    ) -> None:
        """Redraw when the items, the incident's moments or the overdue items changed.

        `when`: the incident's moments (checklists.moments), which items count from."""
        self.lists = lists
        self.declared_at = declared_at
        self.when = dict(when or {})
        late = frozenset(
            i.id
            for c in lists
            for i in c.items
            if declared_at is not None and rules.is_overdue(i, declared_at, now, self.when)
        )
        drawn = (tuple(lists), late, tuple(self.when.items()))
        if drawn == self._drawn:
            return
        self._drawn = drawn
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        self._items = {i.key: i for c in lists for i in c.items}
        options: list[Option | None] = []
        for book in lists:
            heading = f"{visible_line(book.title)}  {rules.progress(book.items)}"
            title = Text(heading, style="bold reverse")
            options.append(Option(title, id=f"book:{book.id}", disabled=True))
            for section, items in rules.sections(book):
                head = Text(f" {visible_line(section)}  {rules.progress(items)}", style="bold")
                options.append(Option(head, id=f"section:{book.id}:{section}", disabled=True))
                options.extend(Option(self._line(i, i.id in late), id=i.key) for i in items)
        if not lists:
            options.append(
                Option(Text("No runbooks attached. Press b to attach one."), disabled=True)
            )
        self.set_options(o for o in options if o is not None)
        if highlighted is not None and highlighted in self._items:
            self.highlighted = self.get_option_index(highlighted)
        elif self._items:  # start on the first item, not on a heading
            self.highlighted = self.get_option_index(next(iter(self._items)))

    def _line(self, item: ChecklistItem, late: bool) -> Text:
        text = Text("  " + "  " * item.depth)
        text.append("[x] " if item.done else "[ ] ", style="bold")
        text.append(visible_line(item.text), style="dim" if item.done else "")
        if item.answer:
            text.append(" = ", style="bold")
            text.append(visible_line(item.answer))
        elif item.ask and not item.done:
            text.append("  (Enter to answer)", style="italic")
        if item.role:
            text.append(f"  [{visible_line(item.role)}]", style="italic")
        if item.done_at is not None:
            text.append(
                f"  — {visible_line(item.done_by or '')} {item.done_at.astimezone(self.tz):%H:%M}",
                style="italic",
            )
        elif late:
            text.append("  OVERDUE", style="bold reverse")
        elif item.within is not None and self.declared_at is not None:
            due = rules.due_at(item, self.declared_at, self.when)
            if due is None:  # counts from a moment still to come: no deadline yet
                target = format_duration(item.within)
                text.append(f"  {target} after {item.within_from}", style="italic")
            else:
                text.append(f"  by {due.astimezone(self.tz):%H:%M}", style="italic")
        if item.command:
            lines = visible(item.command.strip()).replace("\t", " ").split("\n")
            text.append("\n      $ " + "\n        ".join(lines), style="dim")
        return text

    def _current(self) -> ChecklistItem | None:
        option = self.highlighted_option
        return None if option is None or option.id is None else self._items.get(option.id)

    def _write(self, request: Write[object]) -> None:
        bridge_of(self).write(request, self)

    def _incident(self) -> int | None:
        if self.incident_id is None:
            self.notify("No incident selected. Press n to declare one.", severity="warning")
        return self.incident_id

    def _tick(self, item: ChecklistItem) -> None:
        if (incident_id := self._incident()) is None:
            return
        key, done = item.key, not item.done
        verb = "Ticked" if done else "Unticked"
        self._write(
            Write(lambda room: room.tick(incident_id, key, done=done), f"{verb}: {item.text}")
        )

    def action_tick_item(self) -> None:
        item = self._current()
        if item is not None:
            self._tick(item)

    def action_copy_command(self) -> None:
        """Put the item's command on the clipboard (OSC 52: works over SSH)."""
        item = self._current()
        if item is None or not item.command:
            self.notify("This item has no command to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(item.command.strip())
        self.notify("Command copied to the clipboard.")

    def action_answer(self) -> None:
        item = self._current()
        if item is None:
            return
        if item.ask:
            self.answer(item.key, item.ask, item.answer or "")
        else:
            self._tick(item)

    def answer(self, key: str, question: str, current: str) -> None:
        """Ask the question; after a refused write, again with the reply typed."""
        from warroom.tui.dialogs.answer import AnswerScreen

        if (incident_id := self._incident()) is None:
            return

        def answered(reply: str | None) -> None:
            if reply:
                self._write(
                    Write(
                        lambda room: room.answer(incident_id, key, reply),
                        "Answered",
                        restore=lambda: self.answer(key, question, reply),
                    )
                )

        memory = memory_of(self)
        kept = ("answer", incident_id, key)
        current = memory.get(kept, str) or current
        self.app.push_screen(AnswerScreen(question, current, keep=memory.keeper(kept)), answered)

    def attach(self) -> None:
        """Offer the runbooks not attached yet; attach the one chosen."""
        from warroom.tui.dialogs.choose import ChooseScreen

        if (incident_id := self._incident()) is None:
            return
        attached = {c.runbook_id for c in self.lists}
        options = [
            (r.id, f"{r.title} ({len(r.steps())} items)")
            for r in self.runbooks
            if r.id not in attached
        ]
        if not options:
            self.notify("Every runbook is attached already.")
            return

        def chosen(runbook_id: str | None) -> None:
            if runbook_id:
                self._write(
                    Write(lambda room: room.attach_runbook(incident_id, runbook_id), "Attached")
                )

        self.app.push_screen(ChooseScreen("Attach a runbook", options), chosen)

    def detach(self) -> None:
        """Offer the attached runbooks; detach the one chosen."""
        from warroom.tui.dialogs.choose import ChooseScreen

        if (incident_id := self._incident()) is None:
            return
        options = [(c.runbook_id, c.title) for c in self.lists]
        if not options:
            self.notify("No runbook is attached.")
            return

        def chosen(runbook_id: str | None) -> None:
            if runbook_id:
                self._write(
                    Write(lambda room: room.detach_runbook(incident_id, runbook_id), "Detached")
                )

        self.app.push_screen(ChooseScreen("Detach a runbook", options), chosen)
