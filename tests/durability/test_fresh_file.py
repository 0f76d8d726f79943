"""Six consoles opening one brand-new file at the same moment all get in.

The first creates and migrates it; the others wait their turn and find it ready.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.durability.helpers import check_database, finish, spawn, wait_until
from warroom import store
from warroom.store import queries


def _open_fresh_file_at_once(tmp_path: Path, processes: int) -> None:
    tmp_path.mkdir(exist_ok=True)
    db_path = tmp_path / "fresh.db"
    gate = tmp_path / "go"
    reports = [tmp_path / f"opener{n}.txt" for n in range(processes)]
    openers = [
        spawn("declare", db_path, report, tag=f"o{n}", gate=gate)
        for n, report in enumerate(reports)
    ]
    wait_until(lambda: all(r.exists() for r in reports), "every process started")
    gate.touch()
    for process in openers:
        finish(process)
    ids = sorted(int(report.read_text()) for report in reports)
    assert ids == list(range(1, processes + 1))
    check_database(db_path)
    database = store.connect(db_path, create=False)
    assert sorted(i.title for i in queries.incidents(database)) == sorted(
        f"Opened by o{n}" for n in range(processes)
    )
    database.conn.close()


def test_six_consoles_create_one_fresh_file_at_once(tmp_path: Path) -> None:
    for attempt in range(3):
        _open_fresh_file_at_once(tmp_path / f"attempt{attempt}", processes=6)


@pytest.mark.slow
def test_six_consoles_create_a_fresh_file_at_once_again_and_again(tmp_path: Path) -> None:
    for attempt in range(15):
        _open_fresh_file_at_once(tmp_path / f"attempt{attempt}", processes=6)
