"""Keys reach the console one at a time, in the order they were typed.

Textual forwards each key to whatever has focus *when the key is read*, then
reads the next one at once. A key that moves focus (Tab), opens a dialog (`i`)
or submits (Enter) does so only after it has bubbled back up to the app, so
the keys typed right behind it (a burst, a paste, a laggy SSH link) were
already handed to the old widget: lines merge, words split across form fields,
letters meant for a dialog fire actions on the screen behind it.

`OrderedKeys` holds each key until the one before it has settled: a marker
message follows the key through the same queues (widget, its parents, the
app), so it arrives after the key's own handling and bindings; a second
marker then follows anything those posted to the newly focused widget (an
Input's Submitted, a dialog's dismissal). Only then is the next key forwarded,
to whatever has focus by then. A marker lost with a removed widget is covered
by a short fallback, so the console never stops listening.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from functools import partial

from textual import events
from textual.app import App
from textual.message import Message
from textual.timer import Timer

from warroom.tui.paste_guard import for_field

FALLBACK = 0.5  # seconds before a key whose marker was lost lets the next one through
FOCUS_WAIT = 0.01  # a dialog still mounting: look again for its focused field this soon
FOCUS_TRIES = 40


@dataclass
class KeySettled(Message):
    """Marker that a forwarded key has been handled everywhere it went (internal)."""

    serial: int
    round: int


class OrderedKeys(App[None]):
    """An App whose keys and pastes are delivered strictly one after another."""

    def __init__(self) -> None:
        super().__init__()
        self._held: deque[events.Key | events.Paste] = deque()
        self._in_flight = 0  # serial of the key being delivered; 0: none
        self._serials = 0
        self._fallback: Timer | None = None
        self._focus_tries = 0
        self.keyed_at = time.monotonic()  # when the last key, paste or mouse event came
        self.pressed_at = -1e9  # when the last key or paste came (mouse motion aside)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.keyed_at = self.pressed_at = time.monotonic()
            self._held.append(event)
            await self._deliver()
            return
        if isinstance(event, events.MouseEvent):  # a drag or a scroll: not a pause either
            self.keyed_at = time.monotonic()
        await super().on_event(event)

    async def _deliver(self) -> None:
        while self._held and not self._in_flight:
            if self._dialog_still_opening():
                self._focus_tries += 1
                self.set_timer(FOCUS_WAIT, self._deliver)
                return
            self._focus_tries = 0
            event = self._held.popleft()
            target = self.focused or self.screen
            if isinstance(event, events.Paste):
                event = for_field(event, target)  # a one-line field keeps every line
            self._serials += 1
            self._in_flight = serial = self._serials
            await super().on_event(event)  # priority bindings, then forward to the target
            if self._in_flight == serial:
                target.post_message(KeySettled(serial, 1))
                self._fallback = self.set_timer(FALLBACK, partial(self._settle, serial))

    def _dialog_still_opening(self) -> bool:
        """Nothing has focus yet on a screen that is about to focus something."""
        if self.focused is not None or self._focus_tries >= FOCUS_TRIES:
            return False
        screen = self.screen
        return not screen.is_mounted or bool(screen.focus_chain)

    async def on_key_settled(self, message: KeySettled) -> None:
        message.stop()
        if message.serial != self._in_flight:
            return  # a marker for a key the fallback already let go
        if message.round == 1:  # follow what the key's bindings posted, too
            (self.focused or self.screen).post_message(KeySettled(message.serial, 2))
            return
        await self._settle(message.serial)

    async def _settle(self, serial: int) -> None:
        if serial != self._in_flight:
            return
        self._in_flight = 0
        if self._fallback is not None:
            self._fallback.stop()
            self._fallback = None
        await self._deliver()
