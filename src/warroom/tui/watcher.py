"""Notice changes other consoles make, and read what the screen needs.

One long-lived connection in one worker thread polls `PRAGMA data_version`
(which moves when *another* connection commits) every quarter second. Our own
writes use other connections, so they are noticed the same way; `poke()` makes
the next read happen at once instead of waiting for the tick.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom import store
from warroom.domain.policy import Policy
from warroom.domain.timeline_state import TimelineState
from warroom.errors import WarroomError
from warroom.store import read_model
from warroom.tui.messages import RowsLeftOut, Selection, Snapshot, WatchFailed

if TYPE_CHECKING:
    import sqlite_utils

POLL_SECONDS = 0.25


BIG_TIMELINE = 10_000  # entries; a fold this large is frozen out of the collector


class DatabaseWatcher:
    """Reads snapshots when the file changes; runs inside a thread worker."""

    def __init__(self, path: Path, post: Callable[[Any], object], policy: Policy) -> None:
        self.path = path
        self.post = post
        self.policy = policy  # ranks severities for the list order
        self.selected_id: int | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._shown_id: int | None = None
        self._last_entry_id = 0
        self._force = False
        self._said: set[str] = set()  # unreadable rows already named
        self._list: read_model.IncidentList | None = None
        self._histories = read_model.ClockHistories()  # folded as the timeline grows
        # start-up reads the live incidents first and the selected one's view, so the
        # screen fills at once; then the resolved and closed ones (the list's `t`)
        self._live_only = True
        self._rest_due = False

    def poke(self, *, reset_selection: bool = False) -> None:
        """Read now: after our own write (everything), or when the selection changed
        (only the selected incident; the list is re-read only when the file changed)."""
        if reset_selection:
            self._shown_id = None
        else:
            self._force = True
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        db: sqlite_utils.Database | None = None
        version = -1
        read_model.forget_unreadable()
        try:
            while not self._stop.is_set():
                try:
                    if db is None:
                        db = store.connect(self.path)
                    current = store.data_version(db)
                    if current != version or self._wake.is_set():
                        changed = current != version or self._force
                        self._wake.clear()
                        self._force = False
                        version = current
                        self.post(self.read(db, changed=changed))
                        self._say_unreadable()
                        if self._rest_due:  # start-up: the live incidents are on screen
                            self._wake.set()
                except (WarroomError, OSError) as exc:
                    self.post(WatchFailed(str(exc)))
                except Exception as exc:  # sqlite3 errors while another process writes
                    self.post(WatchFailed(f"cannot read the database: {exc}"))
                self._wake.wait(POLL_SECONDS)
        finally:
            if db is not None:
                db.conn.close()

    def _say_unreadable(self) -> None:
        """Name rows left out for an unusable stored time, each once (they stay out)."""
        fresh = [line for line in read_model.unreadable_times() if line not in self._said]
        if fresh:
            self._said.update(fresh)
            self.post(RowsLeftOut(read_model.unreadable_warning(fresh)))

    def read(self, db: sqlite_utils.Database, *, changed: bool = True) -> Snapshot:
        """All incidents in list order (re-read only when the file changed), plus the
        selected one's view with its new timeline rows (see `store.read_model`)."""
        if self._rest_due:  # the read after the live incidents showed: all of them
            self._live_only = self._rest_due = False
            changed = True
        if changed or self._list is None or not self._list.incidents:
            self._list = read_model.incident_list(
                db,
                self.policy,
                show_ended=not self._live_only,
                kept=self._histories,
                previous=self._list,
            )
        listed = self._list
        incidents = list(listed.incidents)
        clocks = dict(listed.clocks)
        selected = self.selected_id
        if selected is None or selected not in listed.by_id:
            self._shown_id = None
            # nothing to show yet: the screen picks a row (and asks), unless there is none
            self._rest_due = self._live_only and not listed.incidents
            return Snapshot(incidents=incidents, clocks=clocks, breaches=listed.breaches)
        self._rest_due = self._live_only  # the selected incident is on its way to the screen
        reset = selected != self._shown_id
        view = read_model.incident_view(
            db, selected, timeline_after=0 if reset else self._last_entry_id, listed=listed
        )
        entries = list(view.timeline)
        folded = None
        if reset:  # fold a whole timeline here, off the UI thread
            folded = TimelineState()
            folded.add(entries)
            folded.current()
            if len(entries) >= BIG_TIMELINE:
                # the loaded timeline lives on: later full collections skip it
                # (100k entries: 120-256 ms per collection -> 0); it holds no cycles,
                # so it is still freed when another incident is shown
                gc.freeze()
        newest = max((e.id for e in entries), default=0)
        self._last_entry_id = newest if reset else max(self._last_entry_id, newest)
        self._shown_id = selected
        selection = Selection(
            view.incident,
            list(view.roles),
            entries,
            reset,
            list(view.engagements),
            list(view.checklists),
            list(view.follow_ups),
            folded,
        )
        return Snapshot(
            incidents=incidents, selection=selection, clocks=clocks, breaches=listed.breaches
        )
