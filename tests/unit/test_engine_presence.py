"""An engine's record in the file (migration 017_engines) and what it says; the
engine's secrets from private files; the engine's start refusing what it cannot do."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import T0
from tests.engine_support import running_engine
from tests.older_file import older_file
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.engine_presence import NO_ENGINE, EngineOnRecord, presence
from warroom.domain.policy import Policy
from warroom.engine.credentials import default_token_path, read_secret_file, token_for
from warroom.engine.runner import parse_listen
from warroom.errors import InvalidInput
from warroom.service import WarRoom
from warroom.store import read_model

SEC = dt.timedelta(seconds=1)


def _engine(started: dt.datetime, heard: dt.datetime, pid: int = 10, id: int = 1):
    return EngineOnRecord(id, pid, "ops-box", "127.0.0.1:9095", "0.1.0", started, heard)


# -- what the record says ------------------------------------------------------------


def test_a_heartbeat_up_to_15_seconds_old_is_a_running_engine() -> None:
    engine = _engine(T0, T0)
    assert presence([engine], T0 + 15 * SEC, dt.UTC).line == (
        "engine: running since 09:00 (ops-box:10)"
    )
    gone = presence([engine], T0 + 16 * SEC, dt.UTC)
    assert (gone.running, gone.line) == (False, NO_ENGINE)
    assert gone.fitting(45) == "engine: none — ladders need a console open"
    assert gone.fitting(20) == gone.fitting(3) == "engine: none"
    assert presence([], T0, dt.UTC).line == NO_ENGINE


def test_the_longest_running_engine_is_named_and_the_others_counted() -> None:
    old = _engine(T0 - dt.timedelta(days=1), T0, pid=1, id=2)
    new = _engine(T0 - dt.timedelta(minutes=5), T0, pid=2, id=1)
    dead = _engine(T0 - dt.timedelta(days=3), T0 - dt.timedelta(hours=1), pid=3, id=3)
    said = presence([new, dead, old], T0, ZoneInfo("Europe/Paris"))
    assert said.line == "engine: running since 2026-11-22 10:00 (ops-box:1) +1 more"
    assert said.fitting(50) == "engine: running since 2026-11-22 10:00 +1 more"
    assert said.fitting(30) == "engine: running +1 more"


def test_the_record_is_written_read_and_cleared_through_the_service(
    room: WarRoom, clock: FrozenClock
) -> None:
    dead = room.engine_started(1, "old-box", "127.0.0.1:9095", "0.1.0").engine
    clock.step(seconds=10)
    alive = room.engine_started(2, "ops-box", "127.0.0.1:9096", "0.1.0")
    assert [e.pid for e in alive.others] == [1]  # still fresh: named as another engine
    clock.step(seconds=10)
    room.engine_heartbeat(alive.engine)
    clock.step(seconds=6)  # the first one's heartbeat is 26 s old: it was killed
    third = room.engine_started(3, "ops-box", "127.0.0.1:9097", "0.1.0")
    assert [e.pid for e in third.others] == [2]  # the dead record is forgotten
    assert [e.pid for e in read_model.engines(room.db)] == [2, 3]
    assert dead.id not in [e.id for e in read_model.engines(room.db)]
    room.engine_stopped(third.engine)
    room.engine_stopped(alive.engine)
    assert read_model.engines(room.db) == []


def test_a_file_from_before_engines_is_upgraded_and_keeps_its_data(db_path: Path) -> None:
    conn = older_file(db_path, "017_engines", version="1")
    assert "engines" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    database = store.connect(db_path)
    assert database["incidents"].get(1)["title"] == "old one"
    assert read_model.engines(database) == []
    database.conn.close()


# -- starting ------------------------------------------------------------------------


async def test_a_port_in_use_stops_the_engine_before_it_records_itself(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        with pytest.raises(InvalidInput, match=f"cannot listen on 127.0.0.1:{port}"):
            async with running_engine(db_path, clock, policy, port=port):
                pass
    finally:
        taken.close()
    db = store.connect(db_path)
    assert read_model.engines(db) == []
    db.conn.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:9095", ("127.0.0.1", 9095)),
        (":9095", ("127.0.0.1", 9095)),
        ("[::1]:0", ("::1", 0)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
    ],
)
def test_listen_addresses(text: str, expected: tuple[str, int]) -> None:
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["9095", "localhost", "127.0.0.1:http", "127.0.0.1:70000"])
def test_a_bad_listen_address_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"expected HOST:PORT, like 127\.0\.0\.1:9095"):
        parse_listen(text)


# -- the secrets ---------------------------------------------------------------------


def _secret(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "token"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_a_private_token_file_is_read_without_its_newline(tmp_path: Path) -> None:
    path = _secret(tmp_path, "abc123-token\n")
    assert token_for(path, tmp_path / "w.db").token == "abc123-token"


@pytest.mark.parametrize(
    ("text", "mode", "said"),
    [
        ("tok", 0o644, "can be read or changed by others (mode 0644); run: chmod 600"),
        ("tok", 0o640, "can be read or changed by others (mode 0640)"),
        ("tok", 0o620, "can be read or changed by others (mode 0620)"),
        ("", 0o600, "is empty"),
        (" \n\n", 0o600, "is empty"),
        ("two words", 0o600, "holds spaces or control characters"),
    ],
)
def test_a_token_file_others_can_read_or_an_empty_one_is_refused(
    tmp_path: Path, text: str, mode: int, said: str
) -> None:
    path = _secret(tmp_path, text, mode)
    with pytest.raises(InvalidInput, match=f"token file {path} ") as refused:
        token_for(path, tmp_path / "w.db")
    assert said in str(refused.value)


def test_a_missing_or_odd_secret_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"PagerDuty secret file .*nope does not exist"):
        read_secret_file(tmp_path / "nope", "PagerDuty secret file")
    with pytest.raises(InvalidInput, match="is not a regular file"):
        read_secret_file(tmp_path, "token file")
    target = _secret(tmp_path, "tok")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(InvalidInput, match="cannot read token file"):
        read_secret_file(link, "token file")


def test_without_a_token_file_one_is_made_beside_the_database_and_kept(tmp_path: Path) -> None:
    db_path = tmp_path / "warroom.db"
    first = token_for(None, db_path)
    assert first.created and first.path == tmp_path / "warroom.db.engine-token"
    assert first.path == default_token_path(db_path)
    assert first.path.stat().st_mode & 0o777 == 0o600
    assert len(first.token) >= 40
    again = token_for(None, db_path)
    assert (again.created, again.token) == (False, first.token)
    first.path.chmod(0o644)  # someone loosened it: refused, not used
    with pytest.raises(InvalidInput, match="chmod 600"):
        token_for(None, db_path)


def test_warroom_log_does_not_load_aiohttp(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    script = (
        "import sys\n"
        "from warroom.cli import cli\n"
        f"cli.main(['--db', {db!r}, 'declare', '-s', 'P2', '-t', 'x'], standalone_mode=False)\n"
        f"cli.main(['--db', {db!r}, 'log', '1', 'hello'], standalone_mode=False)\n"
        "print('aiohttp' in sys.modules, 'warroom.engine' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split()[-2:] == ["False", "False"]
