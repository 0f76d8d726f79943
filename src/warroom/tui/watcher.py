"""Notice changes other consoles make, and read what the screen needs.

One long-lived connection in one worker thread polls `PRAGMA data_version`
(which moves when *another* connection commits) every quarter second, and every
0.15 s for a few seconds after the file moved (a scribe at work). Our own
writes use other connections, so they are noticed the same way; `poke()` makes
the next read happen at once instead of waiting for the tick. Another file put in
the file's place (a restore's `os.replace`) is noticed by its inode, and read whole.

A timeline too long to hold (`read_model.timeline_is_big`) is read a page at a
time on this thread too: its view asks (`want_page`), the page is posted back
(`TimelinePageRead`), and when rows are written the page last read is read again.

Moving through the list (`j`/`k`) shows the next incident in the same frame as the
key: once a selection settles, this thread reads the incidents above and below it
ahead (`nearby`), and the screen `take`s such a held read synchronously. A held read
is good only for the file as it was read: any commit (ours or another console's)
drops them all, and `take` wakes this thread, which reads what changed since at once,
exactly as for the incident already shown.

Start-up reads the live incidents and the selected one first, so the screen fills
at once (with the deadlines of the first rows only: the deadline board's state for
every live incident, ~0.2 s at 10,000, follows in the next snapshot); the closed
and cancelled ones (the list's `t`, their post-mortem clocks)
are read after, on a thread of their own with its own connection (10,000
incidents: ~4,000 of them, ~0.35 s of reading and working out deadlines), so an
entry typed or a key pressed meanwhile is read and shown at once instead of waiting
behind them. They are read a batch at a time, and the rest waits between batches
while the person moves through the list (it shares the interpreter with the
console's thread). They are then added after the live list (its very objects, with
their deadlines, so the screen takes them at a glance) and brought up to date here
(the rows changed since either was read) before the screen gets them. Meanwhile
the incidents near the selection are read ahead from the live list (it holds every
row the screen lists).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom import store
from warroom.domain.models import Incident, TimelineEntry
from warroom.domain.policy import Policy
from warroom.domain.timeline_filters import TIMELINE_FILTERS
from warroom.domain.timeline_state import TimelineState
from warroom.domain.vocabulary import SCRIBE_KINDS
from warroom.errors import WarroomError
from warroom.store import read_model
from warroom.tui import file_writes, timeline_layout
from warroom.tui.deadline_prep import BoardWork, Prepared, prepare_all, work_out
from warroom.tui.messages import (
    ClockInputs,
    RowsLeftOut,
    Selection,
    Snapshot,
    TimelinePageRead,
    WatchFailed,
)
from warroom.tui.timeline_layout import TimelineLayout, TimelineShape

if TYPE_CHECKING:
    import datetime as dt

    import sqlite_utils

    from warroom.domain.engine_presence import EngineOnRecord
    from warroom.domain.pages import Page

POLL_SECONDS = 0.25
# while the file is moving (a scribe logging, say), poll faster for a few seconds, so
# another console's entry shows sooner; a quiet file is polled at POLL_SECONDS
BUSY_POLL_SECONDS = 0.15
BUSY_FOR_SECONDS = 5.0
# where the file's writes are heard (`file_writes`: Linux), each commit wakes the watcher
# at once and it polls only this often, in case a write went unheard; a write heard that
# did not show as a change yet (the commit under way, a checkpoint) is looked at again
# after RECHECK_SECONDS and then BUSY_POLL_SECONDS, as a moving file was before
HEARD_POLL_SECONDS = 1.0
RECHECK_SECONDS = 0.02
# a new selection is read ahead around once; after a commit dropped those reads, they
# are read again only for a console whose person moved the selection this recently (a
# console left on one incident reads nothing extra while a scribe logs elsewhere)
NEARBY_SECONDS = 30.0
# a console just opened reads ahead again after a commit for this long, even before its
# person moves (its own start-up writes, the policy check, land after its first read-ahead)
OPENED_SECONDS = 5.0
# the rest (start-up's closed and cancelled incidents, ~1 s of reading at 10,000) is read
# while nobody moves: it shares the interpreter with the console's thread, and keys
# pressed meanwhile took two to four frames; it goes on once the selection stayed put
# this long (a person reading an incident, or between keys)
REST_QUIET_SECONDS = 0.5
# start-up's first snapshot carries the deadlines of the list's first rows only (those on
# screen, with room for a tall terminal); the deadline board's work for every live
# incident (10,000 incidents: ~0.2 s of the interpreter, which the console's thread
# shares) follows in the next snapshot, once the screen has drawn the first
FIRST_ROWS = 128
# start-up's first read of a list longer than this: its first rows only, sorted by SQLite
# (`read_model.first_page`); every row comes with the board's snapshot (10,000
# incidents: on screen ~50 ms sooner on a slow machine). The same rows on screen as
# FIRST_ROWS; apart so that a test can read a whole list with the first rows' clocks
FIRST_PAGE = FIRST_ROWS
# the board's work for the other rows is done a batch of incidents at a time; between
# batches a key or an entry waiting is read and posted first (`_board_between`), so
# neither waits behind more than a batch (10,000 incidents: ~0.5 s of work in all,
# which the first keys and the first entry waited behind)
BOARD_BATCH = 256
# and while the person moves through the list the board's work waits (as the rest
# does), but never longer than this after the first snapshot: until it is whole, rows
# below the first screenful read "working out…" and nothing rings
BOARD_WAIT_SECONDS = 2.0
# while the person's own write is under way (an entry just typed, an ack), the list and
# board work waits between its batches, until this long after it was asked: the write shares the
# interpreter with it, and each of its ~25 statements gave the interpreter lock back
# and waited up to a switch interval (5 ms) to take it again (10,000 incidents: an
# entry's write took 60-125 ms beside start-up's board instead of ~5 ms alone)
WRITE_WAIT_SECONDS = 0.25
# (looking this often for a key pressed meanwhile, which is read first)
KEY_LOOK_SECONDS = 0.005
# and once its entry is posted, the work waits this long more while the screen draws it
DRAWN_SECONDS = 0.04
# the timelines of the incidents the screen showed last, handed back as it moved on
# (`hand_back`), kept to be brought up to date when it comes back to one (a busy
# incident of ~1,800 entries: ~20-30 ms read whole, against ~1 ms brought on): at most
# this many incidents, and this many timeline rows in all (the oldest let go first)
RETURNED_MOST = 8
RETURNED_ROWS = 20_000


@dataclass(frozen=True)
class HeldRead:
    """A selection read ahead, with what the watcher follows the shown incident by."""

    selection: Selection
    # the file's newest timeline row as this read saw it (its incident's rows up to it
    # are all shown with it): what is read after, once shown
    newest: int
    window: read_model.PageRequest | None  # a long timeline: the page it was read as
    page: read_model.TimelinePage | None
    version: int  # the file's data_version it was read at


# the closed and cancelled incidents in list order, and the deadline board's work for them
Rest = tuple[read_model.IncidentList, dict[int, Prepared]]


class _GaveUp(Exception):
    """A read ahead given up half way: something the person waits for came first."""


class DatabaseWatcher:
    """Reads snapshots when the file changes; runs inside a thread worker."""

    def __init__(
        self,
        path: Path,
        post: Callable[[Any], object],
        policy: Policy,
        *,
        hear_writes: bool = True,
    ) -> None:
        self.path = path
        self.post = post
        self.policy = policy  # ranks severities for the list order
        self.selected_id: int | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._shown_id: int | None = None
        self._last_entry_id = 0
        self._force = False
        self._read_wanted = False  # poked: read now, even if the file did not change
        self._asked = threading.Lock()  # guards _page_wanted (set on the UI thread)
        self._page_wanted: read_model.PageRequest | None = None
        self._window: read_model.PageRequest | None = None  # the shown long timeline's page
        self._page: read_model.TimelinePage | None = None  # the last page read of it
        self._rule = TIMELINE_FILTERS["all"]  # the filter a long timeline was last read with
        # how the screen's timeline lays out (set by the screen): a timeline read whole
        # for a key is laid out here too, off the console's thread (None: not yet known)
        self.timeline_shape: TimelineShape | None = None
        self._said: set[str] = set()  # unreadable rows already named
        self._list: read_model.IncidentList | None = None
        # the list last handed to the screen, as the containers it was handed in
        self._handed: (
            tuple[read_model.IncidentList, list[Incident], dict[int, ClockInputs]] | None
        ) = None
        self._prepared: dict[int, Prepared] = {}  # the deadline board's work, by incident
        self._board: BoardWork | None = None  # and its whole state, for the list handed
        self._board_list = -1  # the `serial` of the list it was worked out from
        self._dropped_here: tuple[object, ...] = ()  # see `read`
        # start-up: the first snapshot went without the board's state; work it out next
        self._board_due = False
        self._posted: Snapshot | None = None  # the last snapshot posted
        self._board_until = 0.0  # the board's work waits for moves until then (monotonic)
        self._served_version = -1  # the file's version a served read last read at
        self._file_wide: tuple[list[Page], tuple[EngineOnRecord, ...], str | None] | None = None
        self._histories = read_model.ClockHistories()  # folded as the timeline grows
        # start-up reads the live incidents first and the selected one's view, so the
        # screen fills at once; then the resolved and closed ones (the list's `t`)
        self._live_only = True
        self._rest_due = False
        # reads held ahead for the incidents near the selection (guarded by _asked,
        # taken on the UI thread); `_taken` counts takes, so a read that was under way
        # when the screen took another incident's held read is not handed on
        self._held: dict[int, HeldRead] = {}
        # reads held for an older version of the file (this thread's only): a commit
        # elsewhere leaves their timelines as they were, so they are brought up to date
        # (`_carried`) rather than read whole again (an incident of ~1,800 entries: ~20 ms
        # whole against well under 1 ms brought on)
        self._stale: dict[int, HeldRead] = {}
        # timelines the screen showed and handed back (`hand_back`; guarded by _asked),
        # the latest last; and which reading of the file they are of (a file put in
        # place of another is read from scratch: `_forget_file` counts one more)
        self._returned: dict[int, TimelineState] = {}
        self._reading = 0
        # a key's incident read for it is posted: nothing is read ahead until the screen
        # has drawn it (`settled`), or this long after (monotonic; guarded by _asked)
        self._drawing_until = 0.0
        self._nearby: tuple[int, ...] = ()
        self._monotonic = time.monotonic  # moves, the busy poll (a test steps its own)
        self._moved_at = -NEARBY_SECONDS
        self._opened_at = -OPENED_SECONDS  # start-up's first selection
        self._ahead_due = False  # a new selection, not read ahead around yet
        self._taken = 0
        self._version = -1  # the data_version last read at
        self._rest_beside = False  # run(): the rest is read on its own thread
        self._rest_lock = threading.Lock()  # guards _rest (set on the rest's thread)
        self._rest: Rest | BaseException | None = None
        # the file's writes heard (`file_writes`), so the file is polled rarely
        self._hear_writes = hear_writes
        self._writes: file_writes.FileWrites | None = None
        self._heard = False  # a write heard since the file was last looked at
        self._rechecks = 0  # looks since a write heard that showed no change yet
        # our own writes: poked since this look began (`_own_write_first` shows it before
        # the list read under way is done), and the person's writes asked and not done
        self._written = False
        self._tried_version = -1  # the file's version last looked at for it
        self._writes_under_way = 0
        self._write_asked_at = 0.0  # when the first of them was asked (monotonic)
        self._no_write = threading.Event()
        self._no_write.set()

    def poke(self, *, reset_selection: bool = False) -> None:
        """Read now: after our own write (everything), or when the selection changed
        (only the selected incident; the list is re-read only when the file changed)."""
        if reset_selection:
            self._shown_id = None
        else:
            self._force = True
            with self._asked:  # the loop takes it under the lock: a poke is never lost
                self._written = True
        self._read_wanted = True
        self._wake.set()

    def write_asked(self) -> None:
        """The person asked for a write (on the UI thread, as it is queued): the list
        and board work waits between its batches until `write_done` (at most
        `WRITE_WAIT_SECONDS` a time), so the write runs with the interpreter to itself."""
        with self._asked:
            if not self._writes_under_way:
                self._write_asked_at = self._monotonic()
            self._writes_under_way += 1
            self._no_write.clear()

    @property
    def write_under_way(self) -> bool:
        """Whether a write the person asked for is not done yet."""
        return not self._no_write.is_set()

    def write_done(self) -> None:
        """The write asked for is done (committed and `poke`d, or refused)."""
        with self._asked:
            self._writes_under_way = max(0, self._writes_under_way - 1)
            if not self._writes_under_way:
                self._no_write.set()

    def take(self, incident_id: int, nearby: Sequence[int] = ()) -> Selection | None:
        """The screen selected `incident_id` (on its thread): its held read, if one is
        held for the file as last read (the watcher then follows it as the shown
        incident and checks the file at once), else None (then `poke`). `nearby`: the
        incidents to read ahead next, the likeliest first."""
        with self._asked:
            if self.selected_id is not None:  # a move (not start-up's first selection)
                self._moved_at = self._monotonic()
            else:  # a console just opened is about to be used: read ahead again for a while
                self._opened_at = self._monotonic()
            self.selected_id = incident_id
            self._nearby = tuple(nearby)
            self._ahead_due = True
            held = self._held.pop(incident_id, None)  # handed out once: the view keeps it
            if held is not None and held.version != self._version:
                held = None
            if held is not None:
                self._taken += 1
                self._shown_id = incident_id
                self._last_entry_id = held.newest
                self._window, self._page = held.window, held.page
        if held is None:
            self._wake.set()
        # else `settled` wakes this thread once the screen has drawn it: reading ahead
        # meanwhile would hold the interpreter lock the frame is drawn with (likewise
        # once it has drawn a selection read for it)
        return None if held is None else held.selection

    def settled(self) -> None:
        """The screen drew the incident it took, or a selection read for it: check the
        file (what changed since the held read is read on from it), then read ahead
        around the new place."""
        with self._asked:
            self._drawing_until = 0.0
        self._wake.set()

    def hand_back(self, incident_id: int, folded: TimelineState, reading: int) -> None:
        """The screen moved off `incident_id` (on its thread) and no longer touches the
        timeline it showed, `folded` (whole, not paged), read from the file's `reading`
        (`Selection.reading`): kept, to be brought up to date and handed out again if
        the screen comes back to it (see `RETURNED_MOST`)."""
        with self._asked:
            if reading == self._reading:  # else of a file since put aside
                self._keep_returned(incident_id, folded)

    def _keep_returned(self, incident_id: int, folded: TimelineState) -> None:
        """(Under `_asked`.) Keep `folded`, `incident_id`'s whole timeline, to be brought
        up to date when it is wanted again; the oldest kept are let go past the limits."""
        returned = self._returned
        returned.pop(incident_id, None)
        returned[incident_id] = folded
        rows = sum(len(kept.rows) for kept in returned.values())
        while len(returned) > RETURNED_MOST or rows > RETURNED_ROWS:
            rows -= len(returned.pop(next(iter(returned))).rows)

    @property
    def whole_list_read(self) -> bool:
        """Start-up is over: the list read holds every incident (not the live ones first)."""
        return not self._live_only

    def holds(self, incident_id: int) -> bool:
        """Whether a read of `incident_id` is held ahead for the file as last read."""
        with self._asked:
            held = self._held.get(incident_id)
            return held is not None and held.version == self._version

    def want_page(self, request: read_model.PageRequest) -> None:
        """Read this page of the shown long timeline now (the last one asked wins)."""
        with self._asked:
            self._page_wanted = request
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        db: sqlite_utils.Database | None = None
        version = -1
        file_moved_at = -BUSY_FOR_SECONDS  # when the file last moved (monotonic)
        identity: tuple[int, int] | None = None  # the open file's (device, inode)
        read_model.forget_unreadable()
        if self._hear_writes:
            self._writes = file_writes.listen(self.path, self._write_heard)
        try:
            while not self._stop.is_set():
                # cleared first: what wakes it from here on is looked at next time round
                # (a file that cannot be opened does not spin on a wake left set)
                self._wake.clear()
                heard, self._heard = self._heard, False
                moved = False
                commit_posted = False
                posted = self._posted
                try:
                    if db is not None and self._replaced(identity):
                        # another file put in its place (a restore): its connection still
                        # reads the old one; read the new one from scratch
                        db.conn.close()
                        db, version = None, -1
                        self._forget_file()
                    if db is None:
                        identity = self._identity()  # before: a file put in place meanwhile
                        db = store.connect(self.path)  # is noticed on the next look
                        identity = identity or self._identity()
                    # this look reads every commit before it: ours among them?
                    with self._asked:
                        written, self._written = self._written, False
                        written = written or self._writes_under_way > 0
                    current = store.data_version(db)
                    moved = current != version
                    if current != version:
                        file_moved_at = self._monotonic()
                        with self._asked:  # reads held ahead were for the file as it was
                            self._held_go_stale()
                            self._version = current
                        self._served_version = -1  # this read is as new as any served
                    self._read_page(db)
                    if current != version or self._read_wanted or self._board_due:
                        changed = current != version or self._force
                        self._read_wanted = False
                        self._force = False
                        old_version, version = version, current
                        if moved and written and self._board is not None:
                            # the file moved with our own write (or while it was under
                            # way): its new entries first, then the list read
                            self._own_write_shown(db, current, list_is_current=False)
                        snapshot = self.read(db, changed=changed)
                        if changed or self._file_wide is None:
                            # what the whole file says beside the list: read when it changed,
                            # not on each selection read (j/k)
                            self._file_wide = (
                                read_model.failed_pages(db),
                                tuple(read_model.engines(db)),  # heartbeats move it
                                read_model.recorded_fingerprint(db),
                            )
                        (
                            snapshot.failed_pages,
                            snapshot.engines,
                            snapshot.policy_in_effect,
                        ) = self._file_wide
                        if snapshot.selection is not None and snapshot.selection.reset:
                            # a key's incident (read, not held): drawn first, as a held one
                            # is (the screen says `settled` once it is), then read around
                            with self._asked:
                                self._drawing_until = self._monotonic() + POLL_SECONDS
                        self.post(snapshot)
                        self._posted = snapshot
                        commit_posted = current != old_version
                        self._say_unreadable()
                        if self._rest_due and not self._rest_beside and snapshot.board:
                            # start-up: the live incidents are on screen (with the board's
                            # state); the rest is read beside, and this thread stays free
                            # for what is asked
                            self._rest_beside = True
                            self._start_rest()
                    if (
                        not self._wake.is_set()
                        and not commit_posted
                        and not self._board_due
                        and not self._drawing()
                    ):
                        # after a commit's snapshot, read ahead on the next poll: the screen
                        # draws that entry meanwhile, and reading ahead at once held the
                        # interpreter lock its frame is drawn with (3-5 ms an entry at
                        # 1,000 incidents); after a key's read, once it is drawn (busy
                        # incidents: a whole read beside the key's frame took it from
                        # ~10 to 30-50 ms)
                        self._read_ahead(db)
                except (WarroomError, OSError) as exc:
                    self.post(WatchFailed(str(exc)))
                except Exception as exc:  # sqlite3 errors while another process writes
                    self.post(WatchFailed(f"cannot read the database: {exc}"))
                if self._posted is posted:
                    # a look with nothing new: the screen has taken the last snapshot by
                    # now, and the containers it replaced are freed here (see `read`)
                    self._dropped_here = ()
                busy = self._monotonic() - file_moved_at < BUSY_FOR_SECONDS
                poll = BUSY_POLL_SECONDS if busy else POLL_SECONDS
                self._wake.wait(self._next_look(poll, heard=heard, moved=moved))
        finally:
            if self._writes is not None:
                self._writes.stop()
            if db is not None:
                db.conn.close()

    def _identity(self) -> tuple[int, int] | None:
        """The file at the path now, as (device, inode); None if there is none."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_dev, found.st_ino

    def _replaced(self, identity: tuple[int, int] | None) -> bool:
        """Whether another file took the path since it was opened (`os.replace` of a
        restored copy: the connection stays on the old file). A path with no file at all
        keeps the connection (as before)."""
        now = self._identity()
        return now is not None and identity is not None and now != identity

    def _forget_file(self) -> None:
        """Another file took the path: nothing read from the old one is handed on (the
        list, its clock histories, the shown incident's place) and it is read whole."""
        read_model.forget_unreadable()
        with self._asked:
            self._held.clear()
            self._stale.clear()  # of another file: nothing of them is brought on
            self._returned.clear()
            self._reading += 1
            self._shown_id = None  # read whole again, as the new file has it
            self._last_entry_id = 0
            self._window = self._page = None
        self._list = None
        self._handed = None
        self._histories = read_model.ClockHistories()
        self._file_wide = None
        self._served_version = -1
        self._force = True

    def _write_heard(self) -> None:
        """The file was written (on the `file_writes` thread): look at it now."""
        self._heard = True
        self._wake.set()

    def _next_look(self, poll: float, *, heard: bool, moved: bool) -> float:
        """How long to wait before looking at the file again (unless woken): `poll`
        where writes are not heard, or while something is under way (start-up, the
        board, reading ahead for a person who moves); else rarely, as commits wake it."""
        writes = self._writes
        if writes is None or not writes.alive:
            return poll
        if self._heard:
            return 0.0  # heard while this look was under way: look again at once
        if (heard or self._rechecks) and not moved:
            # heard, but no change shows yet (the commit under way, or a checkpoint)
            self._rechecks += 1
            if self._rechecks == 1:
                return RECHECK_SECONDS
            if self._rechecks == 2:
                return poll
        self._rechecks = 0
        if self._board_due or self._rest_due or self._live_only:
            return poll  # start-up, the board: as before
        with self._asked:
            now = self._monotonic()
            moving = (
                now - self._moved_at <= NEARBY_SECONDS or now - self._opened_at <= OPENED_SECONDS
            )
            drawing = now < self._drawing_until  # see `_drawing`: `settled` wakes it
            if moving and not drawing and any(i in self._stale for i in self._nearby):
                # a commit left reads held to bring up to date (cheap, unlike a whole
                # read): once its frame is drawn, not a poll later (a key meanwhile
                # found nothing held, and waited for this thread)
                return min(poll, DRAWN_SECONDS)
            if self._ahead_due or moving:
                # reading ahead (after a commit's snapshot: on the next poll), as before
                return poll
        return HEARD_POLL_SECONDS

    def _drawing(self) -> bool:
        """Whether the screen is drawing a key's incident read for it (not `settled`
        yet, and not for long): reading ahead now would slow its frame."""
        with self._asked:
            return self._monotonic() < self._drawing_until

    def _start_rest(self) -> None:
        """Read every incident (the ended ones too) on a thread of its own."""
        threading.Thread(target=self._rest_thread, name="watcher-rest", daemon=True).start()

    def _rest_thread(self) -> None:
        result: Rest | BaseException
        try:
            self._rest_waits()
            db = store.connect(self.path)
            try:
                result = self.read_rest(db)
            finally:
                db.conn.close()
        except Exception as exc:  # read again on the watcher's thread, which reports it
            result = exc
        with self._rest_lock:
            self._rest = result
        self._read_wanted = True
        self._wake.set()

    def read_rest(self, db: sqlite_utils.Database) -> Rest:
        """The closed and cancelled incidents in list order and the deadline board's
        work for them, a batch at a time: between batches this thread waits while the
        person moves (the live ones are on screen already, and not read again)."""
        ended = read_model.ended_list(db, self.policy, between=self._rest_waits)
        prepared = prepare_all(
            list(ended.incidents), dict(ended.clocks), self.policy, {}, self._rest_waits
        )
        return ended, prepared

    def _rest_waits(self) -> None:
        """Wait (the rest's thread) while the person moves through the list, or their
        write is under way."""
        self._let_writes_through()
        while not self._stop.is_set():
            with self._asked:
                left = REST_QUIET_SECONDS - (self._monotonic() - self._moved_at)
            if left <= 0:
                return
            self._stop.wait(min(left, 0.05))

    def _take_rest(self) -> bool:
        """The rest read beside, if it came (False while it is still coming)."""
        with self._rest_lock:
            rest, self._rest = self._rest, None
        if rest is None:
            return False
        self._live_only = self._rest_due = False
        if isinstance(rest, BaseException):  # read them here then, as before
            return True
        # after the live list (its very objects, so the screen knows them at a glance);
        # read() brings it up to date (the rows changed since either was read)
        ended, prepared = rest
        if self._list is None:  # nothing to add them to: read() reads every incident
            return True
        self._list = read_model.with_ended(self._list, ended)
        self._prepared = {**self._prepared, **prepared}
        return True

    def _read_page(self, db: sqlite_utils.Database) -> None:
        """The page a long timeline's view asked for, if it still shows that incident."""
        with self._asked:
            wanted, self._page_wanted = self._page_wanted, None
        if wanted is None:
            return
        self._rule = wanted.rule
        if wanted.incident_id == self._shown_id and self._window is not None:
            page = read_model.timeline_page(db, wanted)
            with self._asked:
                if wanted.incident_id != self._shown_id:
                    return  # the screen took another incident's held read meanwhile
                self._page = page
                self._window = page.request
            self.post(TimelinePageRead(page))

    def _say_unreadable(self) -> None:
        """Name rows left out for an unusable stored time, each once (they stay out)."""
        fresh = [line for line in read_model.unreadable_times() if line not in self._said]
        if fresh:
            self._said.update(fresh)
            self.post(RowsLeftOut(read_model.unreadable_warning(fresh)))

    def read(self, db: sqlite_utils.Database, *, changed: bool = True) -> Snapshot:
        """All incidents in list order (re-read only when the file changed), plus the
        selected one's view with its new timeline rows (see `store.read_model`)."""
        took = self._rest_beside and self._take_rest()
        if took or (self._rest_due and not self._rest_beside and not self._board_due):
            # the read after the live incidents showed: all of them
            self._live_only = self._rest_due = False
            changed = True
        first = self._board is None and not self._board_due
        if self._list is not None and self._list.page is not None and not first:
            # the board's read after start-up's first page: every live and resolved
            # incident (a key or an entry waiting is read between batches), then brought
            # up to date below if the file moved since the page
            self._list = read_model.after_page(
                db, self.policy, self._list, lambda: self._board_between(db)
            )
        if changed or self._list is None or not self._list.incidents:
            # start-up's first list: the rows on screen only, when many are listed
            first_page = (
                read_model.first_page(db, self.policy, FIRST_PAGE, self._histories)
                if first and self._live_only
                else None
            )
            self._list = first_page or read_model.incident_list(
                db,
                self.policy,
                show_ended=not self._live_only,
                kept=self._histories,
                previous=self._list,
                # start-up's first list: the clock inputs of the rows on screen only
                clocks_first=FIRST_ROWS if first else None,
            )
            if self._board is not None:
                self._own_write_first(db)
        if self._list.partial and (self._board is not None or self._board_due):
            # the board's snapshot: every running incident's clock inputs (the list's
            # very incidents, so the screen keeps the rows it drew)
            partial = self._list
            self._list = read_model.with_clocks(
                db, partial, self._histories, BOARD_BATCH, lambda: self._board_between(db)
            )
            if self._handed is not None and self._handed[0] is partial:
                self._handed = (self._list, self._handed[1], dict(self._list.clocks))
        listed = self._list
        if self._handed is None or self._handed[0] is not listed:
            # the list and board handed on before stay referenced here until the next
            # list: the screen drops them when it takes the new one, and the last
            # reference freed there cost its thread ~2-3 ms a commit at 10,000 incidents
            # (~40,000 breaches, the board's dicts); freed here they cost this thread
            self._dropped_here = (self._handed, self._board)
            # the list changed: new containers; unchanged, the very ones handed on before,
            # so the screen knows it at a glance (10,000 incidents: no walk per key)
            self._handed = (listed, list(listed.incidents), dict(listed.clocks))
        _, incidents, clocks = self._handed
        if self._board is None or self._board.incidents is not incidents:
            if self._board is None and not self._board_due:
                # start-up's first list: the deadlines of the rows on screen; the board's
                # state for every live incident comes in the next snapshot
                self._prepared = prepare_all(
                    incidents[:FIRST_ROWS], clocks, self.policy, self._prepared
                )
                self._board_due = True
                self._board_until = self._monotonic() + BOARD_WAIT_SECONDS
            else:
                # the deadline board's work for rows new or changed, done here, off the
                # console's thread (the rows kept hand on what was worked out for them)
                # start-up's board, and the rest joining the list: a key or an entry
                # waiting is read between batches (`_board_between`)
                # after start-up, our own write committed meanwhile is shown between two
                # batches (`_own_write_first`): the person waits for it, not for the board
                between = (
                    (lambda: self._board_between(db))
                    if self._board is None or took
                    else (lambda: self._own_write_first(db))
                )
                # a list read again from the one the board was worked out from: only the
                # incidents read again are looked at (10,000 incidents: ~30 ms less of
                # this thread for each entry another console logs)
                read_again: dict[int, Incident | None] | None = None
                if listed.since is not None and listed.since[0] == self._board_list:
                    by_id = listed.by_id
                    read_again = {i: by_id.get(i) for i in listed.since[1]}
                    prepared = self._prepared
                else:
                    prepared = prepare_all(incidents, clocks, self.policy, self._prepared, between)
                # and the board's whole state (what can fall due unrecorded, and when)
                self._board = work_out(
                    incidents,
                    clocks,
                    listed.breaches,
                    prepared,
                    self.policy,
                    self._board,
                    between,
                    read_again,
                    # by incident, when the read handed it on (not worked out for a whole read)
                    listed.breaches_of if read_again is not None else None,
                )
                self._board_list = listed.serial
                self._prepared = self._board.kept  # the same rows' (one dict, not two)
                self._board_due = False
        prepared, board = self._prepared, self._board
        if board is not None and board.incidents is not incidents:
            board = None  # not worked out yet: the screen says so where it would show
        with self._asked:
            selected, taken = self.selected_id, self._taken
            shown, last = self._shown_id, self._last_entry_id
            window, page = self._window, self._page

        def snapshot(selection: Selection | None = None) -> Snapshot:
            """The list as read, with the selected incident's read when there is one."""
            return Snapshot(
                incidents=incidents,
                selection=selection,
                ids=listed.ids,
                clocks=clocks,
                breaches=listed.breaches,
                prepared=prepared,
                board=board,
                board_pending=board is None,
                counts=listed.page,
            )

        if selected is None or selected not in listed.by_id:
            with self._asked:
                if self._taken == taken:
                    self._shown_id = None
            # nothing to show yet: the screen picks a row (and asks), unless there is none
            self._rest_due = self._live_only and not listed.incidents
            if selected is None and self._live_only:
                self._hold_first_row(db, listed, taken)
            return snapshot()
        self._rest_due = self._live_only  # the selected incident is on its way to the screen
        if self._served_version not in (-1, self._version):
            # a read of a newer file was shown between the board's batches: this list's
            # read of the incident would undo it; the list goes on now, and the loop reads
            # the file again at once (it moved since this list was read)
            self._wake.set()
            return snapshot()
        read = self._read_selected(db, listed, selected, shown, last, window, page)
        if not _as_listed(read, listed):
            # the incident changed after this list was read: its rows read now would
            # show beside the list's row and deadlines from before (an acknowledgement's
            # entry beside "not acknowledged"): the list is read again first, at once
            self._force = self._read_wanted = True
            self._wake.set()
            return snapshot()
        with self._asked:
            if self._taken != taken:  # the screen took a held read meanwhile: it shows that
                return snapshot()
            self._shown_id = selected
            self._last_entry_id = read.newest
            self._window, self._page = read.window, read.page
        return snapshot(read.selection)

    def _board_between(self, db: sqlite_utils.Database) -> None:
        """Between two batches of start-up's board work: what the person waits for (a
        key's incident, an entry just written) is read and posted now; while the person
        moves through the list, the work waits (it shares the interpreter with the
        console's thread), until `BOARD_WAIT_SECONDS` after the first snapshot."""
        self._let_writes_through()
        served, waited = self._serve_waiting(db), False
        while not self._stop.is_set():
            if (
                (served or waited)
                and not self._wake.is_set()
                and store.data_version(db) == self._version
            ):
                # the rows around the place, read now: the next keys show with the key (a
                # key served waited for a quiet moment first, which keys at the keyboard's
                # repeat rate never left: each of them was read for it in turn)
                self._read_ahead(db, board=True)
            now = self._monotonic()
            with self._asked:
                left = REST_QUIET_SECONDS - (now - self._moved_at)
            if left <= 0 or now >= self._board_until:
                return
            self._wake.wait(min(left, self._board_until - now, 0.05))
            served, waited = self._serve_waiting(db), True

    def _serve_waiting(self, db: sqlite_utils.Database) -> bool:
        """In the middle of start-up's work: the selected incident, when the screen
        asked for it (a key with no read held ahead) or the file moved (an entry written),
        read and posted with the list and deadlines last posted (the screen redraws the
        incident's panes only). The board's snapshot follows, read after it. Whether it
        posted one."""
        last = self._posted
        if last is None:
            return False
        woken = self._wake.is_set()
        if woken:
            self._wake.clear()  # the loop reads again after the board anyway (version, pokes)
        # where writes are not heard (no inotify), another console's entry wakes nothing:
        # the file's version says it moved
        current = store.data_version(db)
        moved = current not in (self._version, self._served_version)
        if not woken and not moved:
            return False
        with self._asked:
            selected, shown = self.selected_id, self._shown_id
        if selected is None or (selected == shown and not moved):
            return False
        # the shown incident's new rows only if they cannot move its deadlines (a note,
        # not an acknowledgement: that shows with its deadlines, in the board's snapshot);
        # another incident (a key) shows at once, as the file has it now
        served = self._serve(db, current, moved=moved, deadlines_kept=selected == shown)
        if served is not None and selected == shown and _brought(served):
            self._let_it_draw()  # an entry: the screen draws it before the work goes on
        return served is not None

    def _own_write_first(self, db: sqlite_utils.Database) -> None:
        """Between two stages or batches of a list read after start-up: the person's
        write under way is let through first (`write_asked`), and once our own write
        committed since this read began (`poke`), the shown incident is read and posted
        with the list and deadlines last posted, before the list read goes on (10,000
        incidents: each commit's list and board work is 30-70 ms of the interpreter,
        and the entry waited for the read under way and then a whole read more)."""
        self._let_writes_through()
        if not self._written or self._posted is None:
            return
        current = store.data_version(db)
        if current in (self._version, self._served_version, self._tried_version):
            return  # not committed yet (the loop reads it next), shown, or not to hurry
        self._tried_version = current
        self._own_write_shown(db, current)

    def _own_write_shown(
        self, db: sqlite_utils.Database, current: int, *, list_is_current: bool = True
    ) -> None:
        """The shown incident read at `current` and posted with the list and deadlines
        last posted, if what our write brought cannot move its deadlines (`_serve`'s
        `deadlines_kept`), then drawn before the work goes on. `list_is_current`: as
        `_serve`'s (False when a look has just seen the file move)."""
        with self._asked:
            selected, shown = self.selected_id, self._shown_id
        if (
            selected is not None
            and selected == shown
            and self._serve(
                db, current, moved=True, deadlines_kept=True, list_is_current=list_is_current
            )
            is not None
        ):
            self._let_it_draw()

    def _let_it_draw(self) -> None:
        """An entry just posted: the list and board work waits `DRAWN_SECONDS`, so the
        console's thread draws it with the interpreter to itself (beside that work,
        each of its wake-ups waited up to a switch interval for the interpreter lock:
        an entry posted in 4 ms took 40-65 ms more to show). A key pressed meanwhile
        ends the wait (it is read next)."""
        until = self._monotonic() + DRAWN_SECONDS
        while not self._stop.is_set() and not self._key_waiting():
            left = until - self._monotonic()
            if left <= 0:
                return
            self._stop.wait(min(left, KEY_LOOK_SECONDS))

    def _key_waiting(self) -> bool:
        """Whether the screen selected an incident this thread has not read yet."""
        with self._asked:
            return self.selected_id != self._shown_id

    def _let_writes_through(self) -> None:
        """Wait while the person's write is under way, until `WRITE_WAIT_SECONDS` after
        it was asked (a write held up longer, by another process's lock say, no longer
        holds up the work)."""
        while self._write_waits() and not self._stop.is_set():
            if self._key_waiting():  # a key waits to be read: first
                return
            left = self._write_asked_at + WRITE_WAIT_SECONDS - self._monotonic()
            self._no_write.wait(max(0.0, min(left, KEY_LOOK_SECONDS)))

    def _serve(
        self,
        db: sqlite_utils.Database,
        current: int,
        *,
        moved: bool,
        deadlines_kept: bool = False,
        list_is_current: bool = True,
    ) -> Selection | None:
        """The selected incident read at the file's version `current` and posted with the
        list and deadlines last posted (the screen redraws the incident's panes only);
        the list read under way is not posted over it (`_served_version`).
        `deadlines_kept`: only if what was read cannot move its deadlines (else it shows
        with them, after the list read). `list_is_current`: the list last read is of the
        file's version last looked at (not so when a look has just seen it move). The
        selection posted, or None."""
        last = self._posted
        if last is None:
            return None
        with self._asked:
            selected, taken, shown = self.selected_id, self._taken, self._shown_id
            last_entry, window, page = self._last_entry_id, self._window, self._page
        if selected is None:
            return None
        # `deadlines_kept`: the kinds checked and the rows read in one look at the file (a
        # commit between them could bring an acknowledgement the check never saw)
        with read_model.one_look(db) if deadlines_kept else nullcontext():
            read = self._served_read(
                db,
                current,
                selected,
                shown,
                last,
                last_entry,
                window,
                page,
                moved=moved,
                deadlines_kept=deadlines_kept,
                list_is_current=list_is_current,
            )
        if read is None:
            return None
        with self._asked:
            if self._taken != taken or self.selected_id != selected:
                return None  # the screen moved on meanwhile: the next batch reads that
            self._served_version = current  # shown: the board's snapshot must not undo it
            self._shown_id = selected
            self._last_entry_id = read.newest
            self._window, self._page = read.window, read.page
        self.post(
            Snapshot(
                incidents=last.incidents,
                selection=read.selection,
                ids=last.ids,
                clocks=last.clocks,
                breaches=last.breaches,
                failed_pages=last.failed_pages,
                engines=last.engines,
                policy_in_effect=last.policy_in_effect,
                prepared=last.prepared,
                board=last.board,
                board_pending=last.board_pending,
            )
        )
        return read.selection

    def _served_read(
        self,
        db: sqlite_utils.Database,
        current: int,
        selected: int,
        shown: int | None,
        last: Snapshot,
        last_entry: int,
        window: read_model.PageRequest | None,
        page: read_model.TimelinePage | None,
        *,
        moved: bool,
        deadlines_kept: bool,
        list_is_current: bool,
    ) -> HeldRead | None:
        """`_serve`'s read of the selected incident, or None: not to be hurried."""
        if deadlines_kept:
            # only scribe entries (notes, actions, ...) written since the last read shown:
            # a status, a severity, a role, an acknowledgement or a breach writes a row of
            # its own kind, and waits to show with its deadlines
            kinds = read_model.kinds_since(db, selected, last_entry)
            if not kinds or not kinds <= SCRIBE_KINDS:
                return None
        if moved:
            with self._asked:  # reads held ahead were for the file as it was
                self._held_go_stale()
        if (
            list_is_current
            and current == self._version
            and self._handed is not None
            and selected in self._handed[0].by_id
        ):
            listed = self._handed[0]  # the list was read at this very version
        else:
            # the incident's row as the file holds it now, not as the list read it (a
            # commit served since the list was read: the list's row is older than that)
            listed = read_model.IncidentList((), {})
        read = self._read_selected(db, listed, selected, shown, last_entry, window, page)
        if deadlines_kept and not _row_kept(read, last):
            return None
        return read

    def _hold_first_row(
        self, db: sqlite_utils.Database, listed: read_model.IncidentList, taken: int
    ) -> None:
        """Start-up: read the row the screen's list selects first (its first live or
        resolved incident) with the list, held for the screen to take as it shows the
        list, so both come in one frame (it used to ask for it once the list showed,
        and wait for a second read)."""
        first = next((i.id for i in listed.incidents if read_model.list_stage(i.status) < 2), None)
        if first is None:
            return
        held = self._selection_read(db, listed, first, reset=True)
        with self._asked:
            if self.selected_id is None and self._taken == taken and _as_listed(held, listed):
                self._held[first] = held
                self._nearby = (first,)  # kept by `_read_ahead` until the screen takes it
            # held, or the screen selected a row meanwhile, or the incident changed since
            # the list was read (it is read when selected): either way the selected
            # incident is on its way, and the rest is read after it
            self._rest_due = self._live_only

    def _selection_read(
        self,
        db: sqlite_utils.Database,
        listed: read_model.IncidentList,
        selected: int,
        *,
        reset: bool,
        last: int = 0,
        window: read_model.PageRequest | None = None,
        page: read_model.TimelinePage | None = None,
        waited_for: Callable[[int], bool] | None = None,
    ) -> HeldRead:
        """One incident's view: whole (`reset`), or what changed since `last` (the
        file's newest row as the last read shown saw it) and, for a long timeline, since
        `page` (the page shown). `waited_for`: a read ahead, given up (`_GaveUp`) between
        its steps once it says the person waits for something else (a busy incident's whole read
        is ~30 ms of this thread: an entry typed meanwhile waited for all of it)."""
        if reset:
            big = read_model.timeline_is_big(db, selected)
            window = read_model.PageRequest(selected, self._rule) if big else None
            page = None
        after: int | None = 0 if reset else last
        if reset and window is not None:
            after = None  # a long timeline: only the page read below
        view = read_model.incident_view(db, selected, timeline_after=after, listed=listed)
        entries = list(view.timeline)
        if waited_for is not None and waited_for(selected):
            raise _GaveUp
        # read after the file's newest row: the incident's rows up to it are all read
        newest = max(view.newest_row, max((e.id for e in entries), default=0))
        newest = newest if reset else max(last, newest)
        folded = shown_page = laid_out = None
        if window is not None:
            if reset or entries:  # the page where its reader is, as it reads now
                since = None if reset else page  # following: counted on from it
                shown_page = page = read_model.timeline_page(db, window, since=since)
                window = page.request
                newest = max(newest, page.newest_row)
            entries = []
        elif reset:  # fold a whole timeline here, off the UI thread
            folded = TimelineState()
            folded.add(entries)
            folded.current()
            if waited_for is not None and waited_for(selected):
                raise _GaveUp
            laid_out = self._laid_out(folded)
        selection = self._selection(db, view, entries, reset, folded, shown_page, laid_out)
        return HeldRead(selection, newest, window, page, self._version)

    def _laid_out(
        self, folded: TimelineState, kept: TimelineLayout | None = None
    ) -> TimelineLayout | None:
        """`folded` laid out as the screen's timeline lays out now (`kept`, if it was laid
        out so), or None while the screen has not said its shape."""
        shape = self.timeline_shape
        if shape is None or (kept is not None and kept.shape == shape):
            return kept
        return timeline_layout.laid_out(folded, shape)

    def _selection(
        self,
        db: sqlite_utils.Database,
        view: read_model.IncidentView,
        entries: list[TimelineEntry],
        reset: bool,
        folded: TimelineState | None,
        page: read_model.TimelinePage | None,
        laid_out: TimelineLayout | None,
    ) -> Selection:
        """The incident's view as the screen takes it, with who it paged and its alerts
        (an ingest writes a row: read with it)."""
        incident_id = view.incident.id
        return Selection(
            view.incident,
            list(view.roles),
            entries,
            reset,
            list(view.engagements),
            list(view.checklists),
            list(view.follow_ups),
            folded,
            page,
            read_model.pages(db, incident_id),
            alerts=read_model.incident_alerts(db, incident_id),
            laid_out=laid_out,
            reading=self._reading,
        )

    def _read_selected(
        self,
        db: sqlite_utils.Database,
        listed: read_model.IncidentList,
        selected: int,
        shown: int | None,
        last: int,
        window: read_model.PageRequest | None,
        page: read_model.TimelinePage | None,
    ) -> HeldRead:
        """The selected incident's view: whole if it is not the one `shown` (then the
        read held of it when a key came while it was read ahead: the read under way
        finished, and is not made twice), else what changed since `last`, `page`."""
        reset = selected != shown
        if reset:
            with self._asked:
                held = self._held.pop(selected, None)
            if held is not None and held.version == self._version and _as_listed(held, listed):
                return held
            carried = self._carried(db, listed, selected)
            if carried is not None:
                return carried
        return self._selection_read(
            db, listed, selected, reset=reset, last=last, window=window, page=page
        )

    def _held_go_stale(self) -> None:
        """(Under `_asked`.) The file moved: the reads held are of the file as it was,
        kept aside to be brought up to date (`_carried`), not handed out as they are."""
        self._stale.update(self._held)
        self._held.clear()

    def _carried(
        self, db: sqlite_utils.Database, listed: read_model.IncidentList, incident_id: int
    ) -> HeldRead | None:
        """The read held of `incident_id` before the file moved, brought up to date: its
        whole timeline, read and folded, is kept, with the rows written since folded in
        (the timeline is append-only: every change to it is a new row), and the rest of
        its view (its row, roles, checklists, pages, ...) read again. None: read it whole
        (none held, or its timeline is paged, or has grown too long to hold whole)."""
        stale = self._stale.pop(incident_id, None)
        with self._asked:
            returned = self._returned.pop(incident_id, None)
        if stale is not None:
            if stale.window is not None or stale.selection.folded is None:
                return None  # a long timeline is paged: its page is read as it is
            folded, newest = stale.selection.folded, stale.newest
            entries, laid_out = stale.selection.entries, stale.selection.laid_out
        elif returned is not None:  # shown, and handed back since: its rows as folded
            folded, newest, laid_out = returned, max(returned.rows, default=0), None
            entries = list(returned.rows.values())
        else:
            return None
        view = read_model.incident_view(db, incident_id, timeline_after=newest, listed=listed)
        if view.timeline:  # a scribe's rows on it (held here alone: no view holds it yet)
            if read_model.timeline_is_big(db, incident_id):
                return None  # read as a long timeline now: paged
            folded.add(view.timeline)
            folded.current()
            entries, laid_out = [*entries, *view.timeline], None
        if view.timeline or stale is None:
            # in timeline order, as a whole read has them (a row can be dated back)
            entries.sort(key=_timeline_order)
        selection = self._selection(
            db, view, entries, True, folded, None, self._laid_out(folded, laid_out)
        )
        newest = max(newest, view.newest_row, *(e.id for e in view.timeline))
        return HeldRead(selection, newest, None, None, self._version)

    def _unshown_selection(self) -> int | None:
        """(Under `_asked`.) The incident the screen selected that this thread has not
        shown yet (a key's, while its read is under way), if any."""
        return self.selected_id if self.selected_id != self._shown_id else None

    def _read_ahead(self, db: sqlite_utils.Database, *, board: bool = False) -> None:
        """Read the incidents near the selection ahead (one at a time, and only while
        nothing else is asked), so the screen can show the next one with the key.
        `board`: while start-up's board work waits for the person moving."""
        listed = self._list
        if listed is None or (self._live_only and not self._rest_beside and not board):
            return  # start-up: the live incidents on screen first
        # while the rest is read beside, the live list holds every row the screen lists
        with self._asked:
            nearby = self._nearby
            # kept: the rows around the place, and the incident a key selected while it
            # was read ahead (the read it asked for is that one)
            keep = {*nearby, self._unshown_selection()}
            for held_reads in (self._held, self._stale):
                for incident_id in [i for i in held_reads if i not in keep]:
                    # the place moved on: its timeline is kept as one handed back is
                    let_go = held_reads.pop(incident_id)
                    if let_go.window is None and let_go.selection.folded is not None:
                        self._keep_returned(incident_id, let_go.selection.folded)
            now = self._monotonic()
            idle = now - self._moved_at > NEARBY_SECONDS and now - self._opened_at > OPENED_SECONDS
            if not self._ahead_due and idle:
                return  # nobody moves here: a commit's drop is not read again
            wanted = [
                i
                for i in nearby
                if i not in self._held and i != self._shown_id and i in listed.by_id
            ]
            version = self._version
        for incident_id in wanted:
            if self._wake.is_set() or self._waited_for():
                return  # a key, a page, a commit or a write first; the loop comes back
            try:
                held = self._carried(db, listed, incident_id) or self._selection_read(
                    db,
                    listed,
                    incident_id,
                    reset=True,
                    waited_for=self._waited_for,
                )
            except _GaveUp:
                return
            with self._asked:
                # kept for the rows around the place, or for the key that came while it
                # was read (its `take` found nothing held: the read it asked for is this)
                wanted_now = incident_id in self._nearby or incident_id == self._unshown_selection()
                if self._version == version and wanted_now and _as_listed(held, listed):
                    self._held[incident_id] = held
        with self._asked:
            # all read ahead for this place and file; while start-up's rest is read,
            # its own first writes (the policy check) may still come: read again then
            if self._version == version and self._nearby == nearby and not self._live_only:
                self._ahead_due = False

    def _waited_for(self, reading: int | None = None) -> bool:
        """Whether the person waits for this thread: their write is under way (as
        `_let_writes_through` waits for it) or committed (its entry is read next), a page
        is asked for, or a key selected an incident not shown yet, other than `reading`
        (this read is the one that key waits for). Not another console's commit, nor the
        screen's `settled`: a read ahead under way then is finished (`_carried` brings
        it up to date in well under a millisecond) rather than thrown away."""
        with self._asked:
            if self._written or self._page_wanted is not None:
                return True
            unshown = self._unshown_selection()
        return (unshown is not None and unshown != reading) or self._write_waits()

    def _write_waits(self) -> bool:
        """Whether the person's write is under way and the work still waits for it:
        until `WRITE_WAIT_SECONDS` after it was asked (a write held up longer, by
        another process's lock say, no longer holds up the work)."""
        return (
            self.write_under_way and self._monotonic() < self._write_asked_at + WRITE_WAIT_SECONDS
        )


def _timeline_order(entry: TimelineEntry) -> tuple[dt.datetime, int]:
    """Where a timeline row stands in a whole read of its incident's timeline."""
    return (entry.at, entry.id)


def _as_listed(read: HeldRead, listed: read_model.IncidentList) -> bool:
    """Whether `read` shows the incident as `listed` lists it (its very row: the incident
    did not change after the list was read), so it goes with the list's deadlines."""
    return read.selection.incident is listed.by_id.get(read.selection.incident.id)


def _row_kept(read: HeldRead, last: Snapshot) -> bool:
    """Whether the incident `read` brings is the very row `last` lists (its deadlines
    are those `last` carries)."""
    shown = read.selection.incident
    listed = next((i for i in last.incidents if i.id == shown.id), None)
    return listed == shown


def _brought(selection: Selection) -> bool:
    """Whether a served read brings rows to draw (new entries, or a page read again)."""
    return selection.reset or bool(selection.entries) or selection.page is not None
