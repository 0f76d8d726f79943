"""The war room: the incident list, the selected incident and its panes.

The screen owns the console's state (the incidents read, the selection, whether
ended incidents show, the search, whether this console only observes) and
pushes it down into its widgets, by `data_bind` or by `show(...)`; widgets post
messages up. Snapshots come from the watcher; writes go through the bridge and
come back as `WriteDone` / `WriteRefused`. One heartbeat a second redraws ages
and countdowns where they changed.
"""

from __future__ import annotations

import datetime as dt
import operator
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.reactive import var
from textual.widgets import ContentSwitcher

from warroom import store
from warroom.domain import checklists as checklist_rules
from warroom.domain import escalation, sla
from warroom.domain.engine_presence import EngineOnRecord, EnginePresence, presence
from warroom.domain.entries import parse_typed_entry
from warroom.domain.models import Engagement, Incident
from warroom.domain.pages import Page, page_line
from warroom.domain.policy_record import (
    PolicyMismatch,
    record_of,
    unknown_severity,
    warning_lines,
)
from warroom.domain.timeline_state import TimelineState
from warroom.domain.visible import visible_line
from warroom.domain.vocabulary import OPEN_STATUSES
from warroom.store import read_model
from warroom.tui.bridge import HooksRan, Read, Sweep, Write, WriteDone, WriteRefused, bridge_of
from warroom.tui.deadline_board import BoardReading, DeadlineBoard
from warroom.tui.keys import bindings
from warroom.tui.messages import (
    ClockInputs,
    RowsLeftOut,
    Selection,
    Snapshot,
    TimelinePageRead,
    WatchFailed,
)
from warroom.tui.one_frame import draw_soon, hand_over
from warroom.tui.reach import reach_lines
from warroom.tui.screens.console_base import ConsoleSettings
from warroom.tui.screens.incident_forms import IncidentForms
from warroom.tui.screens.policy_tools import PolicyTools
from warroom.tui.screens.timeline_tools import TimelineTools
from warroom.tui.start_up_gc import (
    IDLE_SECONDS,
    StartUpCollector,
    collect_if_due,
    first_frame_drawn,
    give_back_freed,
)
from warroom.tui.watcher import DatabaseWatcher
from warroom.tui.widgets.alert_pane import AlertPane
from warroom.tui.widgets.checklist_pane import ChecklistPane
from warroom.tui.widgets.deadline_panes import LadderPane, SlaPane
from warroom.tui.widgets.entry_line import EntryLine
from warroom.tui.widgets.follow_up_pane import FollowUpPane
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.incident_table import IncidentTable
from warroom.tui.widgets.keys_footer import KeysFooter
from warroom.tui.widgets.pages_line import FailedPages, PagesLine, failed_summary
from warroom.tui.widgets.status_bar import StatusBar
from warroom.tui.widgets.timeline_paging import TimelinePageWanted
from warroom.tui.widgets.timeline_view import TimelineView

# start-up's reads are on screen well within this, even at 10,000 incidents
START_UP_GC_SECONDS = 30.0


