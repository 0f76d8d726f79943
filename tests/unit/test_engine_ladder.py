"""The ladder advances with no console open: the engine's tick, driven by the test's
stepped clock, records breaches and engages rungs exactly once, runs the notify hook
for the rungs it engaged, beats its heartbeat by the same clock, and survives a
sweep that fails."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from tests.engine_support import TOKEN, running_engine
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.engine.runner import Engine, EngineSettings
from warroom.errors import WriteFailed
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model

POLICY = """\
contacts:
  - {name: Ana Lima, phone: "+1 555 0101"}
  - {name: Dana Kim, phone: "+1 555 0104"}
roles:
  Eng lead: Ana Lima
  CTO: Dana Kim
severities:
  P1:
    ack: 5m
    update_every: 30m
    resolve_within: 4h
    ladder:
      - {who: Eng lead, after: 2m, when: unacknowledged, notify: Phone}
      - {who: CTO, after: 10m, when: unresolved}
"""


@pytest.fixture
def ladder_policy(tmp_path: Path) -> Policy:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY)
    return load_policy(path)


def _declare(db_path: Path, clock: FrozenClock, policy: Policy) -> int:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    try:
        return room.declare("Checkout errors", "P1")
    finally:
        room.db.conn.close()


def _calls(db_path: Path, incident: int) -> list[tuple[int, str, str]]:
    db = store.connect(db_path)
    try:
        view = read_model.incident_view(db, incident)
        return [(e.level, e.who, e.how) for e in view.engagements]
    finally:
        db.conn.close()


def _timeline(db_path: Path, incident: int, kind: str) -> list[str]:
    db = store.connect(db_path)
    try:
        return [e.text for e in read_model.timeline(db, incident) if e.kind == kind]
    finally:
        db.conn.close()


async def test_a_rung_is_engaged_by_the_engine_when_it_falls_due(
    db_path: Path, clock: FrozenClock, ladder_policy: Policy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="warroom.engine")
    number = _declare(db_path, clock, ladder_policy)
    async with running_engine(db_path, clock, ladder_policy) as engine:
        await engine.tick()
        assert _calls(db_path, number) == []  # not due yet
        clock.step(minutes=1, seconds=59)
        await engine.tick()
        assert _calls(db_path, number) == []
        clock.step(seconds=1)  # 2 minutes: the Eng lead's rung falls due
        await engine.tick()
        assert _calls(db_path, number) == [(1, "Eng lead", "auto")]
        assert _timeline(db_path, number, "escalation") == [
            "Escalated to level 1: Eng lead (Ana Lima) via Phone (automatic)"
        ]
        await engine.tick()  # seen again: called once
        assert _calls(db_path, number) == [(1, "Eng lead", "auto")]
        clock.step(minutes=3, seconds=1)  # past 5 minutes unacknowledged: the ack SLA breaches
        await engine.tick()
        assert len(_timeline(db_path, number, "sla_breach")) == 1
        clock.step(minutes=5)
        await engine.tick()
        assert _calls(db_path, number) == [(1, "Eng lead", "auto"), (2, "CTO", "auto")]
    said = [r.getMessage() for r in caplog.records]
    assert "#1 escalated to level 1: Eng lead (Ana Lima) via Phone" in said
    assert any(line.startswith("#1 breached ") for line in said)


async def test_the_notify_hook_runs_once_for_each_rung_the_engine_engaged(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    paged = tmp_path / "paged.txt"
    hook = tmp_path / "page"
    hook.write_text(f'#!/bin/sh\necho "$1 $2" >> {paged}\n')
    hook.chmod(0o755)
    policy_path = tmp_path / "hooked.yaml"
    policy_path.write_text(
        POLICY + f'notify_hook:\n  program: {hook}\n  args: ["{{who}}", "{{incident}}"]\n'
    )
    policy = load_policy(policy_path)
    number = _declare(db_path, clock, policy)
    async with running_engine(db_path, clock, policy) as engine:
        clock.step(minutes=2)
        await engine.tick()
        await engine.tick()
    # close() lets a hook that was running finish
    assert paged.read_text().splitlines() == [f"Eng lead {number}"]
    assert any("notify hook ran" in t for t in _timeline(db_path, number, "escalation"))


async def test_the_heartbeat_moves_on_the_engines_clock(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    async with running_engine(db_path, clock, policy) as engine:
        record = engine.record
        assert record is not None

        def heard() -> str:
            rows = sqlite3.connect(db_path).execute("SELECT heartbeat_at FROM engines")
            return str(rows.fetchone()[0])

        assert heard() == "2026-11-23T09:00:00Z"
        clock.step(seconds=4)
        await engine.tick()
        assert heard() == "2026-11-23T09:00:00Z"  # every 5 s, not every tick
        clock.step(seconds=1)
        await engine.tick()
        assert heard() == "2026-11-23T09:00:05Z"
        # another engine forgot this record (its heartbeat was late): it is put back
        conn = sqlite3.connect(db_path)
        conn.execute("DELETE FROM engines")
        conn.commit()
        conn.close()
        clock.step(seconds=5)
        await engine.tick()
        db = store.connect(db_path)
        (back,) = read_model.engines(db)
        db.conn.close()
        assert (back.id, back.started_at, back.heartbeat_at) == (
            record.id,
            record.started_at,
            clock.now(),
        )
    db = store.connect(db_path)
    assert read_model.engines(db) == []  # a clean stop clears it
    db.conn.close()


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (WriteFailed("the disk is full; nothing was saved"), "the disk is full; nothing was saved"),
        (RuntimeError("a bug"), "RuntimeError: a bug"),
    ],
    ids=["refused", "a-bug"],
)
async def test_a_failing_sweep_is_said_once_and_the_next_tick_tries_again(
    db_path: Path,
    clock: FrozenClock,
    ladder_policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    said: str,
) -> None:
    caplog.set_level(logging.INFO, logger="warroom.engine")
    number = _declare(db_path, clock, ladder_policy)
    real_sweep = WarRoom.sweep
    failing = [True]

    def sweep(self, incident_ids=None):
        if failing[0]:
            raise error
        return real_sweep(self, incident_ids)

    monkeypatch.setattr(WarRoom, "sweep", sweep)
    async with running_engine(db_path, clock, ladder_policy) as engine:
        clock.step(minutes=2)
        for _ in range(3):
            await engine.tick()
        assert engine.health.answer(clock.now())["db"] == said
        assert _calls(db_path, number) == []
        failing[0] = False
        await engine.tick()
        assert _calls(db_path, number) == [(1, "Eng lead", "auto")]
        assert engine.health.answer(clock.now())["ok"] is True
    logged = [r.getMessage() for r in caplog.records]
    assert logged.count(f"sweep failed: {said}") == 1
    assert "sweep works again" in logged


async def test_serve_runs_ticks_until_told_to_stop_then_clears_its_record(
    db_path: Path, clock: FrozenClock, ladder_policy: Policy
) -> None:
    number = _declare(db_path, clock, ladder_policy)
    clock.step(minutes=2)
    engine = Engine(
        db_path,
        clock,
        Actor("engine", "svc"),
        ladder_policy,
        EngineSettings("127.0.0.1", 0, TOKEN, tick_seconds=0.05),
    )
    stop = asyncio.Event()
    serving = asyncio.ensure_future(engine.serve(stop))
    for _ in range(100):
        if _calls(db_path, number):
            break
        await asyncio.sleep(0.05)
    assert _calls(db_path, number) == [(1, "Eng lead", "auto")]
    stop.set()
    await asyncio.wait_for(serving, 10)
    db = store.connect(db_path)
    assert read_model.engines(db) == []
    db.conn.close()
