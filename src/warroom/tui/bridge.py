"""The console's one way to the database: writes and reads in thread workers.

A write is a `Write` request (a call on the service's `WarRoom`); the bridge runs
it in a worker with its own connection and posts `WriteDone` or `WriteRefused`
carrying the request, so the receiver knows what it asked for and what to give
back when it failed (the typed text). A read is a `Read` request answered by
`ReadDone` or `ReadRefused`. The UI thread never waits on SQLite.

One console's writes commit in the order they were asked for: each takes a
ticket on the UI thread and its worker waits for its turn. The notify hook for
rungs just reached runs beside that queue, so a slow hook never holds back what
the scribe types meanwhile; so does the deadline sweep (not the person's action;
the screen asks for one at a time), whose transactions each hold the lock for about
25 ms (service/clocks.py: SWEEP_HOLD_SECONDS), and end after the incident they are on
once one of the console's writes is asked; that write waits for the end in the
console (`_writing`), not in SQLite's busy handler.
"""

from __future__ import annotations

import importlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from textual.message import Message
from textual.message_pump import MessagePump

from warroom import store
from warroom.clock import Clock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.runbooks import Runbook
from warroom.errors import WarroomError
from warroom.tui.watcher import DatabaseWatcher

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from warroom.notify import HookRun
    from warroom.service import WarRoom
    from warroom.tui.first_look import FirstLook

T = TypeVar("T")

# the longest the deadline sweep waits between two transactions for the person's writes
PEOPLE_FIRST_SECONDS = 1.0
# and how long after one it waits more, while the entry is read back and drawn
DRAWN_SECONDS = 0.05
# a key or a paste this recent: the person is moving through the console (the sweep's
# transactions wait for a pause, at most MOVING_WAIT_SECONDS each: a backlog of 1,000
# incidents, ~50 transactions, is still recorded in ~30 s while someone holds a key down)
MOVING_SECONDS = 0.3
MOVING_WAIT_SECONDS = 0.5
MOVING_LOOK_SECONDS = 0.02  # how often the paused sweep looks again
# the longest a write waits for the sweep's transaction in the console (one incident,
# unless the sweep itself waits for another console's lock: then SQLite's wait decides)
WRITING_WAIT_SECONDS = 1.0


@dataclass(frozen=True, eq=False)
class Write(Generic[T]):
    """One user action: `action` runs on the service in a worker, in one unit of work."""

    action: Callable[[WarRoom], T]
    description: str  # what it does, e.g. "Logged" (names the worker)
    restore: Callable[[], object] | None = None  # on failure: give back what was typed
    on_success: Callable[[T], object] | None = None
    quiet: bool = False  # a background write: a failure that repeats is said once


def _sweep(room: WarRoom) -> list[Any]:
    return list(room.sweep().engaged)


@dataclass(frozen=True, eq=False)
class Sweep(Write[list[Any]]):
    """Record what fell due (breaches, rungs reached); asked for by the deadline board."""

    action: Callable[[WarRoom], list[Any]] = _sweep
    description: str = "deadline sweep"
    quiet: bool = True


@dataclass(frozen=True, eq=False)
class Read(Generic[T]):
    """A short read on its own connection; `then` gets the result on the UI thread."""

    query: Callable[[Any], T]
    then: Callable[[T], object]
    failed: str = "cannot read"  # how a failure starts, e.g. "Not exported"


@dataclass(frozen=True)
class HookOutcome:
    """What one run of the notify hook did."""

    text: str
    failed: bool

    @classmethod
    def of(cls, outcome: HookRun) -> HookOutcome:
        """The service's typed outcome, as the screen shows it."""
        return cls(outcome.text, outcome.failed)


@dataclass
class WriteDone(Message, Generic[T]):
    """A write was committed; `outcome` is what its action returned."""

    request: Write[T]
    outcome: T


@dataclass
class WriteRefused(Message):
    """A write did not happen; `reason` says why, in one line."""

    request: Write[Any]
    reason: str


@dataclass
class ReadDone(Message):
    request: Read[Any]
    result: object


@dataclass
class ReadRefused(Message):
    request: Read[Any]
    reason: str


@dataclass
class HooksRan(Message):
    """The notify hook ran for rungs just reached (or could not)."""

    outcomes: list[HookOutcome] = field(default_factory=list)


