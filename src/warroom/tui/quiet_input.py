"""Read the keyboard without waking ten times a second while nobody types.

Textual's Linux driver reads the terminal on a thread of its own that waits at
most 0.1 s for input, to let its parser time out a lone Escape and to notice when
it is told to stop. Twenty consoles left open on a wall then woke two hundred
times a second between them (~1.3 % of a core of the 5 % they may use idle).

`QuietLinuxDriver` waits as long as nothing is pending: 0.1 s, as Textual does,
only while the parser holds the start of a sequence it may have to time out (an
Escape typed alone is delivered exactly as before); otherwise until a key comes or
the driver stops, which wakes it through a pipe (the exit event writes to it).
It reads with `PasteSafeParser` (paste_guard.py).

A terminal that goes away (its window closed, the connection dropped, when no
hang-up signal reaches the console: it was started in a session of its own) reads
as the end of input, readable at once, forever: Textual's loop (and this one)
then read nothing in a busy loop, a whole core for as long as the process lived.
Here the end of input stops the reading and closes the console, as a hang-up
would. Everything else is Textual's driver unchanged.
"""

from __future__ import annotations

import contextlib
import os
import queue
import selectors
import threading
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual.drivers.linux_driver import LinuxDriver

from warroom.tui.paste_guard import PasteSafeParser

TICK = 0.1  # seconds: Textual's own wait while a sequence may time out
# a console whose terminal went away closes after its next frame, or after this at most
HANG_UP_EXIT_SECONDS = 5.0


class _WakingEvent(threading.Event):
    """The driver's exit event: setting it also wakes the reading thread."""

    def __init__(self, wake: int) -> None:
        super().__init__()
        self.wake = wake

    def set(self) -> None:
        super().set()
        if self.wake < 0:  # closed: the thread is gone (and the number may be reused)
            return
        with contextlib.suppress(OSError):
            os.write(self.wake, b"x")


class QuietLinuxDriver(LinuxDriver):
    """Textual's Linux driver; the input thread sleeps until a key or the stop."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._woken, wake = os.pipe()
        os.set_blocking(self._woken, False)
        self.exit_event: _WakingEvent = _WakingEvent(wake)
        self._gone = False  # the terminal went away: nothing more is read from it or written

    def _drain_wake(self) -> None:
        try:
            while os.read(self._woken, 512):
                pass
        except BlockingIOError:
            pass

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (as Textual's, but see the module)."""
        self._drain_wake()  # a stop before this start (suspend, resume) is over
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(self._woken, selectors.EVENT_READ)
        fileno = self.fileno
        parser = PasteSafeParser(self._debug)  # a paste holding ESC stays whole
        decode = getincrementaldecoder("utf-8")().decode

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            keys = [key for key, mask in ready if key.fd == fileno and mask & selectors.EVENT_READ]
            if keys:
                raw = os.read(fileno, 1024 * 4)
                if not raw:  # the end of input: the terminal is gone (see the module)
                    self._gone = True
                    selector.unregister(fileno)
                    self._hang_up()
                data = decode(raw, final=final)
                for event in parser.feed(data) if data else ():
                    self.process_message(event)
            if any(key.fd == self._woken for key, _mask in ready):
                self._drain_wake()
            for event in parser.tick():
                self.process_message(event)

        def wait() -> float | None:
            # a sequence begun may time out (a lone Escape): look again as Textual does
            return TICK if parser._timeout_time is not None else None  # noqa: SLF001

        try:
            while not self.exit_event.is_set():
                process(selector.select(wait()))
            if not self._gone:
                selector.unregister(self.fileno)
                process(selector.select(TICK), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass

    def _hang_up(self) -> None:
        """The terminal went away: the console closes (on its own thread), as when it is
        told to quit; nobody is left to see it or type."""
        app = self._app
        loop = app._loop  # noqa: SLF001 - the app's running loop, as call_from_thread
        if loop is not None:
            # after the next refresh: a terminal gone while the console starts closes it
            # once its screen is up, not while the screen is being put together (an exit
            # then ran the screen's mount with its panes gone: a traceback); and in any
            # case a moment later (a callback after a refresh belongs to the screen on
            # top, and one taken down first would drop it)
            loop.call_soon_threadsafe(app.call_after_refresh, app.exit)
            loop.call_soon_threadsafe(app.set_timer, HANG_UP_EXIT_SECONDS, app.exit)

    def write(self, data: str) -> None:
        """As Textual's, but nothing once the terminal is gone: its output thread died
        on the first write that failed, and its queue (30 writes) would fill and hold
        the console's thread, the close among them, for good."""
        if not self._gone:
            super().write(data)

    def close(self) -> None:
        writer = self._writer_thread
        if self._gone and writer is not None:
            # its thread may be gone (see `write`): stopped without waiting on its queue
            with contextlib.suppress(queue.Full):
                writer._queue.put_nowait(None)  # noqa: SLF001 - what `stop` puts, not waiting
            writer.join(HANG_UP_EXIT_SECONDS)
            self._writer_thread = None
        super().close()
        wake, self.exit_event.wake = self.exit_event.wake, -1  # never written after this
        woken, self._woken = self._woken, -1
        for fd in (woken, wake):
            if fd >= 0:
                os.close(fd)
