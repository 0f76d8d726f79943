"""Shared fixtures: a frozen clock, a fresh database, a war room to act in."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlite_utils

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom

# The test run keeps no compiled dataclass methods (`warroom.cli` installs them when a
# test module imports it, before any test's own cache folder exists), so it reads and
# writes nothing in the real user's cache; each test's fixture below lifts this again.
os.environ["WARROOM_NO_CACHE"] = "1"

T0 = dt.datetime(2026, 11, 23, 9, 0, 0, tzinfo=dt.UTC)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
# the user's settings a test must not read (see _no_user_environment)
USER_ENVIRONMENT = (
    "WARROOM_DB",
    "WARROOM_USER",
    "WARROOM_POLICY",
    "WARROOM_TZ",
    "WARROOM_READ_ONLY",
    "WARROOM_SHARE_GROUP",
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject's addopts): two workers per core, at most 16. Most tests
    wait more than they compute (a console's frames, processes starting, tmux), so
    with one worker per core the cores sat half idle (2 cores: 5 min 46 s with two
    workers, 3 min 3 s with four)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(2, min(2 * cores, 16))


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def cli_clock(monkeypatch: pytest.MonkeyPatch, clock: FrozenClock) -> FrozenClock:
    """The CLI runs on the test's frozen clock (step it between commands)."""
    import warroom.cli.group

    monkeypatch.setattr(warroom.cli.group, "SystemClock", lambda: clock)
    return clock


@pytest.fixture
def policy() -> Policy:
    return load_policy()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warroom.db"


@pytest.fixture(scope="session")
def fresh_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new warroom file as `store.connect` creates one (migrated, owner-only), made
    once per test process: creating one runs every migration (~40 ms each time)."""
    folder = tmp_path_factory.mktemp("fresh")
    with away_from_the_user(folder):
        store.connect(folder / "fresh.db").conn.close()
    return folder / "fresh.db"


@pytest.fixture
def db(db_path: Path, fresh_file: Path) -> Iterator[sqlite_utils.Database]:
    if db_path.parent.is_dir() and not db_path.exists():
        copy_record(fresh_file, db_path)  # the same file connect would have created here
    database = store.connect(db_path)
    yield database
    database.conn.close()


@pytest.fixture
def room(db: sqlite_utils.Database, clock: FrozenClock, policy: Policy) -> WarRoom:
    return WarRoom(db, clock, Actor("Ana", "ana"), policy)


@pytest.fixture
def seeded(room: WarRoom, clock: FrozenClock) -> dict[str, int]:
    """The eight incidents of tests/seeded.py in `room`'s file; title -> id."""
    from tests.seeded import seed

    return seed(room, clock)


@contextmanager
def away_from_the_user(folder: Path) -> Iterator[pytest.MonkeyPatch]:
    """For a fixture wider than one test (a file built once per module): the same
    environment _no_user_environment gives each test, with `folder` for its data."""
    with pytest.MonkeyPatch.context() as patch:
        for name in USER_ENVIRONMENT:
            patch.delenv(name, raising=False)
        patch.setenv("XDG_DATA_HOME", str(folder / "xdg-data"))
        patch.setenv("WARROOM_CACHE_DIR", str(folder / "cache"))
        patch.delenv("WARROOM_NO_CACHE", raising=False)
        yield patch


def copy_record(built: Path, to: Path) -> Path:
    """A copy of a file built once (checkpointed, so its main file holds every row),
    mode and all: each test then writes to its own."""
    conn = sqlite3.connect(built)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    shutil.copy(built, to)
    return to


@pytest.fixture(autouse=True)
def _no_user_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read or write the real user's database or settings."""
    for name in USER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("WARROOM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WARROOM_NO_CACHE", raising=False)