class Bridge:
    """Runs the console's writes and reads in thread workers of `app`."""

    def __init__(
        self,
        app: App[Any],
        *,
        db_path: Path,
        clock: Clock,
        actor: Actor,
        policy: Policy,
        runbooks: Sequence[Runbook] = (),
        first_look: FirstLook | None = None,
    ) -> None:
        self.app = app
        self.db_path = db_path
        # a watcher started before the console was built (first_look.py): `watch` adopts it
        self._first_look = first_look
        self.clock = clock
        self.actor = actor
        self.policy = policy
        self.runbooks = tuple(runbooks)
        self.watcher: DatabaseWatcher | None = None
        self._turn = threading.Condition()
        self._tickets = itertools.count()
        self._serving = 0
        self._asked = 0  # tickets handed out: the person's writes asked for so far
        self._served_at = -DRAWN_SECONDS  # when the last of them was done (monotonic)
        # held by each queued write (`write`) and each of the sweep's transactions: the
        # write waits here for the sweep's to commit, not in SQLite's busy handler, whose
        # retries sleep in steps of up to 25 ms (the hook's writes beside the queue do not)
        self._writing = threading.Lock()

    def _room(self, db: Any) -> WarRoom:
        from warroom.service import WarRoom  # on a worker, not before the first frame

        return WarRoom(db, self.clock, self.actor, self.policy, self.runbooks)

    def ready_writes(self) -> None:
        """Import the service layer on a worker, once the console's first screen is
        drawn (not before it: start-up imports no service): the person's first write
        then runs at once, instead of importing ~25 modules first (30-40 ms beside
        start-up's work, which the first entry typed waited for)."""

        def load() -> None:
            importlib.import_module("warroom.service.war_room")

        self.app.run_worker(load, thread=True, group="ready", name="ready the writes")

    # -- following the file ---------------------------------------------------------

    def watch(self, reply_to: MessagePump) -> DatabaseWatcher:
        """Start the watcher (or take over the one started before the console was
        built, with what it has read so far); its snapshots go to `reply_to`."""
        first, self._first_look = self._first_look, None
        if first is not None:
            self.watcher = first.hand_to(reply_to.post_message)
            # its next work (the deadline board) waits until the screen has drawn this
            self.app.call_after_refresh(first.release)
            return self.watcher
        self.watcher = DatabaseWatcher(self.db_path, reply_to.post_message, self.policy)
        self.app.run_worker(
            self.watcher.run, thread=True, exclusive=True, group="watch", name="watcher"
        )
        return self.watcher

    def stop(self) -> None:
        if self._first_look is not None:  # never taken over: the screen never came
            self._first_look.stop()
        if self.watcher is not None:
            self.watcher.stop()

    # -- writes ---------------------------------------------------------------------

    def write(self, request: Write[Any], reply_to: MessagePump | None = None) -> None:
        """Run `request` in a worker; post `WriteDone` / `WriteRefused` to `reply_to`
        (the app by default); both bubble up to the app's one error path."""
        target = reply_to or self.app
        if isinstance(request, Sweep):
            # not the person's action: beside their queue, so an entry typed while a
            # backlog is recorded (~1.2 s on a month-old file of 1,000 incidents) waits
            # for one of its transactions (~25 ms), not for all of it; one under way
            # commits after the incident it is on once the person's write is asked
            def sweep(room: WarRoom) -> list[Any]:
                swept = room.sweep(waiting=self._people_wait, turn=self._sweep_turn)
                return list(swept.engaged)

            self.app.run_worker(
                lambda: target.post_message(self._attempt(request, sweep)),
                thread=True,
                group="sweep",
                name=request.description,
            )
            return
        ticket = next(self._tickets)
        with self._turn:
            self._asked = ticket + 1
        # the person's write: the watcher's list and board work waits for it (not for a
        # background one, such as start-up's policy check)
        watcher = None if request.quiet else self.watcher
        if watcher is not None:
            watcher.write_asked()

        def work() -> None:
            with self._turn:
                self._turn.wait_for(lambda: self._serving == ticket, timeout=60)
            try:
                # a sweep's transaction under way ends first; one held up longer (waiting
                # for another console's lock) is left to SQLite's own wait
                turn = self._writing.acquire(timeout=WRITING_WAIT_SECONDS)
                try:
                    done = self._attempt(request)
                finally:
                    if turn:
                        self._writing.release()
                target.post_message(done)
            finally:
                with self._turn:
                    self._serving = max(self._serving, ticket + 1)
                    self._served_at = time.monotonic()
                    self._turn.notify_all()
                if watcher is not None:
                    watcher.write_done()

        self.app.run_worker(work, thread=True, group="write", name=request.description)

    def _people_wait(self) -> bool:
        """Whether a queued write (the person's, or a quiet one such as the policy check)
        is not done yet (read without the lock: a moment late or early is one incident
        more or less in the sweep's transaction)."""
        return self._serving < self._asked

    def _moving(self) -> bool:
        """Whether a key or a paste came in the last `MOVING_SECONDS` (not the mouse:
        a terminal reports its motion over the window, focused or not)."""
        pressed_at = getattr(self.app, "pressed_at", None)
        return pressed_at is not None and time.monotonic() - pressed_at < MOVING_SECONDS

    @contextmanager
    def _sweep_turn(self) -> Iterator[None]:
        """One of the sweep's transactions: after the person's writes (`_people_first`),
        holding the console's write turn."""
        self._people_first()
        with self._writing:
            yield

    def _people_first(self) -> None:
        """The sweep's pause between two transactions: while the person's writes wait or
        run, and a moment after (`_writes_first`), so they neither queue for the write
        lock behind it nor share the interpreter with it while the entry is read back
        and drawn; then while the person presses keys (at most MOVING_WAIT_SECONDS, and
        their writes first again after it): each of its commits has the console read
        the file again and redraw, and on a file with a backlog (a month of deadlines
        nobody recorded, 1,000 incidents) keys pressed 150 ms apart during the catch-up
        took ~60 ms each (median), ~17 ms with this pause."""
        self._writes_first()
        if not self._moving():
            return
        until = time.monotonic() + MOVING_WAIT_SECONDS
        while self._moving() and time.monotonic() < until:
            time.sleep(MOVING_LOOK_SECONDS)
        self._writes_first()  # a write asked meanwhile (a key's, or a background one)

    def _writes_first(self) -> None:
        """While the person's writes wait or run (at most PEOPLE_FIRST_SECONDS), and
        DRAWN_SECONDS after the last."""
        with self._turn:
            self._turn.wait_for(lambda: self._serving >= self._asked, timeout=PEOPLE_FIRST_SECONDS)
            rest = self._served_at + DRAWN_SECONDS - time.monotonic()
        if rest > 0:
            time.sleep(min(rest, DRAWN_SECONDS))

    def _attempt(
        self, request: Write[Any], action: Callable[[WarRoom], Any] | None = None
    ) -> Message:
        try:
            db = store.connect(self.db_path)
        except WarroomError as exc:
            return WriteRefused(request, str(exc))
        try:
            outcome = (action or request.action)(self._room(db))
        except WarroomError as exc:
            return WriteRefused(request, str(exc))
        except Exception as exc:  # never lose the user's work to a traceback
            return WriteRefused(request, f"unexpected error: {exc}")
        finally:
            db.conn.close()
        if self.watcher is not None:
            self.watcher.poke()  # our own write: read it back at once
        return WriteDone(request, outcome)

    def run_hooks(self, engaged: list[Any], reply_to: MessagePump) -> None:
        """Run the notify hook for rungs just reached, beside the write queue."""

        def work() -> None:
            try:
                db = store.connect(self.db_path)
            except WarroomError as exc:
                reply_to.post_message(HooksRan([HookOutcome(str(exc), failed=True)]))
                return
            try:
                room = self._room(db)
                outcomes = [HookOutcome.of(o) for o in room.run_notify_hook(engaged)]
            except Exception as exc:  # the hook's failure is reported, never fatal
                outcomes = [HookOutcome(f"notify hook failed: {exc}", failed=True)]
            finally:
                db.conn.close()
            if self.watcher is not None:
                self.watcher.poke()
            reply_to.post_message(HooksRan(outcomes))

        self.app.run_worker(work, thread=True, group="hooks", name="notify hook")

    # -- reads ----------------------------------------------------------------------

    def read(self, request: Read[Any], reply_to: MessagePump | None = None) -> None:
        """Run a short read in a worker; post `ReadDone` / `ReadRefused` to `reply_to`."""
        target = reply_to or self.app

        def work() -> None:
            try:
                db = store.connect(self.db_path, create=False)
            except WarroomError as exc:
                target.post_message(ReadRefused(request, str(exc)))
                return
            try:
                result = request.query(db)
            except Exception as exc:  # a read that fails says so; the console keeps going
                target.post_message(ReadRefused(request, f"{request.failed}: {exc}"))
                return
            finally:
                db.conn.close()
            target.post_message(ReadDone(request, result))

        self.app.run_worker(work, thread=True, group="read", name="read")


class _HasBridge(Protocol):
    bridge: Bridge


def bridge_of(node: DOMNode) -> Bridge:
    """The bridge of the console `node` belongs to."""
    return cast(_HasBridge, node.app).bridge
