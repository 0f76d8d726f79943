"""The engine's life: start (listen, then record itself in the file), tick once a
second until SIGTERM or SIGINT, then stop cleanly (finish the tick, close the
server, let running hooks finish, clear its record).

Each tick runs the engine's duties in order on the clock thread, each with the
war room of that thread (see `Engine.duties`); a duty that fails is logged and
the next tick tries again. Alerts arrive on the receiver's own thread, and the
notify hook runs on a third, so a slow hook (up to its timeout) holds back
neither the next sweep nor an alert.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import os
import signal
import socket
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom import __version__, store
from warroom.clock import Clock
from warroom.domain.engine_presence import HEARTBEAT_EVERY, EngineOnRecord
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.runbooks import Runbook
from warroom.domain.timefmt import to_iso
from warroom.domain.visible import visible_line
from warroom.engine.rooms import RoomThread
from warroom.errors import InvalidInput, WarroomError
from warroom.service import WarRoom
from warroom.service.clocks import Engaged, SweepResult

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger("warroom.engine")

TICK_SECONDS = 1.0
# /healthz says not ok when the last good sweep is older than this
SWEEP_STALE = dt.timedelta(seconds=10)


def parse_listen(text: str) -> tuple[str, int]:
    """(host, port) of `127.0.0.1:9095`, `[::1]:9095` or `:9095` (loopback); port 0
    picks a free port."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise InvalidInput(f"--listen {text!r}: expected HOST:PORT, like 127.0.0.1:9095")
    return host.strip("[]") or "127.0.0.1", int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Duty:
    """One piece of the engine's per-tick work: `work(room)` runs on the clock thread
    (blocking is fine there); `then(result)` back on the event loop; `every`: at most
    that often by the engine's clock (None: every tick)."""

    name: str
    work: Callable[[WarRoom], Any]
    every: dt.timedelta | None = None
    then: Callable[[Any], None] | None = None


@dataclass
class Health:
    """What `/healthz` answers: no paths, no secrets."""

    started_at: dt.datetime | None = None
    last_sweep_at: dt.datetime | None = None
    db_error: str | None = None

    def answer(self, now: dt.datetime) -> dict[str, Any]:
        swept = self.last_sweep_at
        fresh = swept is not None and now - swept <= SWEEP_STALE
        return {
            "ok": self.db_error is None and fresh,
            "db": self.db_error or ("ok" if swept is not None else "not swept yet"),
            "started_at": to_iso(self.started_at) if self.started_at else None,
            "last_sweep_at": to_iso(swept) if swept else None,
            "version": __version__,
        }


@dataclass
class EngineSettings:
    """How the engine runs: where it listens, what senders must present."""

    host: str = "127.0.0.1"
    port: int = 9095
    token: str = ""
    pagerduty_secret: str | None = None
    tick_seconds: float = TICK_SECONDS


@dataclass
class _Failures:
    """A failing duty is logged when its reason changes and when it recovers, not
    once a second."""

    last: dict[str, str] = field(default_factory=dict)

    def failed(self, duty: str, reason: str) -> None:
        if self.last.get(duty) != reason:
            log.error("%s failed: %s", duty, visible_line(reason))
        self.last[duty] = reason

    def worked(self, duty: str) -> None:
        if self.last.pop(duty, None) is not None:
            log.info("%s works again", duty)


