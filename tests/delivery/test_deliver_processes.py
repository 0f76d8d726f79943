"""Real `warroom deliver` processes on one file: two deliver each page once; one killed
with SIGKILL mid-round and started again loses none (a page in flight at the kill may
arrive twice: at-least-once across a crash is the most any sender can promise)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from tests.delivery.sinks import HttpSink, http_sink
from tests.unit.test_outbox import paging_policy, room_on
from warroom.clock import FrozenClock, SystemClock
from warroom.loaders.policy import default_policy_text, load_policy

pytest.importorskip("apprise")
HANG = 60.0


def write_policy(tmp_path: Path) -> Path:
    """Eve Adams is paged through a sink whose port comes from ${SINK_PORT}."""
    path = tmp_path / "policy.yaml"
    text = default_policy_text().replace(
        'chat: "@eve"}', 'chat: "@eve", channels: ["json://127.0.0.1:${SINK_PORT}/eve"]}'
    )
    path.write_text(text + "\npages:\n  subscribers: [Eve Adams]\n")
    return path


def queue_pages(db_path: Path, count: int) -> None:
    """`count` incidents declared (at T0, long due), one page each, to Eve Adams."""
    policy = paging_policy(
        "pages:\n  subscribers: [Eve Adams]\n",
        {"Eve Adams": ["json://127.0.0.1:${SINK_PORT}/eve"]},
    )
    from tests.conftest import T0

    room = room_on(db_path, FrozenClock(T0), policy)
    for n in range(count):
        room.declare(f"incident {n}", "P3", commander="Zed")
    room.db.conn.close()


def states(db_path: Path) -> Counter[str]:
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        return Counter(row[0] for row in conn.execute("SELECT state FROM outbox"))
    finally:
        conn.close()


def wait_until(what: Callable[[], bool], why: str) -> None:
    deadline = time.monotonic() + HANG
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {why}")
        time.sleep(0.05)


@contextmanager
def warroom_processes(
    db_path: Path, policy: Path, sink: HttpSink, command: list[str]
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start `warroom COMMAND...` processes on the file, paging through `sink`; every
    one still running is killed at the end."""
    started: list[subprocess.Popen[bytes]] = []
    env = os.environ | {
        "SINK_PORT": str(sink.port),
        "WARROOM_DB": str(db_path),
        "WARROOM_POLICY": str(policy),
        "WARROOM_USER": "pager",
    }

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "warroom", *command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(10)


def deliverers(
    db_path: Path, policy: Path, sink: HttpSink, *extra: str
) -> AbstractContextManager[Callable[[], subprocess.Popen[bytes]]]:
    """Start `warroom deliver` processes (see `warroom_processes`)."""
    return warroom_processes(db_path, policy, sink, ["deliver", "--interval", "0.1", *extra])


def test_two_deliverers_on_one_file_deliver_each_page_once(db_path: Path, tmp_path: Path) -> None:
    queue_pages(db_path, 40)
    policy = write_policy(tmp_path)
    with http_sink(delay=0.01) as sink, deliverers(db_path, policy, sink, "--limit", "3") as start:
        first, second = start(), start()
        wait_until(lambda: states(db_path)["delivered"] == 40, "all 40 delivered")
        for process in (first, second):
            process.send_signal(signal.SIGTERM)  # stops cleanly after its round
        for process in (first, second):
            assert process.wait(HANG) == 0, process.stderr.read() if process.stderr else ""
    titles = Counter(sink.titles())
    assert len(titles) == 40
    assert max(titles.values()) == 1


def test_a_deliverer_killed_mid_round_and_restarted_loses_no_page(
    db_path: Path, tmp_path: Path
) -> None:
    queue_pages(db_path, 12)
    policy = write_policy(tmp_path)
    with (
        http_sink(delay=0.3) as sink,
        deliverers(db_path, policy, sink, "--limit", "12", "--lease", "2") as start,
    ):
        doomed = start()
        wait_until(lambda: len(sink.titles()) >= 2, "a few pages through")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(HANG)
        got_before_restart = len(sink.titles())
        assert states(db_path)["delivered"] < 12  # the kill left claimed pages behind
        start()
        wait_until(lambda: states(db_path)["delivered"] == 12, "all 12 delivered after restart")
    titles = Counter(sink.titles())
    assert len(titles) == 12  # none lost
    # a page being sent when the process died can arrive twice; nothing else does
    assert sum(titles.values()) - 12 <= 1, (titles, got_before_restart)


def test_deliver_with_sweep_pages_the_on_call_with_no_console_open(
    db_path: Path, tmp_path: Path
) -> None:
    policy_path = tmp_path / "policy.yaml"
    text = default_policy_text()
    for handle in ("ana", "ben", "chen"):  # whoever the rota has on call this week
        text = text.replace(
            f'chat: "@{handle}"}}',
            f'chat: "@{handle}", channels: ["json://127.0.0.1:${{SINK_PORT}}/{handle}"]}}',
        )
    policy_path.write_text(text)
    room = room_on(db_path, SystemClock(), load_policy(policy_path))
    incident_id = room.declare("Checkout down", "P1", commander="Zed")
    room.db.conn.close()
    with http_sink() as sink, deliverers(db_path, policy_path, sink, "--sweep") as start:
        start()
        wait_until(lambda: len(sink.titles()) == 1, "the on-call paged")
        time.sleep(0.5)  # and nothing more: one rung, one page
    (title,) = sink.titles()
    assert title.startswith(f"[warroom] #{incident_id} P1 escalated to level 1: On-call (")
    assert states(db_path) == Counter({"delivered": 1})
