"""The real `warroom engine` process: it takes alerts over HTTP, advances a ladder
for real with no console open, stops cleanly on SIGTERM and SIGINT (exit 0, its
record cleared), and refuses a token file others can read."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
TOKEN = "e2e-token-0123456789"

POLICY = """\
contacts:
  - {name: Ana Lima, phone: "+1 555 0101"}
roles:
  Eng lead: Ana Lima
severities:
  P1:
    ack: 15m
    update_every: 30m
    resolve_within: 4h
    ladder:
      - {who: Eng lead, after: 2s, when: unacknowledged, notify: Phone}
"""


class EngineProcess:
    """A `warroom engine` subprocess and the lines it writes on stderr."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.said: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, part: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.said.append(line)
            if part in line:
                return line
        raise AssertionError(f"the engine never said {part!r}; it said {self.said}")

    def rest(self) -> list[str]:
        while not self.lines.empty():
            self.said.append(self.lines.get())
        return self.said


@pytest.fixture
def start_engine(tmp_path: Path) -> Iterator:
    started: list[EngineProcess] = []
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")
    token.chmod(0o600)
    env = os.environ | {"PYTHONUNBUFFERED": "1"}

    def start(db_path: Path, *extra: str, token_file: Path = token) -> EngineProcess:
        argv = [sys.executable, "-m", "warroom", "--db", str(db_path), "--policy", str(policy)]
        argv += ["--as", "engine", "engine", "--listen", "127.0.0.1:0"]
        argv += ["--token-file", str(token_file), *extra]
        engine = EngineProcess(argv, env)
        started.append(engine)
        return engine

    start.policy = policy  # type: ignore[attr-defined]
    try:
        yield start
    finally:
        for engine in started:
            if engine.proc.poll() is None:
                engine.proc.kill()
            engine.proc.wait(10)


def _address(engine: EngineProcess) -> str:
    line = engine.wait_for_line("listening on http://")
    return line.split("http://", 1)[1].split(" ", 1)[0]


def _request(url: str, body: bytes | None = None, token: str | None = TOKEN):
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _engines(db_path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT pid, listen FROM engines").fetchall()
    finally:
        conn.close()


def _wait(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("it did not happen in time")
        time.sleep(0.05)


def test_the_engine_takes_alerts_and_stops_cleanly_on_sigterm(tmp_path: Path, start_engine) -> None:
    db_path = tmp_path / "warroom.db"
    engine = start_engine(db_path)
    address = _address(engine)
    assert _engines(db_path) == [(engine.proc.pid, address)]
    _wait(lambda: _request(f"http://{address}/healthz", token=None)[0] == 200)
    body = (FIXTURES / "alertmanager_firing.json").read_bytes()
    status, answer = _request(f"http://{address}/alerts/alertmanager", body)
    assert status == 200 and [o["said"] for o in answer["outcomes"]] == [
        "declared #1",
        "updated #1",
    ]
    assert _request(f"http://{address}/alerts/alertmanager", body, token="nope")[0] == 401
    engine.proc.send_signal(signal.SIGTERM)
    assert engine.proc.wait(15) == 0
    said = engine.rest()
    assert "warroom engine: stopped" in said
    assert not any("Traceback" in line for line in said)
    assert _engines(db_path) == []


def test_the_ladder_advances_for_real_with_no_console_open(tmp_path: Path, start_engine) -> None:
    db_path = tmp_path / "warroom.db"
    declare = [sys.executable, "-m", "warroom", "--db", str(db_path)]
    declare += ["--policy", str(start_engine.policy), "--as", "Bo", "declare", "-s", "P1"]
    subprocess.run([*declare, "-t", "Checkout errors"], check=True, capture_output=True)

    def calls() -> list[tuple[int, str, str]]:
        conn = sqlite3.connect(db_path)
        try:
            return conn.execute("SELECT level, who, how FROM escalations").fetchall()
        finally:
            conn.close()

    assert calls() == []  # the declaration called nobody: the rung is 2 s out
    engine = start_engine(db_path)
    _address(engine)
    engine.wait_for_line("#1 escalated to level 1: Eng lead (Ana Lima) via Phone", timeout=20)
    assert calls() == [(1, "Eng lead", "auto")]
    conn = sqlite3.connect(db_path)
    try:
        (declared_at,) = conn.execute("SELECT declared_at FROM incidents").fetchone()
        (logged_at,) = conn.execute(
            "SELECT logged_at FROM timeline WHERE kind = 'escalation'"
        ).fetchone()
    finally:
        conn.close()
    # written by the engine once the rung fell due (2 s after the declaration), not before
    waited = dt.datetime.fromisoformat(logged_at) - dt.datetime.fromisoformat(declared_at)
    assert waited >= dt.timedelta(seconds=2)
    engine.proc.send_signal(signal.SIGINT)
    assert engine.proc.wait(15) == 0
    assert _engines(db_path) == []
    assert calls() == [(1, "Eng lead", "auto")]


def test_a_token_file_others_can_read_stops_the_engine_in_one_line(
    tmp_path: Path, start_engine
) -> None:
    loose = tmp_path / "loose-token"
    loose.write_text(TOKEN)
    loose.chmod(0o644)
    engine = start_engine(tmp_path / "warroom.db", token_file=loose)
    assert engine.proc.wait(15) == 1
    _wait(lambda: not engine.lines.empty(), 5)
    time.sleep(0.2)
    said = engine.rest()
    assert said == [
        f"Error: token file {loose} can be read or changed by others (mode 0644);"
        f" run: chmod 600 {loose}"
    ]
