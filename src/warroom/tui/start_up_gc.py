"""The cyclic garbage collector while a console starts up.

Start-up reads and draws every incident (10,000: a few hundred thousand objects that
live as long as the console). Each full collection meanwhile walks all of them again
(40-150 ms each, six or so before the closed incidents have arrived), and lands on
whatever key or frame is under way. So full collections wait until start-up's reads
are on screen (young ones go on: short-lived cycles are still freed); then what was
read is handed to `gc.freeze` (the collector stops walking it; it is still freed by
reference counting when dropped) and the collector runs as before.
"""

from __future__ import annotations

import gc
import sys
import threading

# full collections come after this many young (generation 1) ones: effectively never
# during start-up's few seconds
_HELD_FULL = 1_000_000


class StartUpCollector:
    """`hold()` at mount, `release()` once start-up's reads are shown (idempotent)."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None
        self.frozen = False

    def hold(self) -> None:
        if self._saved is not None or self.frozen:
            return
        saved = gc.get_threshold()
        self._saved = (saved[0], saved[1], saved[2])
        gc.set_threshold(saved[0], saved[1], max(saved[2], _HELD_FULL))

    def release(self, *, freeze: bool) -> None:
        """Full collections as before; `freeze`: what is alive now is kept out of them."""
        if freeze and not self.frozen:
            self.frozen = True
            gc.freeze()
        self._restore()

    def close(self) -> None:
        """The console goes: its start-up read back to the collector."""
        self._restore()
        if self.frozen:
            self.frozen = False
            gc.unfreeze()

    def _restore(self) -> None:
        if self._saved is not None:
            first, second, third = self._saved
            self._saved = None
            if gc.get_threshold()[2] == max(third, _HELD_FULL):  # not changed by others
                gc.set_threshold(first, second, third)


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