class WarRoomScreen(IncidentForms, TimelineTools, PolicyTools):
    """The console's one main screen."""

    BINDINGS = bindings()
    # whether an engine runs on the file, judged each second from its last heartbeat
    engine_presence: var[EnginePresence | None] = var(None)

    def __init__(self, settings: ConsoleSettings) -> None:
        super().__init__(settings)
        self.board = DeadlineBoard(settings.policy)
        self.engagements: list[Engagement] = []
        self.shown_id: int | None = None  # the incident the detail panes show
        # which reading of the file the timeline shown is of (None: paged, or none)
        self._timeline_reading: int | None = None
        self._writes_readied = False  # the service layer loaded (`Bridge.ready_writes`)
        self.loaded = False  # the first read has reached the screen
        self._sweeping = False
        self._watcher: DatabaseWatcher | None = None
        # the list part of the last snapshot taken whole (incidents, clock inputs, breaches)
        self._last_list: (
            tuple[list[Incident], dict[int, ClockInputs], frozenset[tuple[int, str, str]]] | None
        ) = None
        # the incidents last handed down and their ids, in the same order
        self._ids: tuple[list[Incident], tuple[int, ...] | None] = ([], None)
        self._failed_pages = FailedPages()  # FAILED pages already popped up
        self._policy_seen: str | None = None  # the policy in effect, as last read
        self._policy_read = False  # a snapshot said which policy is in effect
        self.engines_on_record: tuple[EngineOnRecord, ...] = ()  # as last read
        self._collector = StartUpCollector()  # full collections wait for start-up's read
        # what the clock panes were last drawn from: (incident, roles, calls)
        self._clocks_drawn: tuple[object, ...] = ()

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        settings = self.settings
        yield StatusBar(
            person=settings.actor.name, file_name=settings.db_path.name, id="top-bar"
        ).data_bind(
            incidents=WarRoomScreen.incidents,
            show_ended=WarRoomScreen.show_ended,
            observer=WarRoomScreen.observer,
            policy_differs=WarRoomScreen.policy_differs,
            engine=WarRoomScreen.engine_presence,
        )
        yield IncidentTable(severities=self.policy.severity_names, id="incidents")
        with Vertical(id="incident-pane"):
            yield IncidentDetail(policy=self.policy, tz=self.tz, id="detail")
            yield PagesLine(tz=self.tz, id="pages")
            with Container(id="body"):
                with ContentSwitcher(initial="timeline", id="left"):
                    yield TimelineView(tz=self.tz, today=self.today(), id="timeline")
                    yield ChecklistPane(
                        tz=self.tz, runbooks=settings.runbooks, id="checklist"
                    ).data_bind(incident_id=WarRoomScreen.selected_id)
                    yield FollowUpPane(tz=self.tz, id="follow-ups")
                    yield AlertPane(tz=self.tz, id="alerts")
                with Container(id="clocks"):
                    yield SlaPane(tz=self.tz, id="sla")
                    yield LadderPane(tz=self.tz, id="ladder")
            yield EntryLine(id="entry")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.retitle()
        self.table.border_title = "Incidents"
        self.table.focus()
        self._collector.hold()
        # however start-up goes (a file that cannot be read), full collections resume
        self.set_timer(START_UP_GC_SECONDS, lambda: self._collector.release(freeze=False))
        self._watcher = bridge_of(self).watch(self)
        self._watcher.selected_id = self.selected_id
        self.set_interval(1.0, self.heartbeat, name="heartbeat")
        self.read(Read(store.read_only_reason, self._observing))
        # the collector runs again once the first frame is out (the app's Ready; this
        # as a safety net): see start_up_gc
        self.call_after_refresh(first_frame_drawn)
        # the first console records its policy; a later one with another policy says so
        # (`_policy_in_effect`, from the first snapshot: the common case, the policy
        # recorded is this one, needs no write, and start-up no service)

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        self._collector.close()  # back to the collector (a process that opens consoles again)

    def _policy_in_effect(self, fingerprint: str | None) -> None:
        """Someone recorded another policy while this console runs (`warroom policy
        adopt`, `L` elsewhere): check this console's against it again."""
        if not self._policy_read:  # the first reading: start-up's check
            self._policy_read = True
            self._policy_seen = fingerprint
            if fingerprint != record_of(self.policy).fingerprint:
                self._check_policy()  # none recorded (record it) or another one (say so)
            return
        seen, self._policy_seen = self._policy_seen, fingerprint
        if seen is None or fingerprint is None or fingerprint == seen:
            return  # no change: the check said it
        self._check_policy()

    def _check_policy(self) -> None:
        """Compare this console's policy with the one recorded in the file (recording
        it if none is); `_policy_checked` shows what differs."""
        self.write(
            Write(
                # the kept next deadlines (`warroom list`'s) are left to the next
                # command: filling them for a big file held the first entries for seconds
                lambda room: room.check_policy(fill=False),
                "policy check",
                on_success=self._policy_checked,
                quiet=True,
            )
        )

    def _policy_checked(self, found: PolicyMismatch | None) -> None:
        """This console's policy is not the one the file records: say which, and how
        to adopt one; the top bar keeps saying it."""
        self.policy_mismatch = found  # what `L` (adopt) shows
        if found is None:
            self.policy_differs = None
            return
        recorded = found.recorded
        self.policy_differs = f"{Path(recorded.source).name} ({recorded.fingerprint})"
        lines = warning_lines(found, str(self.settings.db_path))
        self.notify(
            "\n".join(lines), title="Different policy", severity="warning", markup=False, timeout=30
        )

    def _observing(self, reason: str | None) -> None:
        """This console can only read (--read-only, a read-only file or folder): say so."""
        self.observer = reason

    def on_resize(self, event: events.Resize) -> None:
        """Lay out for the size just reached, and redraw at once what was drawn for
        the old one (not one resize or one heartbeat behind)."""
        # small terminals (80x24): clocks go under the detail, the detail and list shrink
        width, height = event.size
        self.set_class(width < 110, "-narrow")
        self.set_class(height < 32, "-short")
        if not self.loaded:
            return
        now = self.clock.now()
        self._show_deadlines(now, self.board.read(now).timers)  # Reach shows when tall
        timeline = self.timeline
        if timeline.cursor == -1:  # following the newest: still the newest once laid out
            self.call_after_refresh(timeline.scroll_end, animate=False, immediate=True)

    @property
    def table(self) -> IncidentTable:
        return self.query_one(IncidentTable)

    # -- what the watcher read ------------------------------------------------------

    def visible_incidents(self) -> list[Incident]:
        """The live incidents and the resolved ones (marked and dimmed) until they are
        closed, so the resolution update, the cause and the close need no `t`; `t`
        adds the closed and cancelled ones."""
        if self.show_ended:
            return self.incidents
        # in list order the closed and cancelled ones come last: the list is a prefix
        # (10,000 incidents: no walk over every row when the list arrives)
        ended = read_model.stage_from(self.incidents, 2)
        return self.incidents[:ended]

    def on_snapshot(self, message: Snapshot) -> None:
        # the screen is its one reader: not passed on to the app (a second dispatch of
        # every snapshot, i.e. of every entry another console logs)
        message.stop()
        self.loaded = True
        self.query_one(StatusBar).loaded = True
        now = self.clock.now()
        self._say_failed_pages(message.failed_pages)
        self._policy_in_effect(message.policy_in_effect)
        self.engines_on_record = message.engines
        self.engine_presence = presence(self.engines_on_record, now, self.tz)
        timers: Mapping[int, tuple[sla.Timer, ...]]
        # the same list, unless it brings the board's state start-up's first one lacked
        board_kept = self._same_list(message) and message.board_pending == self.board.pending
        if board_kept:
            # a selection read (j/k): the list, its deadlines and the record are the
            # ones already shown; redraw only the selected incident's panes
            timers = self.board.timers(now)
        else:
            self._last_list = (message.incidents, message.clocks, message.breaches)
            self.query_one(StatusBar).counts = message.counts
            self.incidents = message.incidents
            self._ids = (message.incidents, message.ids)
            new_breaches = self.board.update(
                message.incidents,
                message.clocks,
                message.breaches,
                message.prepared,
                message.board,
                pending=message.board_pending,
            )
            if new_breaches and self.policy.bell:
                self.app.bell()
            reading = self.board.read(now)
            if (
                not self._collector.frozen
                and self._watcher is not None
                and self._watcher.whole_list_read
            ):
                self.call_after_refresh(self._start_up_read_kept)
            if not self._show_list(now, reading):
                return
            timers = reading.timers
        selection = message.selection
        if selection is None or selection.incident.id != self.selected_id:
            return
        self._show_selection(selection, now, timers, board_kept=board_kept)
        if selection.reset or selection.entries or selection.page is not None:
            # read for a key, or new rows (an entry typed here, or another console's):
            # drawn as soon as they came, with the list as it is
            hand_over(self.table)
            draw_soon(self)
        if selection.reset and self._watcher is not None:
            # read whole for a key (or start-up): the watcher reads around it once drawn
            self.call_after_refresh(self._watcher.settled)

    def _show_selection(
        self,
        selection: Selection,
        now: dt.datetime,
        timers: Mapping[int, tuple[sla.Timer, ...]],
        *,
        board_kept: bool = False,
    ) -> None:
        """The selected incident's panes, from a snapshot or a read held ahead.
        `board_kept`: the deadline board is as it was (the list read the same)."""
        # another console's entry: the deadlines' inputs (the board, the incident, its
        # roles and calls) are those drawn; the heartbeat moves the countdowns, as ever
        clocks_drawn = (selection.incident, selection.roles, selection.engagements)
        deadlines_kept = (
            board_kept
            and not selection.reset
            and self.shown_id == selection.incident.id
            and self._clocks_drawn == clocks_drawn
        )
        self._clocks_drawn = clocks_drawn
        self.query_one(IncidentDetail).show(selection.incident, selection.roles, now)
        self.query_one(PagesLine).show(selection.pages, now)
        was_shown, self.shown_id = self.shown_id, selection.incident.id
        self.engagements = selection.engagements
        if not deadlines_kept:
            self._show_deadlines(now, timers)
        self.query_one(ChecklistPane).show(
            selection.checklists,
            selection.incident.declared_at,
            now,
            checklist_rules.moments(selection.incident),
        )
        self.query_one(FollowUpPane).show(selection.follow_ups, self.today())
        self.query_one(AlertPane).show(selection.alerts, now)
        if selection.reset:
            self.search_text = ""
            timeline = self.timeline
            # the timeline shown so far, folded whole (not paged), unless it is this one's
            was = (
                None
                if timeline.paged is not None or was_shown == selection.incident.id
                else timeline.state
            )
            if selection.page is not None:
                timeline.open_pages(selection.page)
            else:
                timeline.replace(selection.folded or selection.entries, selection.laid_out)
            self._hand_back(was_shown, was, selection)
            self.retitle()
        elif selection.page is not None:  # rows were written: the page read again
            self.timeline.show_page(selection.page)
            self.retitle()
        else:
            self.timeline.add(selection.entries)
        # drawn with the key's cursor (or beside the entry's line), not a frame later
        hand_over(self.query_one("#incident-pane"))
        if not self._writes_readied:  # the first incident is out: the first write is near
            self._writes_readied = True
            if self.observer is None:
                self.call_after_refresh(bridge_of(self).ready_writes)

    def _hand_back(
        self, shown: int | None, folded: TimelineState | None, selection: Selection
    ) -> None:
        """`selection`'s timeline has replaced the one of `shown`: that one, `folded`
        (None: paged, or the same incident's), goes back to the watcher, which brings
        it up to date if the screen comes back to it (instead of reading it whole
        again); this screen does not touch it from here on."""
        reading = self._timeline_reading
        self._timeline_reading = selection.reading if selection.page is None else None
        watcher = self._watcher
        if watcher is None or shown is None or folded is None or reading is None:
            return
        watcher.hand_back(shown, folded, reading)

    def on_timeline_view_shaped(self, message: TimelineView.Shaped) -> None:
        """The timeline lays out in another shape (width, filter): the incidents read
        ahead from now on are laid out so."""
        if self._watcher is not None:
            self._watcher.timeline_shape = message.shape

    def _start_up_read_kept(self) -> None:
        """What start-up read and drew (every incident, their rows and deadlines) lives
        as long as the console: the cyclic garbage collector stops walking it, so that
        a full collection costs what changed since (at 10,000 incidents it took ~0.3 s,
        and came every 20 keys or so). Freed as before when no longer referenced.
        Full collections waited for this (start_up_gc.py)."""
        self._collector.release(freeze=True)
        give_back_freed()

    def _say_failed_pages(self, failed: list[Page]) -> None:
        """A page that FAILED for good stays in the top bar, and each new one pops up
        (and rings the bell) once: nobody was reached, so a person must call."""
        self.query_one(StatusBar).failed_page = failed_summary(failed)
        fresh = self._failed_pages.fresh(failed)
        for page in fresh:
            self.notify(
                f"#{page.incident_id} {page_line(page)}",
                title="Page FAILED",
                severity="error",
                markup=False,
                timeout=30,
            )
        if fresh and self.policy.bell:
            self.app.bell()

    def on_timeline_page_wanted(self, message: TimelinePageWanted) -> None:
        if self._watcher is not None:
            self._watcher.want_page(message.request)

    def on_timeline_page_read(self, message: TimelinePageRead) -> None:
        self.timeline.show_page(message.page)
        self.retitle()  # a search's count arrives with its first page

    def _same_list(self, message: Snapshot) -> bool:
        """Whether the snapshot carries the very rows last shown (the watcher re-reads
        the list only when the file changed; a selection read hands the same objects
        on), so nothing in the list or on the deadline board can have changed."""
        if self._last_list is None:
            return False
        incidents, clocks, breaches = self._last_list
        if message.incidents is incidents and message.clocks is clocks:
            return message.breaches is breaches  # the watcher handed the same list on
        return (
            message.breaches is breaches
            and len(message.incidents) == len(incidents)
            and all(map(operator.is_, message.incidents, incidents))
            and message.clocks.keys() == clocks.keys()
            and all(message.clocks[key] is inputs for key, inputs in clocks.items())
        )

    def _show_list(self, now: dt.datetime, reading: BoardReading) -> bool:
        """Redraw the list; False when the selected incident left it (the row under
        the cursor is selected instead)."""
        visible = self.visible_incidents()  # already in the read model's list order
        handed, ids = self._ids
        order = ids[: len(visible)] if ids is not None and handed is self.incidents else None
        self.table.show(visible, now, self.selected_id, self._next_due(reading), order)
        if self.selected_id not in self.table.order:
            self.selected_id = self.table.selected_id
            return False
        return True

    def on_watch_failed(self, message: WatchFailed) -> None:
        self.notify(message.reason, title="Cannot read", severity="error", markup=False)

    def on_rows_left_out(self, message: RowsLeftOut) -> None:
        self.notify(message.warning, title="Left out", severity="warning", markup=False, timeout=15)

    # -- selection ------------------------------------------------------------------

    def on_incident_table_row_highlighted(self, event: IncidentTable.RowHighlighted) -> None:
        self.selected_id = self.table.selected_id

    def watch_selected_id(self, old_id: int | None, incident_id: int | None) -> None:
        if self._watcher is None:
            return
        if incident_id is not None:
            # j/k: the incident read ahead shows with the key, in the same frame
            held = self._watcher.take(incident_id, self._nearby(old_id, incident_id))
            if held is not None:
                now = self.clock.now()
                self._show_selection(held, now, self.board.timers(now))
                self.call_after_refresh(self._watcher.settled)
                return
        self._watcher.selected_id = incident_id
        if incident_id is None:
            self.shown_id = self._timeline_reading = None
            self.query_one(IncidentDetail).show(None, [], self.clock.now())
            self.timeline.replace([])
            self.query_one(FollowUpPane).show([], self.today())
            self.query_one(AlertPane).show([], self.clock.now())
        self._watcher.poke(reset_selection=True)

    def _nearby(self, old_id: int | None, incident_id: int) -> tuple[int, ...]:
        """What the watcher reads ahead for the next keys: the two rows the cursor
        moves on to (the second while the first is shown), then the one behind it."""
        order = self.table.order
        try:
            here = order.index(incident_id)
        except ValueError:
            return ()
        step = -1 if old_id is not None and old_id in order[here + 1 : here + 2] else 1
        rows = (here + step, here + 2 * step, here - step)
        return tuple(order[row] for row in rows if 0 <= row < len(order))

    def watch_show_ended(self) -> None:
        """`t`: the list from what was last read; the deadline board keeps its record
        (a hand-made snapshot here once made it forget every breach and ring again)."""
        if not self.is_mounted or self._watcher is None:
            return
        now = self.clock.now()
        self._show_list(now, self.board.read(now))
        self._watcher.poke(reset_selection=True)

    # -- the heartbeat: once a second -----------------------------------------------

    def _next_due(self, reading: BoardReading) -> Mapping[int, str]:
        """The list's next-deadline column (an incident whose severity the policy does
        not know says so: the table, for the rows it draws)."""
        return reading.next_due

    def heartbeat(self) -> None:
        """Ages and countdowns, redrawn only where changed; a sweep when something
        fell due that nobody has recorded yet."""
        now = self.clock.now()
        # an engine's heartbeat goes stale with time alone, with no change to the file
        self.engine_presence = presence(self.engines_on_record, now, self.tz)
        reading = self.board.read(now)
        self.table.show_times(now, self._next_due(reading))
        self.query_one(IncidentDetail).show_age(now)
        today = now.astimezone(self.tz).date()
        self.timeline.set_today(today)
        follow_ups = self.query_one(FollowUpPane)
        if follow_ups.today != today:  # a new day: due dates passing turn OVERDUE
            follow_ups.show(follow_ups.items, today)
        self._show_deadlines(now, reading.timers)
        pane = self.query_one(ChecklistPane)
        # items passing their target turn OVERDUE (from the moments last read: without
        # them an item counting from the resolution lost its deadline each second, and
        # the pane was drawn again for each snapshot and each heartbeat)
        pane.show(pane.lists, pane.declared_at, now, pane.when)
        if reading.unrecorded and not self._sweeping:
            self._sweeping = True
            self.write(Sweep())
        if time.monotonic() - getattr(self.app, "keyed_at", 0.0) >= IDLE_SECONDS:
            collect_if_due()  # the person paused: the full collection that is due, now

    def _show_deadlines(
        self, now: dt.datetime, timers: Mapping[int, tuple[sla.Timer, ...]]
    ) -> None:
        incident = self.selected
        if incident is None or self.shown_id != incident.id:
            self.query_one(SlaPane).show(())
            self.query_one(LadderPane).show(None, [], now, "")
            return
        note = unknown_severity(self.policy, incident.severity) or ""
        self.query_one(SlaPane).show(timers.get(incident.id, ()), note)
        ladder = self.board.ladder(incident.id, now)
        reach = (
            ()  # a short terminal has no rows to spare: `warroom show` lists the contacts
            if self.has_class("-short")
            else reach_lines(self.policy, ladder, self.query_one(IncidentDetail).roles, now)
        )
        # an ended incident's ladder stopped with it: said, with the calls on record
        stopped = (
            ""
            if incident.status in OPEN_STATUSES
            else f"stopped: #{incident.id} is {incident.status}"
        )
        pane = self.query_one(LadderPane)
        pane.show(ladder, self.engagements, now, incident.severity, reach, stopped)

    # -- what the bridge reports (then the app's one error path) ---------------------

    def on_write_done(self, message: WriteDone[Any]) -> None:
        if isinstance(message.request, Sweep):
            self._sweeping = False
        if isinstance(message.outcome, list):
            from warroom.service.clocks import Engaged  # the service: loaded by the write

            engaged = [e for e in message.outcome if isinstance(e, Engaged)]
            if engaged:
                # a slow hook (up to its timeout) never holds back the entries typed meanwhile
                bridge_of(self).run_hooks(engaged, self)

    def on_write_refused(self, message: WriteRefused) -> None:
        if isinstance(message.request, Sweep):
            self._sweeping = False

    def on_hooks_ran(self, message: HooksRan) -> None:
        for outcome in message.outcomes:
            if outcome.failed:
                self.notify(outcome.text, title="Notify hook", severity="warning", markup=False)

    # -- key actions on the screen as a whole ---------------------------------------

    def action_log(self) -> None:
        self.query_one(EntryLine).input.focus()

    def on_entry_line_submitted(self, message: EntryLine.Submitted) -> None:
        entry_line = self.query_one(EntryLine)
        if (incident_id := self.require_incident()) is None:
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
            Write(
                lambda room: room.log(incident_id, typed.text, typed.kind, at=typed.at),
                "Logged",
                restore=lambda: entry_line.restore(message.text),
            )
        )

    def action_leave_entry(self) -> None:
        if self.focused is not None and self.focused.id == "entry-input":
            self.table.focus()

    def action_acknowledge(self) -> None:
        if (incident_id := self.require_incident()) is not None:
            self.write(Write(lambda room: room.acknowledge(incident_id), "Acknowledged"))

    def action_escalate(self) -> None:
        """Ask first: name who will be called and whether the rung is needed yet."""
        if (incident_id := self.require_incident()) is None:
            return
        now = self.clock.now()
        ladder = self.board.ladder(incident_id, now)
        rung = ladder.manual_next if ladder else None
        if ladder is None or rung is None:
            why = "its clocks have stopped" if ladder is None else "nobody is left on its ladder"
            self.notify(f"Nothing to escalate: #{incident_id} {why}", severity="warning")
            return
        chain = escalation.fall_through(ladder, rung, manual=True)

        def confirmed(page: bool | None) -> None:
            if page:
                expected = rung.rung.who
                self.write(
                    Write(
                        lambda room: room.escalate(incident_id, expected=expected),
                        f"Escalated #{incident_id} to {visible_line(chain[-1].rung.who)}",
                    )
                )

        from warroom.tui.dialogs.escalate import EscalateScreen  # dialogs: when opened

        self.app.push_screen(EscalateScreen(f"#{incident_id}", chain, now, self.tz), confirmed)

    def action_attach_runbook(self) -> None:
        self.query_one(ChecklistPane).attach()

    def action_detach_runbook(self) -> None:
        self.query_one(ChecklistPane).detach()

    def action_toggle_ended(self) -> None:
        self.show_ended = not self.show_ended

    def action_zoom_timeline(self) -> None:
        """`z`: the timeline (or the pane in its place) takes the whole width; again,
        the SLA and ladder panes come back (the list keeps each incident's next deadline)."""
        self.toggle_class("-zoomed")
        self.notify(
            "Timeline zoomed: z brings the clocks back."
            if self.has_class("-zoomed")
            else "The clocks are back beside the timeline.",
            timeout=3,
        )

    def action_jump(self, n: int) -> None:
        if n <= len(self.table.order):
            self.table.move_cursor(row=n - 1)
            self.table.focus()

    def action_help(self) -> None:
        from warroom.tui.dialogs.help import HelpScreen  # dialogs: when opened

        self.app.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        await self.app.action_quit()
