"""Entries of the same time keep their order when one is corrected or struck: the
timeline is ordered by (at, root), `root` being the id of the entry's first version,
in memory (TimelineState) and in the paged SQL (the stored `root`, migration 018)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import sqlite_utils

from tests.long_timeline import add_rows
from tests.older_file import older_file
from tests.unit.test_timeline_pages import every_page, expected
from warroom import store
from warroom.domain.vocabulary import ENTRY_KINDS
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.store.timeline_pages import PageRequest, read_page

DAY = dt.timedelta(days=1)


def _same_second_pairs(db: sqlite_utils.Database, incident_id: int) -> list[tuple[int, int]]:
    """(first, second) of the entries written at the same second, both a scribe's."""
    rows = read_model.timeline(db, incident_id)
    return [
        (a.id, b.id)
        for a, b in itertools.pairwise(rows)
        if a.at == b.at and {a.kind, b.kind} <= set(ENTRY_KINDS)
    ]


def test_a_file_from_before_roots_gets_them_for_every_row(db_path: Path) -> None:
    """An older file is upgraded: each row's root is its entry's first version (a chain
    of corrections too), the paging indexes exist and the one they replace is gone."""
    conn = older_file(db_path, "018_timeline_roots")
    rows = [  # id, text, supersedes: #3 corrects #1, #5 corrects #3, #4 strikes #2
        (1, "first", None),
        (2, "second", None),
        (3, "first, corrected", 1),
        (4, "second", 2),
        (5, "first, corrected twice", 3),
        (6, "third", None),
    ]
    conn.executemany(
        "INSERT INTO timeline (id, incident_id, at, logged_at, author, os_user, kind, text,"
        " supersedes) VALUES (?, 1, '2026-01-01T00:05:00Z', '2026-01-01T00:05:00Z', 'ana',"
        " 'ana', 'note', ?, ?)",
        rows,
    )
    conn.close()
    database = store.connect(db_path)
    roots = dict(database.conn.execute("SELECT id, root FROM timeline ORDER BY id").fetchall())
    assert roots == {1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: 6}
    indexes = {row[1] for row in database.conn.execute("PRAGMA index_list(timeline)")}
    assert {"timeline_order", "timeline_kind_order"} <= indexes
    assert "timeline_kinds" not in indexes
    page = read_page(database, PageRequest(1, anchor="oldest", before=10, after=10))
    assert [s.entry.text for s in page.entries] == ["first, corrected twice", "second", "third"]
    database.conn.close()


def test_every_writer_leaves_a_root(db: sqlite_utils.Database, room: WarRoom) -> None:
    """Through the service (the unit of work writes it) and by a plain INSERT (an import,
    a generator: the trigger fills it in)."""
    incident_id = room.declare("Roots", "P2")
    entry = room.log(incident_id, "through the service")
    fixed = room.correct(room.correct(entry, "corrected"), "corrected again")
    add_rows(db, incident_id, 3, room.clock.now())
    plain = int(db.conn.execute("SELECT max(id) FROM timeline").fetchone()[0])
    db.conn.execute(
        "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text,"
        " supersedes) VALUES (?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'x', 'x',"
        " 'note', 'a plain correction', ?)",
        (incident_id, fixed),
    )
    roots = dict(db.conn.execute("SELECT id, root FROM timeline").fetchall())
    assert None not in roots.values()
    assert roots[fixed] == roots[plain + 1] == entry
    assert roots[plain] == plain


def test_a_correction_keeps_its_place_on_every_page(
    db: sqlite_utils.Database, room: WarRoom
) -> None:
    """Pairs of entries at the same second: the first of one pair corrected, the first of
    another struck, the second of a third corrected: each stays where it stood, in the
    pages as in the fold, and a page read from any of their keys holds them in order."""
    incident_id = room.declare("Same second", "P2")
    add_rows(db, incident_id, 60, room.clock.now() - DAY)
    pairs = _same_second_pairs(db, incident_id)
    assert len(pairs) >= 3
    before = [s.entry.id for s in expected(db, incident_id, "all", None)]
    fixed = room.correct(pairs[0][0], "the first of the pair, corrected")
    struck = room.strike(pairs[1][0], "wrong incident")
    later = room.correct(pairs[2][1], "the second of the pair, corrected")
    want = expected(db, incident_id, "all", None)
    renamed = {pairs[0][0]: fixed, pairs[1][0]: struck, pairs[2][1]: later}
    assert [s.entry.id for s in want] == [renamed.get(i, i) for i in before]
    request = PageRequest(incident_id)
    assert every_page(db, request) == want
    for first, second in pairs[:3]:
        page = read_page(db, PageRequest(incident_id, anchor="oldest", before=200, after=200))
        ids = [s.entry.id for s in page.entries]
        assert ids.index(renamed.get(first, first)) + 1 == ids.index(renamed.get(second, second))
        key = page.keys[ids.index(renamed.get(first, first))]
        around = read_page(db, PageRequest(incident_id, anchor=key, before=1, after=2))
        shown = [s.entry.id for s in around.entries]
        at = shown.index(renamed.get(first, first))
        assert around.keys[at] == key  # the page starts its second half at the key
        assert shown[at + 1] == renamed.get(second, second)
