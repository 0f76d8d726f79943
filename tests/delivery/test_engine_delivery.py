"""The engine delivers the outbox: pages reach a local sink with no console and no
`warroom deliver` running; two engines on one file deliver each page once; an engine
killed with SIGKILL mid-round and started again loses none."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from tests.delivery.sinks import HttpSink, http_sink
from tests.delivery.test_deliver_processes import (
    HANG,
    queue_pages,
    states,
    wait_until,
    warroom_processes,
    write_policy,
)

pytest.importorskip("apprise")
pytest.importorskip("aiohttp")
TOKEN = "engine-delivery-token-0123"


def engines(
    db_path: Path, policy: Path, sink: HttpSink, tmp_path: Path
) -> AbstractContextManager[Callable[[], subprocess.Popen[bytes]]]:
    """Start `warroom engine` processes, each on a free port (see `warroom_processes`)."""
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    token_file.chmod(0o600)
    listen = ["--listen", "127.0.0.1:0", "--token-file", str(token_file)]
    return warroom_processes(db_path, policy, sink, ["engine", *listen])


def test_the_engine_delivers_pages_with_no_console_open(db_path: Path, tmp_path: Path) -> None:
    queue_pages(db_path, 5)
    with http_sink() as sink, engines(db_path, write_policy(tmp_path), sink, tmp_path) as start:
        engine = start()
        wait_until(lambda: states(db_path)["delivered"] == 5, "5 pages delivered")
        engine.send_signal(signal.SIGTERM)
        assert engine.wait(HANG) == 0
    assert sorted(Counter(sink.titles()).values()) == [1] * 5


def test_two_engines_on_one_file_deliver_each_page_once(db_path: Path, tmp_path: Path) -> None:
    queue_pages(db_path, 30)
    with (
        http_sink(delay=0.02) as sink,
        engines(db_path, write_policy(tmp_path), sink, tmp_path) as start,
    ):
        first, second = start(), start()
        wait_until(lambda: states(db_path)["delivered"] == 30, "all 30 delivered")
        for process in (first, second):
            process.send_signal(signal.SIGTERM)
        for process in (first, second):
            assert process.wait(HANG) == 0, process.stderr.read() if process.stderr else ""
    titles = Counter(sink.titles())
    assert len(titles) == 30
    assert max(titles.values()) == 1


def test_an_engine_killed_mid_round_and_restarted_loses_no_page(
    db_path: Path, tmp_path: Path
) -> None:
    queue_pages(db_path, 10)
    with (
        http_sink(delay=0.3) as sink,
        engines(db_path, write_policy(tmp_path), sink, tmp_path) as start,
    ):
        doomed = start()
        wait_until(lambda: len(sink.titles()) >= 2, "a few pages through")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(HANG)
        assert states(db_path)["delivered"] < 10
        start()  # its lease on the page in hand runs out (60 s): the rest go at once
        wait_until(lambda: states(db_path)["delivered"] >= 9, "the rest delivered after restart")
    # none lost: each page was delivered, or is the one the killed engine had in hand,
    # still pending under its lease (the next engine sends it when the lease runs out)
    left = states(db_path)
    assert left["delivered"] + left["pending"] == 10 and left["pending"] <= 1, left
    titles = Counter(sink.titles())
    assert len(titles) >= 9
    assert max(titles.values()) == 1
