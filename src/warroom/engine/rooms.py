"""A thread of its own, with its own connection and war room, for the engine's
blocking SQLite work: the event loop hands it jobs and awaits them, so HTTP
stays responsive while a sweep or a write waits for the file's lock.

A job runs with the thread's `WarRoom`; jobs on one thread run in the order
they were handed over (alerts from one sender are taken in the order they came).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from warroom.service import WarRoom

T = TypeVar("T")


class RoomThread:
    """One worker thread; its war room is opened there on first use (SQLite connections
    stay with the thread that opened them) and closed there at the end."""

    def __init__(self, name: str, open_room: Callable[[], WarRoom]) -> None:
        self.name = name
        self._open_room = open_room
        self._room: WarRoom | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"warroom-{name}")

    def _with_room(self, job: Callable[[WarRoom], T]) -> T:
        if self._room is None:
            self._room = self._open_room()
        return job(self._room)

    async def run(self, job: Callable[[WarRoom], T]) -> T:
        """Run `job(room)` on this thread; its result or its exception comes back here."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._with_room, job)

    def _close_room(self) -> None:
        if self._room is not None:
            self._room.db.conn.close()
            self._room = None

    async def close(self) -> None:
        """Close the connection (after the jobs already handed over) and end the thread."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._pool, self._close_room)
        self._pool.shutdown(wait=True)
