"""Start-up's first read of a long list is its first rows only, sorted by SQLite
(`read_model.first_page`), with how many incidents are live and resolved in all; the
board's read adds every other one (`after_page`). The page must be exactly the list's
first rows, and the list it grows into exactly the list a whole read gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

import warroom.tui.watcher as watcher_module
from tests.conftest import T0
from tests.seeded import LISTED, same_list
from warroom.clock import FrozenClock
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.store import read_model


def _titles(listed: read_model.IncidentList) -> list[str]:
    return [i.title for i in listed.incidents]


def test_the_first_page_is_the_lists_first_rows_with_the_whole_files_counts(
    db: sqlite_utils.Database, room: WarRoom, policy: Policy, seeded: dict[str, int]
) -> None:
    room.sweep()  # breaches on record, on the first rows and beyond
    whole = read_model.incident_list(db, policy)
    assert _titles(whole) == LISTED
    for rows in (1, 2, 3, 5):
        page = read_model.first_page(db, policy, rows)
        assert page is not None and page.page == (5, 1)  # five live, one resolved
        assert page.incidents == whole.incidents[:rows]
        first = {i.id for i in page.incidents}
        assert dict(page.clocks) == {k: v for k, v in whole.clocks.items() if k in first}
        assert page.breaches == {b for b in whole.breaches if b[0] in first}
        assert page.partial and not page.show_ended
    # no more listed than the page holds: a whole read is as quick, and is the answer
    assert read_model.first_page(db, policy, len(LISTED)) is None
    assert read_model.first_page(db, policy, 100) is None


def test_unknown_severities_and_the_resolved_sort_on_the_page_as_in_the_list(
    db: sqlite_utils.Database, room: WarRoom, policy: Policy, clock: FrozenClock
) -> None:
    for n, severity in enumerate(["P3", "P1", "P0", "P2", "P1"]):
        room.declare(f"#{n} {severity}", severity, declared_at=T0 - dt.timedelta(minutes=n))
    resolved = room.declare("resolved P0", "P0", declared_at=T0 - dt.timedelta(hours=9))
    room.set_status(resolved, "resolved")
    # a severity the policy no longer has (an older policy's file): last among the live
    db.conn.execute("UPDATE incidents SET severity = 'SEV9' WHERE title = '#1 P1'")
    db.conn.commit()
    whole = read_model.incident_list(db, policy)
    assert _titles(whole)[-2:] == ["#1 P1", "resolved P0"]
    for rows in range(1, len(whole.incidents)):
        page = read_model.first_page(db, policy, rows)
        assert page is not None and page.incidents == whole.incidents[:rows]


@pytest.mark.parametrize(
    "declared",
    [
        # a file written by hand: the same moment in another form, which SQLite would
        # sort as text (after every stored time of that day)
        (T0 - dt.timedelta(hours=5)).isoformat(),
        "0999-01-01T00:00:00Z",  # the stored form, out of the range warroom keeps
    ],
)
def test_a_declared_time_not_in_the_stored_form_reads_the_whole_list(
    db: sqlite_utils.Database,
    room: WarRoom,
    policy: Policy,
    seeded: dict[str, int],
    declared: str,
) -> None:
    db.conn.execute(
        "UPDATE incidents SET declared_at = ? WHERE id = ?", (declared, seeded["old P2"])
    )
    db.conn.commit()
    read_model.forget_unreadable()
    whole = read_model.incident_list(db, policy)
    listed = seeded["old P2"] in [i.id for i in whole.incidents]
    assert listed == (declared[0] != "0")  # out of range: left out (and named)
    assert read_model.first_page(db, policy, 2) is None


def test_after_the_page_the_list_is_the_whole_list_and_keeps_the_pages_rows(
    db: sqlite_utils.Database,
    room: WarRoom,
    policy: Policy,
    seeded: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    room.sweep()
    kept = read_model.ClockHistories()
    page = read_model.first_page(db, policy, 2, kept)
    assert page is not None
    monkeypatch.setattr(read_model, "LISTED_BATCH", 2)  # six listed: three batches
    batches: list[int] = []
    grown = read_model.after_page(db, policy, page, lambda: batches.append(1))
    assert batches == [1, 1, 1] and grown.page is None and grown.mark == page.mark
    assert all(a is b for a, b in zip(grown.incidents, page.incidents, strict=False))
    whole = read_model.incident_list(db, policy)
    assert grown.incidents == whole.incidents
    filled = read_model.with_clocks(db, grown, kept)
    assert same_list(filled, whole)
    # a page is never brought up to date as if it were the list
    assert same_list(read_model.incident_list(db, policy, previous=page), whole)


def test_what_changes_between_the_page_and_the_rest_is_read_again(
    db: sqlite_utils.Database, room: WarRoom, policy: Policy, seeded: dict[str, int]
) -> None:
    kept = read_model.ClockHistories()
    page = read_model.first_page(db, policy, 2, kept)
    assert page is not None and _titles(page) == LISTED[:2]
    # meanwhile: a new P0 that sorts onto the page, a row of the page closed after
    # resolving (it leaves the list), one beyond it acknowledged, a resolved one reopened
    newest = room.declare("newest P0", "P0", declared_at=T0 - dt.timedelta(minutes=15))
    room.set_status(seeded["new P0"], "resolved")
    room.set_status(seeded["new P0"], "closed", postmortem_owner="Ana")
    room.acknowledge(seeded["old P2"])
    room.set_status(seeded["P0 resolved long ago"], "investigating")  # reopened
    grown = read_model.after_page(db, policy, page)
    caught_up = read_model.incident_list(
        db, policy, kept=kept, previous=read_model.with_clocks(db, grown, kept)
    )
    fresh = read_model.incident_list(db, policy)
    assert same_list(caught_up, fresh)
    ids = [i.id for i in caught_up.incidents]
    assert ids[:3] == [seeded["P0 resolved long ago"], newest, seeded["second new P0"]]
    assert seeded["new P0"] not in ids


def test_the_watchers_board_read_after_a_page_catches_up_with_the_file(
    db_path: Path,
    db: sqlite_utils.Database,
    room: WarRoom,
    policy: Policy,
    seeded: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The file moves between the first page and the board's read: the board's snapshot
    is the whole list as the file has it now (a row of the page gone, a new one on
    top), and the status bar's counts are the list's own again."""
    monkeypatch.setattr(watcher_module, "FIRST_PAGE", 2)
    watcher = watcher_module.DatabaseWatcher(db_path, lambda _: None, policy)
    first = watcher.read(db)
    assert [i.title for i in first.incidents] == LISTED[:2] and first.counts == (5, 1)
    newest = room.declare("newest P0", "P0", declared_at=T0 - dt.timedelta(minutes=15))
    room.set_status(seeded["new P0"], "cancelled")
    second = watcher.read(db, changed=True)
    fresh = read_model.incident_list(db, policy)
    assert second.incidents == list(fresh.incidents) and second.counts is None
    assert second.incidents[0].id == newest and dict(second.clocks) == dict(fresh.clocks)
    assert second.breaches == fresh.breaches and not second.board_pending
