"""The war-room console: one screen, keyboard first, live across consoles.

State lives here and flows down into the widgets; widgets post messages up.
Every read and write runs in a thread worker with its own connection; the UI
thread never waits on SQLite.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Static

from warroom.clock import Clock
from warroom.domain import sla
from warroom.domain.entries import parse_typed_entry
from warroom.domain.models import Actor, Incident
from warroom.domain.policy import Policy
from warroom.domain.runbooks import Runbook
from warroom.domain.templates import Template, load_templates
from warroom.domain.visible import visible_line
from warroom.domain.vocabulary import OPEN_STATUSES
from warroom.errors import WarroomError
from warroom.paths import shipped_dir
from warroom.service import WarRoom
from warroom.service.clocks import Engaged
from warroom.store import db as store
from warroom.store.queries import Engagement
from warroom.tui import checklist_actions, incident_actions, scribe_actions, update_actions
from warroom.tui.clock_board import ClockBoard
from warroom.tui.key_order import OrderedKeys
from warroom.tui.keys import ACTIONS, bindings
from warroom.tui.messages import RowsLeftOut, Snapshot, WatchFailed, WriteDone, WriteRefused
from warroom.tui.safe_output import DropControlCharacters
from warroom.tui.screens.composer import ComposerKeep, ComposerPost
from warroom.tui.screens.help import HelpScreen
from warroom.tui.watcher import DatabaseWatcher
from warroom.tui.widgets.checklist_pane import ChecklistPane
from warroom.tui.widgets.clocks import LadderPane, SlaPane
from warroom.tui.widgets.entry_line import EntryLine
from warroom.tui.widgets.follow_up_pane import FollowUpPane
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.incident_table import IncidentTable
from warroom.tui.widgets.timeline_view import TimelineView

Action = Callable[[WarRoom], object]


class WarRoomApp(OrderedKeys):
    """The console over one database file."""

    CSS_PATH = str(shipped_dir("styles") / "warroom.tcss")
    TITLE = "warroom"
    BINDINGS = bindings()

    def __init__(
        self,
        *,
        db_path: Path,
        actor: Actor,
        policy: Policy,
        clock: Clock,
        tz: dt.tzinfo,
        runbooks: Sequence[Runbook] = (),
        templates: dict[str, Template] | None = None,
    ) -> None:
        super().__init__()
        self._filters.append(DropControlCharacters())  # the last guard: see safe_output
        self.runbooks = tuple(runbooks)
        self.templates = templates if templates is not None else load_templates()
        self.db_path = db_path
        self.actor = actor
        self.policy = policy
        self.clock = clock
        self.tz = tz
        self.incidents: list[Incident] = []
        self.selected_id: int | None = None
        self.shown_id: int | None = None  # the incident the detail panes show
        self.loaded = False  # the first read has reached the screen
        self.show_ended = False
        self.watcher = DatabaseWatcher(db_path, self.post_message)
        self.board = ClockBoard(policy)
        self.engagements: list[Engagement] = []
        self._sweeping = False
        self._last_quiet = ""
        self._tokens = itertools.count(1)
        self._on_failure: dict[str, Callable[[], object]] = {}
        self._on_success: dict[str, Callable[[], object]] = {}
        # Writes commit in the order they were asked for: each takes a ticket on
        # the UI thread, and its worker waits for its turn (see `write`).
        self._write_turn = threading.Condition()
        self._tickets = itertools.count()
        self._serving = 0
        self.zone_label = clock.now().astimezone(tz).strftime("%Z")
        self.search_text = ""  # what the timeline search last looked for
        self.observer: str | None = None  # why this console only reads, if it does

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        now = self.clock.now()
        yield Static(self._status_text(), id="top-bar")
        yield IncidentTable(id="incidents")
        with Vertical(id="incident-pane"):
            yield IncidentDetail(policy=self.policy, tz=self.tz, id="detail")
            with Container(id="body"):
                with ContentSwitcher(initial="timeline", id="left"):
                    yield TimelineView(
                        tz=self.tz, today=now.astimezone(self.tz).date(), id="timeline"
                    )
                    yield ChecklistPane(tz=self.tz, id="checklist")
                    yield FollowUpPane(tz=self.tz, id="follow-ups")
                with Container(id="clocks"):
                    yield SlaPane(tz=self.tz, id="sla")
                    yield LadderPane(tz=self.tz, id="ladder")
            yield EntryLine(id="entry")
        yield Footer()

    def on_mount(self) -> None:
        scribe_actions.retitle(self)
        self.query_one(IncidentTable).border_title = "Incidents"
        self.query_one(IncidentTable).focus()
        self.run_worker(
            self.watcher.run, thread=True, exclusive=True, group="watch", name="watcher"
        )
        self.set_interval(1.0, self.tick, name="tick")
        scribe_actions.read(self, store.read_only_reason, self._observing)

    def _observing(self, reason: str | None) -> None:
        """This console can only read (--read-only, a read-only file or folder): say so."""
        self.observer = reason
        self.query_one("#top-bar", Static).update(self._status_text())

    def on_unmount(self) -> None:
        self.watcher.stop()

    def _status_text(self) -> Text:
        live = sum(1 for i in self.incidents if i.status in OPEN_STATUSES)
        text = Text()
        text.append(" warroom ", style="bold reverse")
        text.append(f"  {live} live  ·  you: ")
        text.append(visible_line(self.actor.name))
        text.append(f"  ·  {visible_line(self.db_path.name)}")
        if self.observer:
            text.append(f"  ·  OBSERVER, {visible_line(self.observer)}", style="bold")
        if self.show_ended:
            text.append("  ·  showing ended incidents")
        return text

    # -- data from the watcher ------------------------------------------------------

    @property
    def table(self) -> IncidentTable:
        return self.query_one(IncidentTable)

    def visible_incidents(self) -> list[Incident]:
        if self.show_ended:
            return self.incidents
        return [i for i in self.incidents if i.status in OPEN_STATUSES]

    def on_snapshot(self, message: Snapshot) -> None:
        if not self._screen_alive():
            return  # a read that lands while the console is closing
        self._apply_snapshot(message)

    def _screen_alive(self) -> bool:
        return bool(self.screen_stack) and bool(self.screen_stack[0].query("#incidents"))

    def _apply_snapshot(self, message: Snapshot) -> None:
        self.loaded = True
        self.incidents = message.incidents
        now = self.clock.now()
        rank = {s.name: s.rank for s in self.policy.severities}
        visible = self.visible_incidents()
        new_breaches = self.board.update(message.incidents, message.clocks, message.breaches)
        if new_breaches and self.policy.bell:
            self.bell()
        reading = self.board.read(now)
        self.table.show(visible, rank, now, self.selected_id, reading.next_due)
        self.query_one("#top-bar", Static).update(self._status_text())
        if self.selected_id not in self.table.order:
            self._select(self.table.selected_id)
            return
        selection = message.selection
        if selection is None or selection.incident.id != self.selected_id:
            return
        self.query_one(IncidentDetail).show(selection.incident, selection.roles, now)
        self.shown_id = selection.incident.id
        self.engagements = selection.engagements
        self._show_clocks(now, reading.timers)
        self.query_one(ChecklistPane).show(
            selection.checklists, selection.incident.declared_at, now
        )
        self.query_one(FollowUpPane).show(selection.follow_ups, now.astimezone(self.tz).date())
        timeline = self.query_one(TimelineView)
        if selection.reset:
            self.search_text = ""
            timeline.replace(selection.folded or selection.entries)
            scribe_actions.retitle(self)
        else:
            timeline.add(selection.entries)

    def on_watch_failed(self, message: WatchFailed) -> None:
        self.notify(message.reason, title="Cannot read", severity="error", markup=False)

    def on_rows_left_out(self, message: RowsLeftOut) -> None:
        self.notify(message.warning, title="Left out", severity="warning", markup=False, timeout=15)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._select(self.table.selected_id)

    def _select(self, incident_id: int | None) -> None:
        if incident_id == self.selected_id:
            return
        self.selected_id = incident_id
        self.watcher.selected_id = incident_id
        if incident_id is None:
            self.shown_id = None
            self.query_one(IncidentDetail).show(None, [], self.clock.now())
            self.query_one(TimelineView).replace([])
            self.query_one(FollowUpPane).show([], self.clock.now().astimezone(self.tz).date())
        self.watcher.poke(reset_selection=True)

    def tick(self) -> None:
        """The one app-level timer: ages and countdowns, redrawn only where changed."""
        if not self._screen_alive():
            return
        now = self.clock.now()
        reading = self.board.read(now)
        self.table.tick(now, reading.next_due)
        self.query_one(IncidentDetail).tick(now)
        today = now.astimezone(self.tz).date()
        self.query_one(TimelineView).set_today(today)
        follow_ups = self.query_one(FollowUpPane)
        if follow_ups.today != today:  # a new day: due dates passing turn OVERDUE
            follow_ups.show(follow_ups.items, today)
        self._show_clocks(now, reading.timers)
        pane = self.query_one(ChecklistPane)
        pane.show(pane.lists, pane.declared_at, now)  # items passing their target turn OVERDUE
        if reading.unrecorded:
            self.sweep()

    def _show_clocks(self, now: dt.datetime, timers: dict[int, tuple[sla.Timer, ...]]) -> None:
        incident = self.selected
        if incident is None or self.shown_id != incident.id:
            self.query_one(SlaPane).show(())
            self.query_one(LadderPane).show(None, [], now, "")
            return
        self.query_one(SlaPane).show(timers.get(incident.id, ()))
        ladder = self.board.ladder(incident.id, now)
        self.query_one(LadderPane).show(ladder, self.engagements, now, incident.severity)

    def sweep(self) -> None:
        """Something fell due that is not recorded: have the service write it (once)."""
        if self._sweeping:
            return
        self._sweeping = True

        def work(room: WarRoom) -> object:
            return room.sweep().engaged

        self.write(work, "sweep", quiet_failure=True)

    def on_resize(self) -> None:
        # small terminals (80x24): clocks go under the detail, the detail and list shrink
        self.screen.set_class(self.size.width < 110, "-narrow")
        self.screen.set_class(self.size.height < 32, "-short")

    # -- writes ---------------------------------------------------------------------

    def write(
        self,
        action: Action,
        done: str,
        on_failure: Callable[[], object] | None = None,
        *,
        quiet_failure: bool = False,
        on_success: Callable[[], object] | None = None,
    ) -> None:
        """Run one user action in a worker thread; report how it went.

        Actions commit one at a time in the order they were asked for, so entries
        typed in a burst keep their order and one action never races another.
        """
        token = str(next(self._tokens))
        ticket = next(self._tickets)
        if on_failure is not None:
            self._on_failure[token] = on_failure
        if on_success is not None:
            self._on_success[token] = on_success

        def work() -> None:
            with self._write_turn:
                self._write_turn.wait_for(lambda: self._serving == ticket, timeout=60)
            try:
                attempt()
            finally:
                with self._write_turn:
                    self._serving = max(self._serving, ticket + 1)
                    self._write_turn.notify_all()

        def attempt() -> None:
            try:
                db = store.connect(self.db_path)
            except WarroomError as exc:
                self.post_message(WriteRefused(str(exc), token, quiet_failure, done))
                return
            try:
                outcome = action(WarRoom(db, self.clock, self.actor, self.policy, self.runbooks))
            except WarroomError as exc:
                self.post_message(WriteRefused(str(exc), token, quiet_failure, done))
            except Exception as exc:  # never lose the user's work to a traceback
                self.post_message(
                    WriteRefused(f"unexpected error: {exc}", token, quiet_failure, done)
                )
            else:
                self.post_message(WriteDone(done, token, outcome))
            finally:
                db.conn.close()

        self.run_worker(work, thread=True, group="write", name=done)

    def on_write_done(self, message: WriteDone) -> None:
        self._on_failure.pop(message.token, None)
        if (succeeded := self._on_success.pop(message.token, None)) is not None:
            succeeded()
        if message.description == "sweep":
            self._sweeping = False
        if isinstance(message.outcome, list):
            engaged = [e for e in message.outcome if isinstance(e, Engaged)]
            if engaged:
                self._run_hooks(engaged)
        self.watcher.poke()

    def _run_hooks(self, engaged: list[Engaged]) -> None:
        """Run the notify hook for rungs just reached, beside the write queue: a slow
        hook (up to its timeout) never holds back the entries typed meanwhile."""

        def work() -> None:
            try:
                db = store.connect(self.db_path)
            except WarroomError as exc:
                self.call_from_thread(self.notify, str(exc), severity="error", markup=False)
                return
            try:
                room = WarRoom(db, self.clock, self.actor, self.policy, self.runbooks)
                outcomes = room.run_notify_hook(engaged)
            except Exception as exc:  # the hook's failure is reported, never fatal
                outcomes = [f"notify hook failed: {exc}"]
            finally:
                db.conn.close()
            for line in outcomes:
                if "failed" in line:
                    self.call_from_thread(
                        self.notify, line, title="Notify hook", severity="warning", markup=False
                    )
            self.call_from_thread(self.watcher.poke)

        self.run_worker(work, thread=True, group="hooks", name="notify hook")

    def on_write_refused(self, message: WriteRefused) -> None:
        if message.description == "sweep":
            self._sweeping = False
        if message.quiet and self._last_quiet == message.reason:
            return  # a background sweep that keeps failing says so once
        self._last_quiet = message.reason if message.quiet else ""
        self.notify(message.reason, title="Not saved", severity="error", markup=False, timeout=8)
        self._on_success.pop(message.token, None)
        restore = self._on_failure.pop(message.token, None)
        if restore is not None:
            restore()

    def _require_incident(self) -> int | None:
        if self.selected_id is None:
            self.notify("No incident selected. Press n to declare one.", severity="warning")
        return self.selected_id

    @property
    def selected(self) -> Incident | None:
        return next((i for i in self.incidents if i.id == self.selected_id), None)

    # -- actions --------------------------------------------------------------------

    def action_declare(self) -> None:
        incident_actions.declare(self)

    def action_status(self) -> None:
        incident_actions.change_status(self)

    def action_severity(self) -> None:
        incident_actions.change_severity(self)

    def action_assign_role(self) -> None:
        incident_actions.assign_role(self)

    def action_impact(self) -> None:
        incident_actions.edit_impact(self)

    def action_hand_off(self) -> None:
        incident_actions.hand_off(self)

    def action_log(self) -> None:
        self.query_one(EntryLine).input.focus()

    def on_entry_line_submitted(self, message: EntryLine.Submitted) -> None:
        incident_id = self._require_incident()
        entry_line = self.query_one(EntryLine)
        if incident_id is None:
            entry_line.restore(message.text)
            return
        try:
            typed = parse_typed_entry(message.text, self.clock.now(), self.tz)
        except ValueError as exc:
            entry_line.restore(message.text)
            self.notify(str(exc), severity="error", markup=False)
            return
        if typed.note:
            self.notify(typed.note, title="Daylight saving", severity="warning", markup=False)
        self.write(
            lambda room: room.log(incident_id, typed.text, typed.kind, at=typed.at),
            "Logged",
            on_failure=lambda: entry_line.restore(message.text),
        )

    def action_leave_entry(self) -> None:
        if self.focused is not None and self.focused.id == "entry-input":
            self.table.focus()

    def action_acknowledge(self) -> None:
        if (incident_id := self._require_incident()) is not None:
            self.write(lambda room: room.acknowledge(incident_id), "Acknowledged")

    def action_escalate(self) -> None:
        if (incident_id := self._require_incident()) is not None:

            def escalate(room: WarRoom) -> object:
                return [room.escalate(incident_id)]

            self.write(escalate, "Escalated")

    def action_compose(self) -> None:
        update_actions.open_composer(self)

    def on_composer_post(self, message: ComposerPost) -> None:
        update_actions.post(self, message)

    def on_composer_keep(self, message: ComposerKeep) -> None:
        update_actions.keep(self, message)

    def action_checklist(self) -> None:
        checklist_actions.show_or_hide(self)

    def on_checklist_pane_toggle(self, message: ChecklistPane.Toggle) -> None:
        checklist_actions.tick_item(self, message)

    def on_checklist_pane_answer(self, message: ChecklistPane.Answer) -> None:
        checklist_actions.answer_item(self, message)

    def action_attach_runbook(self) -> None:
        checklist_actions.attach(self)

    def action_detach_runbook(self) -> None:
        checklist_actions.detach(self)

    def action_kind(self) -> None:
        checklist_actions.change_kind(self)

    # -- the scribe's tools (see scribe_actions.py) ----------------------------------

    def action_filter(self) -> None:
        scribe_actions.choose_filter(self)

    def action_search(self) -> None:
        scribe_actions.search(self)

    def action_pin(self) -> None:
        scribe_actions.toggle_pin(self)

    def action_edit_entry(self) -> None:
        scribe_actions.edit_entry(self)

    def action_strike_entry(self) -> None:
        scribe_actions.strike_entry(self)

    def action_follow_ups(self) -> None:
        scribe_actions.show_follow_ups(self)

    def action_promote(self) -> None:
        scribe_actions.promote(self)

    def action_add_follow_up(self) -> None:
        scribe_actions.add_follow_up(self)

    def on_follow_up_pane_change(self, message: FollowUpPane.Change) -> None:
        scribe_actions.change_follow_up(self, message)

    def on_follow_up_pane_edit(self, message: FollowUpPane.Edit) -> None:
        scribe_actions.edit_follow_up(self, message)

    def action_export(self) -> None:
        scribe_actions.export(self)

    def action_toggle_ended(self) -> None:
        self.show_ended = not self.show_ended
        self.on_snapshot(Snapshot(self.incidents))
        self.watcher.poke(reset_selection=True)

    def action_jump(self, n: int) -> None:
        if n <= len(self.table.order):
            self.table.move_cursor(row=n - 1)
            self.table.focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    # -- command palette ----------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for action in ACTIONS:
            if action.action == "quit":
                continue
            yield SystemCommand(
                action.label, action.help, lambda name=action.action: self.run_action(name)
            )
        yield from super().get_system_commands(screen)
