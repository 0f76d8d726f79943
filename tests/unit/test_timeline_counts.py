"""Each incident's timeline counted as it is written (`timeline_counts`, db migration
020): whatever writes the rows (the service, an import, a plain INSERT, a DELETE or an
UPDATE by hand), the counts are those a count of the rows gives, and so is a long
timeline's total and the place of a page read from another connection."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from tests.conftest import T0
from tests.long_timeline import add_rows
from tests.older_file import older_file
from tests.unit.test_timeline_pages import expected
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.timeline_filters import TIMELINE_FILTERS
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.store.timeline_pages import PageRequest, TimelinePage, read_page
from warroom.transfer import export_json, parse_document

DAY = dt.timedelta(days=1)
INSERT = (
    "INSERT INTO timeline (id, incident_id, at, logged_at, author, os_user, kind, text,"
    " supersedes) VALUES (?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'x', 'x', ?, ?"
)
Counts = dict[tuple[int, str, str], tuple[int, int]]


def kept(db: sqlite_utils.Database) -> Counts:
    """The counts the triggers kept (rows counted to nothing left out)."""
    rows = db.conn.execute("SELECT incident_id, kind, hour, written, replaced FROM timeline_counts")
    return {(i, k, h): (w, r) for i, k, h, w, r in rows if (w, r) != (0, 0)}


def recounted(db: sqlite_utils.Database) -> Counts:
    """The same counted from the rows: each incident's rows by kind and hour, and of
    them how many a row of the same incident corrects (once per correction)."""
    rows = {
        r[0]: (r[1], r[2], r[3][:13], r[4])
        for r in db.conn.execute("SELECT id, incident_id, kind, at, supersedes FROM timeline")
    }
    written = Counter(row[:3] for row in rows.values())
    replaced: Counter[tuple[int, str, str]] = Counter()
    for incident, _, _, target in rows.values():
        if target in rows and rows[target][0] == incident:
            replaced[rows[target][:3]] += 1
    return {key: (n, replaced[key]) for key, n in written.items()}


def totals_agree(db: sqlite_utils.Database, incident_id: int) -> None:
    """The total a long timeline's reader shows, under each filter, is the whole
    timeline folded (and the kept counts are a recount)."""
    assert kept(db) == recounted(db)
    for name, rule in TIMELINE_FILTERS.items():
        page = read_page(db, PageRequest(incident_id, rule, None, "newest", 3, 0))
        assert page.total == len(expected(db, incident_id, name, None)), name


def test_every_writer_keeps_the_counts(
    db: sqlite_utils.Database, room: WarRoom, policy: Policy, tmp_path: Path
) -> None:
    first = room.declare("Counted", "P2")
    second = room.declare("Beside it", "P3")
    third = room.declare("Made by hand", "P3")
    add_rows(db, first, 60, room.clock.now() - 3 * DAY)  # a plain INSERT (an old tool)
    add_rows(db, second, 10, room.clock.now() - 3 * DAY)
    totals_agree(db, first)
    rows = [r.id for r in read_model.timeline(db, first) if r.kind in ("note", "finding")]
    fixed = room.correct(rows[0], "corrected once")
    room.correct(fixed, "and now a decision", "decision")  # the kind moves
    room.strike(rows[1], "wrong incident")
    room.pin(rows[2])
    room.pin(rows[2], pinned=False)
    room.log(first, "backdated", at=room.clock.now() - 2 * DAY)
    totals_agree(db, first)

    # an import: the timeline under new ids, corrections and pins with it
    imported = room.import_incident(
        parse_document(export_json(db, first, room.clock.now()), "export.json")
    )
    totals_agree(db, imported)
    decisions = {k[2]: n for k, n in kept(db).items() if k[:2] == (first, "decision")}
    assert decisions == {k[2]: n for k, n in kept(db).items() if k[:2] == (imported, "decision")}

    # by hand: a correction deleted, a corrected row deleted, rows moved and recast
    corrections = [r for r in read_model.timeline(db, first) if r.supersedes is not None]
    statements = [
        ("DELETE FROM timeline WHERE id = ?", (corrections[-1].id,)),
        ("DELETE FROM timeline WHERE id = ?", (corrections[0].supersedes,)),
        ("UPDATE timeline SET incident_id = ? WHERE id = ?", (second, rows[3])),
        ("UPDATE timeline SET kind = 'todo' WHERE id = ?", (rows[4],)),
        ("UPDATE timeline SET supersedes = ? WHERE id = ?", (rows[6], rows[5])),
        ("UPDATE timeline SET supersedes = NULL WHERE id = ?", (rows[5],)),
        ("UPDATE timeline SET at = '2026-01-01T05:00:00Z' WHERE id = ?", (rows[8],)),
        ("UPDATE timeline SET root = root WHERE id = ?", (rows[7],)),  # counts unmoved
        # a row written again over its id, and one not written (it is there)
        (f"INSERT OR REPLACE {INSERT[7:]}, NULL)", (rows[9], first, "decision", "replaced")),
        (f"INSERT OR IGNORE {INSERT[7:]}, NULL)", (rows[10], first, "decision", "ignored")),
        # a correction written before the row it corrects (a hand-made file; the fold
        # and the pages disagree on it, so it goes on an incident of its own)
        (f"{INSERT}, 9002)", (9001, third, "note", "corrects one not written yet")),
        (f"{INSERT}, NULL)", (9002, third, "finding", "written after its correction")),
    ]
    db.conn.execute("PRAGMA foreign_keys = OFF")  # rows others point at, deleted
    for sql, params in statements:
        with store.transaction(db):
            db.conn.execute(sql, params)
        assert kept(db) == recounted(db), sql
    db.conn.execute("PRAGMA foreign_keys = ON")
    totals_agree(db, first)
    totals_agree(db, second)


def test_a_correction_in_another_incident_is_not_subtracted(
    db: sqlite_utils.Database, room: WarRoom
) -> None:
    """What the paging reads as replaced is a row corrected within its own incident;
    a row naming one of another incident (a hand-made file) subtracts nothing."""
    first = room.declare("One", "P2")
    second = room.declare("Two", "P2")
    entry = room.log(first, "first's entry")
    db.conn.execute(
        "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text,"
        " supersedes) VALUES (?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'x', 'x',"
        " 'note', 'from elsewhere', ?)",
        (second, entry),
    )
    db.conn.commit()
    assert kept(db) == recounted(db)
    assert [n for k, n in kept(db).items() if k[:2] == (first, "note")] == [(1, 0)]


def test_an_older_file_gets_its_counts(db_path: Path) -> None:
    """A file from before migration 020: counted once on upgrade, corrections and pins
    as the rows say, then kept by the triggers."""
    conn = older_file(db_path, "020_timeline_counts")
    rows = [  # id, kind, text, supersedes, data: #3 corrects #1 into a decision, #5 pins #3
        (1, "note", "first", None, "{}"),
        (2, "note", "second", None, "{}"),
        (3, "decision", "first, decided", 1, "{}"),
        (4, "note", "second", 2, '{"struck": true}'),
        (5, "pin", "Pinned", None, '{"entry": 3, "pinned": true}'),
        (6, "finding", "third", None, "{}"),
    ]
    conn.executemany(
        "INSERT INTO timeline (id, incident_id, at, logged_at, author, os_user, kind, text,"
        " supersedes, data) VALUES (?, 1, ?, '2026-01-01T00:05:00Z', 'ana', 'ana', ?, ?, ?, ?)",
        [(n, f"2026-01-01T0{n // 6}:05:00Z", *rest) for n, *rest in rows],
    )
    conn.close()
    database = store.connect(db_path)
    try:
        hour = "2026-01-01T00"
        assert kept(database) == {
            (1, "note", hour): (3, 2),
            (1, "decision", hour): (1, 0),
            (1, "pin", hour): (1, 0),
            (1, "finding", "2026-01-01T01"): (1, 0),
        }
        totals_agree(database, 1)
        database.conn.execute(
            "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text)"
            " VALUES (1, '2026-01-01T00:06:00Z', '2026-01-01T00:06:00Z', 'ana', 'ana', 'note',"
            " 'after the upgrade')"
        )
        database.conn.commit()
        totals_agree(database, 1)
    finally:
        database.conn.close()


@pytest.mark.parametrize("near", ["start", "end"])
def test_a_page_read_again_after_another_connection_wrote_stands_where_it_is(
    db_path: Path, clock: FrozenClock, policy: Policy, near: str
) -> None:
    """A reader holding a page in the middle of a long timeline; another connection
    writes before it, after it, corrects and pins: read again by its key, the page's
    place (the scrollbar, the cursor's index) and the total are the whole timeline's."""
    reader = store.connect(db_path)
    writer = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    incident_id = writer.declare("Long night", "P2")
    add_rows(writer.db, incident_id, 300, clock.now() - 3 * DAY)
    whole = expected(reader, incident_id, "all", None)
    stored = reader.conn.execute(
        "SELECT at, root FROM timeline WHERE id = ?", (whole[150].entry.id,)
    ).fetchone()
    key = (str(stored[0]), int(stored[1]))

    def at_key() -> TimelinePage:
        where = 0 if near == "start" else len(whole)
        request = PageRequest(incident_id, anchor=key, before=5, after=5, near=where)
        page = read_page(reader, request)
        want = expected(reader, incident_id, "all", None)
        assert page.total == len(want)
        assert list(page.entries) == want[page.start : page.start + len(page.entries)]
        assert page.keys[5] == key
        return page

    before = at_key()
    rows = [s.entry.id for s in whole]
    writer.log(incident_id, "backdated before it", at=clock.now() - 3 * DAY)
    writer.log(incident_id, "new at the end")
    writer.correct(rows[10], "an early one, corrected")
    writer.strike(rows[200], "a later one, struck")
    writer.pin(rows[20])
    after = at_key()
    assert after.start == before.start + 1  # the backdated entry came before it
    assert after.total == before.total + 2
    reader.conn.close()
    writer.db.conn.close()


def test_verify_names_counts_a_tool_left_off_and_says_how_to_count_again(
    db_path: Path, policy: Policy
) -> None:
    """A tool without recursive triggers (the sqlite3 shell) replacing a row leaves the
    replaced one counted: `warroom verify` says so, and its statement counts again."""
    from warroom.store import db as schema
    from warroom.store.verify import REBUILD, verify

    room = WarRoom(store.connect(db_path), FrozenClock(T0), Actor("Ana", "ana"), policy)
    incident_id = room.declare("Checkout down", "P1")
    room.db.conn.close()
    assert verify(db_path).ok
    raw = sqlite3.connect(db_path)  # recursive_triggers off, as the shell has it
    replace = (
        "INSERT OR REPLACE INTO timeline (id, incident_id, at, logged_at, author, os_user,"
        " kind, text) VALUES (1000, ?, ?, ?, 'x', 'x', 'note', 't')"
    )
    raw.execute(replace, (incident_id, *("2026-01-01T00:00:00Z",) * 2))
    raw.execute(replace, (incident_id, *("2026-01-01T05:00:00Z",) * 2))  # same id, later hour
    raw.commit()
    verdict = verify(db_path)
    assert any(
        p.startswith(
            f"timeline counts: the counts kept for the timelines of incidents #{incident_id} differ"
        )
        for p in verdict.problems
    ), verdict.problems
    raw.executescript(schema.RECOUNT_ALL)  # what verify says to run
    raw.execute(REBUILD)  # (the search index was left off too: verify says that as well)
    raw.commit()
    raw.close()
    assert verify(db_path).ok
    database = store.connect(db_path)
    assert kept(database) == recounted(database)
    assert (incident_id, "note", "2026-01-01T05") in kept(database)
    assert (incident_id, "note", "2026-01-01T00") not in kept(database)