class Engine:
    """One engine on one database file."""

    def __init__(
        self,
        db_path: Path,
        clock: Clock,
        actor: Actor,
        policy: Policy,
        settings: EngineSettings,
        runbooks: Sequence[Runbook] | Callable[[], Sequence[Runbook]] = (),
    ) -> None:
        self.db_path = db_path
        self.clock = clock
        self.settings = settings
        self.health = Health()
        self.record: EngineOnRecord | None = None
        self.address = ""  # host:port actually listened on (port 0 picks one)

        def open_room() -> WarRoom:
            return WarRoom(store.connect(db_path), clock, actor, policy, runbooks)

        self.clock_thread = RoomThread("clock", open_room)
        self.receiver_thread = RoomThread("receiver", open_room)
        self.hook_thread = RoomThread("hooks", open_room)
        # pages go out on their own thread, so a slow channel never holds up the ladders
        self.pages_thread = RoomThread("pages", open_room)
        self._delivering: asyncio.Task[None] | None = None
        self._stopping = False
        self.worker_id = ""  # this engine's name in the outbox's leases (set at start)
        self._last_run: dict[str, dt.datetime] = {}
        self._failures = _Failures()
        self._hooks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None

    # -- the duties of each tick ------------------------------------------------------

    def duties(self) -> list[Duty]:
        """What each tick does, in order. A new duty is one line here."""
        return [
            Duty("sweep", lambda room: room.sweep(), then=self._swept),
            Duty("heartbeat", self._beat, every=HEARTBEAT_EVERY),
        ]

    def deliver(self) -> None:
        """Start a delivery round on the pages thread unless one is running: due pages
        go out one at a time, each claimed under a lease (another engine or `warroom
        deliver` on the file never sends the same page)."""
        if self._stopping or (self._delivering is not None and not self._delivering.done()):
            return
        self._delivering = asyncio.ensure_future(self._deliver_round())

    async def _deliver_round(self) -> None:
        worker = self.worker_id or None
        try:
            done = await self.pages_thread.run(
                lambda room: room.deliver_pages(
                    worker_id=worker, keep_going=lambda: not self._stopping
                )
            )
        except Exception as exc:  # a bug or a locked file: logged, tried again next tick
            reason = str(exc) if isinstance(exc, WarroomError) else f"{type(exc).__name__}: {exc}"
            self._failures.failed("pages", reason)
            return
        self._failures.worked("pages")
        for line in done.lines():
            log.info("%s", visible_line(line))

    async def tick(self) -> None:
        """Run every duty that is due, one after the other; failures are logged. Then
        pages due go out (on their own thread)."""
        await self._tick_duties()
        self.deliver()

    async def _tick_duties(self) -> None:
        for duty in self.duties():
            now = self.clock.now()
            last = self._last_run.get(duty.name)
            if duty.every is not None and last is not None and now - last < duty.every:
                continue
            try:
                result = await self.clock_thread.run(duty.work)
                self._last_run[duty.name] = now
                if duty.then is not None:
                    duty.then(result)
            except Exception as exc:  # a bug in a duty must not stop the ladders either
                reason = str(exc)
                if not isinstance(exc, WarroomError):
                    reason = f"{type(exc).__name__}: {reason}"
                self._failures.failed(duty.name, reason)
                if duty.name == "sweep":
                    self.health.db_error = reason
                continue
            self._failures.worked(duty.name)

    def _swept(self, result: SweepResult) -> None:
        self.health.last_sweep_at = self.clock.now()
        self.health.db_error = result.stopped  # stopped part-way: said, the rest next time
        if result.stopped:
            log.warning("sweep stopped part-way: %s", result.stopped)
        for number, breach in result.breaches:
            log.info("#%s breached %s (due %s)", number, breach.label, to_iso(breach.deadline))
        for step in result.engaged:
            log.info("%s", step_said(step))
        if any(step.person for step in result.engaged):
            task = asyncio.ensure_future(self._run_hooks(result.engaged))
            self._hooks.add(task)
            task.add_done_callback(self._hooks.discard)

    async def _run_hooks(self, engaged: list[Engaged]) -> None:
        """The policy's notify hook for the rungs this engine engaged (as a console does
        for its own), off the clock thread."""
        try:
            runs = await self.hook_thread.run(lambda room: room.run_notify_hook(engaged))
        except WarroomError as exc:
            log.error("notify hook: %s", visible_line(str(exc)))
            return
        for run in runs:
            (log.warning if run.failed else log.info)("%s", visible_line(run.text))

    def _beat(self, room: WarRoom) -> None:
        if self.record is not None:
            room.engine_heartbeat(self.record)

    # -- starting and stopping ----------------------------------------------------------

    async def start(self) -> None:
        """Listen, then record this engine in the file. A port in use or a file the
        engine cannot write stops it here, with nothing left behind."""
        from aiohttp import web

        from warroom.engine.receiver import Receiver, build_app

        settings = self.settings
        receiver = Receiver(
            settings.token,
            settings.pagerduty_secret,
            self.receiver_thread,
            lambda: self.health.answer(self.clock.now()),
        )
        self._runner = web.AppRunner(build_app(receiver), access_log=None, handle_signals=False)
        await self._runner.setup()
        try:
            site = web.TCPSite(self._runner, settings.host, settings.port)
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise InvalidInput(
                f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
            ) from None
        host, port = self._runner.addresses[0][:2]
        self.address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        try:
            started = await self.clock_thread.run(
                lambda room: room.engine_started(
                    os.getpid(), socket.gethostname(), self.address, __version__
                )
            )
        except BaseException:
            await self._runner.cleanup()
            self._runner = None
            await self._close_threads()
            raise
        self.record = started.engine
        self.worker_id = f"engine {started.engine.host}:{started.engine.pid}:{started.engine.id}"
        self._last_run["heartbeat"] = started.engine.heartbeat_at
        self.health.started_at = started.engine.started_at
        for other in started.others:
            log.warning(
                "another engine runs on this file: %s:%s (listening on %s) since %s",
                visible_line(other.host),
                other.pid,
                visible_line(other.listen),
                to_iso(other.started_at),
            )

    async def close(self) -> None:
        """Stop taking alerts (requests in flight finish), let running hooks finish,
        clear this engine's record, close the connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._stopping = True  # the page being sent is finished; no other is claimed
        if self._delivering is not None:
            await asyncio.gather(self._delivering, return_exceptions=True)
        if self._hooks:
            await asyncio.gather(*self._hooks, return_exceptions=True)
        if self.record is not None:
            record, self.record = self.record, None
            try:
                await self.clock_thread.run(lambda room: room.engine_stopped(record))
            except WarroomError as exc:
                log.error("could not clear this engine's record: %s", visible_line(str(exc)))
        await self._close_threads()

    async def _close_threads(self) -> None:
        for thread in (
            self.clock_thread,
            self.receiver_thread,
            self.hook_thread,
            self.pages_thread,
        ):
            await thread.close()

    async def serve(self, stop: asyncio.Event | None = None) -> None:
        """Run until SIGTERM or SIGINT (or `stop` is set): each tick finishes before
        the engine stops."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT)
        for number in signals:
            loop.add_signal_handler(number, stop.set)
        try:
            await self.start()
            log.info(
                "listening on http://%s (POST /alerts/SOURCE, GET /healthz); database %s",
                self.address,
                visible_line(str(self.db_path)),
            )
            try:
                while not stop.is_set():
                    await self.tick()
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.settings.tick_seconds)
            finally:
                log.info("stopping")
                await self.close()
        finally:
            for number in signals:
                loop.remove_signal_handler(number)
        log.info("stopped")


def step_said(step: Engaged) -> str:
    """A rung reached, as the engine logs it."""
    if not step.person:
        return f"#{step.incident_id} ⚠ level {step.level} {visible_line(step.who)}: nobody holds it"
    via = f" via {visible_line(step.notify)}" if step.notify else ""
    who = visible_line(f"{step.who} ({step.person})")
    return f"#{step.incident_id} escalated to level {step.level}: {who}{via}"
