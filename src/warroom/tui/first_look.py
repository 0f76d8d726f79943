"""The console's first look at the file, begun while the console is still being built.

A console spends ~0.1 s setting up and drawing its first frame before its screen
starts the watcher: the first read (the first page of the list, the selected
incident's timeline) then ran beside the first frames, and the data reached the
screen ~0.1-0.15 s after them. `FirstLook` starts the watcher on its own thread once
the console's modules are imported, before that work; what it posts is held until the
screen takes the watcher over (`hand_to`), then posted in order, so the first snapshot
is usually waiting when the first frame is drawn. Started before the imports, its
~25 ms of Python held up the imports it shares the interpreter with: first paint at
1,000 incidents went from 286 to 342 ms (medians of 12 spawns); from here, ~5-25 ms.

The watcher is the same one the screen would have started (`Bridge.watch` adopts
it): nothing about what it reads, or when, changes after the hand-over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from warroom.domain.policy import Policy
from warroom.tui.messages import Snapshot, WatchFailed
from warroom.tui.watcher import DatabaseWatcher

# how long the watcher waits after its first snapshot for the screen to draw it
RELEASE_SECONDS = 2.0


class FirstLook:
    """A watcher started before the screen that will read its snapshots exists."""

    def __init__(self, path: Path, policy: Policy) -> None:
        self.path = path
        self._lock = threading.Lock()  # guards _held and _to
        self._held: list[Any] = []  # posted before the hand-over, in order
        self._to: Callable[[Any], object] | None = None
        self._handed = threading.Event()  # set by `hand_to` (or `stop`)
        self.watcher = DatabaseWatcher(path, self._post, policy)
        self._thread = threading.Thread(target=self._run, name="watcher", daemon=True)

    def start(self) -> FirstLook:
        self._thread.start()
        return self

    def hand_to(self, post: Callable[[Any], object]) -> DatabaseWatcher:
        """From now on the watcher's messages go to `post`; those it posted before go
        first, in the order it posted them."""
        with self._lock:  # the watcher's next post waits: nothing overtakes these
            self._to = post
            held, self._held = self._held, []
            for message in held:
                post(message)
        return self.watcher

    def release(self) -> None:
        """Let the watcher go on past its first snapshot (once the screen drew it)."""
        self._handed.set()

    def stop(self) -> None:
        self.watcher.stop()
        self._handed.set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def held(self) -> int:
        """How many messages wait for the hand-over."""
        with self._lock:
            return len(self._held)

    def _post(self, message: Any) -> None:
        with self._lock:
            if self._to is not None:
                self._to(message)
                return
            self._held.append(message)
        if isinstance(message, Snapshot):
            # the first snapshot is read: the watcher's next work (the deadline board
            # of every live incident, ~0.2 s at 10,000) waits for the screen, or it
            # would hold the interpreter lock the console is being built with
            # (or `RELEASE_SECONDS`: a screen that never says is only slower to start)
            self._handed.wait(RELEASE_SECONDS)

    def _run(self) -> None:
        try:
            self.watcher.run()
        except Exception as exc:  # what the worker it replaces would have stopped on
            self._post(WatchFailed(f"cannot read the database: {exc}"))
