"""The cyclic garbage collector while a console starts up.

Start-up reads and draws every incident (10,000: a few hundred thousand objects that
live as long as the console). Each full collection meanwhile walks all of them again
(40-150 ms each, six or so before the closed incidents have arrived), and lands on
whatever key or frame is under way. So full collections wait until start-up's reads
are on screen (young ones go on: short-lived cycles are still freed); then what was
read is handed to `gc.freeze` (the collector stops walking it; it is still freed by
reference counting when dropped) and the collector runs as before.

After start-up, full collections still cost 20-50 ms each at 1,000 incidents (what
was read since, and the garbage they free), and came every few entries, often between
Enter and the entry drawn. So they are put off (`defer_full_collections`: ten times
later than Python's default) and run when the person pauses (`collect_if_due`, from the
console's heartbeat once no key, paste or mouse event came for `IDLE_SECONDS`): when
as many younger collections have run as Python's default waits for (Python also skips
one while the objects new since the last are under a quarter of the others: this does
not), and in the middle of a burst only as a backstop.

The wait starts before the console's modules are imported (`hold_full_collections`,
from `warroom` with no command): importing and mounting them brought one full
collection before the first frame (~25 ms of it, walking every module just loaded).
Young collections wait too until the first frame is drawn (`pause_collections`, then
`first_frame_drawn`): what is alive by then (modules, classes, the screen: ~100,000
objects) lives as long as the console, and the young collections walking it twice on
its way to the oldest generation were ~60 M instructions of the first frame's ~1,330 M
at 1,000 incidents. At the first frame it is handed to `gc.freeze`, the few hundred
objects of garbage cycles made meanwhile with it (they stay, as the start-up read's do).
"""

from __future__ import annotations

import gc
import sys
import threading

# full collections come after this many young (generation 1) ones: effectively never
# during start-up's few seconds
_HELD_FULL = 1_000_000

# the thresholds before the hold (one hold at a time, however many ask for it)
_saved: list[tuple[int, int, int]] = []

# after start-up: automatic full collections come this many times later than before
DEFERRED = 10
# no key for this long: a full collection that is due runs now
IDLE_SECONDS = 1.0
# the thresholds before `defer_full_collections` (one deferral at a time)
_deferred: list[tuple[int, int, int]] = []


# whether `pause_collections` turned the collector off (one pause at a time)
_paused: list[bool] = []


def pause_collections() -> None:
    """No collections at all until `first_frame_drawn` (or `resume_collections`), and
    full ones held (`hold_full_collections`); nothing if the collector is off."""
    hold_full_collections()
    if gc.isenabled() and not _paused:
        _paused.append(True)
        gc.disable()


def first_frame_drawn() -> None:
    """The console's first frame is out: what start-up made so far is kept out of the
    collector's walks (`gc.freeze`) and young collections run again (full ones stay held
    until start-up's reads are shown). Nothing unless `pause_collections` paused them."""
    if _paused:
        gc.freeze()
        resume_collections()


def resume_collections() -> None:
    """The collector on again if `pause_collections` turned it off (idempotent)."""
    if _paused:
        _paused.clear()
        gc.enable()


def hold_full_collections() -> None:
    """Full collections wait from now until a console's `StartUpCollector` releases
    them (or `release_full_collections`); idempotent."""
    if _saved:
        return
    first, second, third = gc.get_threshold()
    _saved.append((first, second, third))
    gc.set_threshold(first, second, max(third, _HELD_FULL))


def defer_full_collections() -> None:
    """Automatic full collections `DEFERRED` times later than now (a backstop); a
    console calls `collect_if_due` when the person pauses. Idempotent."""
    if _deferred or _saved:  # a start-up hold is still on: it decides
        return
    first, second, third = gc.get_threshold()
    _deferred.append((first, second, third))
    gc.set_threshold(first, second, third * DEFERRED)


def collect_if_due() -> bool:
    """The full collection Python would have run by now (as many younger collections
    since the last one as its threshold asked for), run now; whether it ran."""
    if not _deferred:
        return False
    if gc.get_count()[2] <= _deferred[0][2]:  # Python's test: more than its threshold
        return False
    gc.collect(2)
    return True


def end_deferral() -> None:
    """Full collections as before `defer_full_collections` (nothing if none)."""
    if not _deferred:
        return
    first, second, third = _deferred.pop()
    if gc.get_threshold() == (first, second, third * DEFERRED):  # not changed by others
        gc.set_threshold(first, second, third)


def release_full_collections() -> None:
    """Full collections as before the hold (nothing if none is held)."""
    if not _saved:
        return
    first, second, third = _saved.pop()
    if gc.get_threshold()[2] == max(third, _HELD_FULL):  # not changed by others
        gc.set_threshold(first, second, third)


class StartUpCollector:
    """`hold()` at mount, `release()` once start-up's reads are shown (idempotent)."""

    def __init__(self) -> None:
        self.frozen = False
        self.closed = False

    def hold(self) -> None:
        if not self.frozen and not self.closed:
            hold_full_collections()

    def release(self, *, freeze: bool) -> None:
        """Full collections again; `freeze`: what is alive now is kept out of them, and
        the full collections are deferred to the person's pauses (`collect_if_due`)."""
        if self.closed:  # the console went before its start-up read was shown
            return
        if freeze and not self.frozen:
            self.frozen = True
            gc.freeze()
        release_full_collections()
        if freeze:
            defer_full_collections()

    def close(self) -> None:
        """The console goes: its start-up read back to the collector."""
        self.closed = True
        release_full_collections()
        end_deferral()
        if self.frozen:
            self.frozen = False
            gc.unfreeze()


def give_back_freed() -> None:
    """Hand the memory start-up's reads freed back to the system, on a thread of its
    own (glibc keeps freed pages in its arenas, the reading threads' ones too: ~6 MiB of
    the resident size at 10,000 incidents; trimming takes ~1 ms). Nothing elsewhere."""
    threading.Thread(target=_trim, name="give-back-freed", daemon=True).start()


def _trim() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim  # glibc's; musl has none
    except (OSError, AttributeError):
        return
    trim(0)
