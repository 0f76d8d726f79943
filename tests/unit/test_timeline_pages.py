"""A timeline read a page at a time reads as the whole timeline folded in memory:
the same entries in the same order, corrected, struck and pinned alike, under
every filter and a search, whichever page and from whichever side."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlite_utils

from tests.long_timeline import add_rows
from warroom.domain.timeline_filters import TIMELINE_FILTERS
from warroom.domain.timeline_state import ShownEntry, fold
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.store.timeline_pages import PageRequest, is_big, read_page

DAY = dt.timedelta(days=1)


@pytest.fixture
def long_incident(db: sqlite_utils.Database, room: WarRoom) -> int:
    incident_id = room.declare("Long night", "P2")
    add_rows(db, incident_id, 400, room.clock.now() - 3 * DAY)
    ids = [r.id for r in read_model.timeline(db, incident_id) if r.kind in ("note", "finding")]
    first, second, third, moved = ids[3], ids[40], ids[90], ids[120]
    room.pin(first)
    fixed = room.correct(first, "entry 3 corrected: the pool, not the disk")
    room.strike(room.correct(fixed, "entry 3 corrected twice"), "duplicate")
    room.pin(first, pinned=False)  # unpinned through its oldest version
    room.pin(fixed)  # pinned again through a middle one
    room.strike(second, "wrong incident")
    room.pin(third)
    # a correction with a time moves the entry (to just after the first row)
    room.correct(moved, "entry moved to the start", at=room.clock.now() - 3 * DAY)
    room.log(
        incident_id, "backdated, lands among the generated rows", at=room.clock.now() - 2 * DAY
    )
    room.correct(ids[-1], "the newest entry corrected", "decision")
    return incident_id


def expected(
    db: sqlite_utils.Database, incident_id: int, name: str, matches: frozenset[int] | None
) -> list[ShownEntry]:
    rule = TIMELINE_FILTERS[name]
    return [
        s
        for s in fold(read_model.timeline(db, incident_id))
        if rule.passes(s)
        and (matches is None or s.entry.id in matches or any(h.id in matches for h in s.history))
    ]


def every_page(db: sqlite_utils.Database, request: PageRequest) -> list[ShownEntry]:
    """Oldest to newest, each page from the last key of the one before."""
    page = read_page(
        db, PageRequest(request.incident_id, request.rule, request.matches, "oldest", 0, 7)
    )
    assert page.start == 0
    entries = list(page.entries)
    while page.start + len(page.entries) < page.total:
        after = read_page(
            db, PageRequest(request.incident_id, request.rule, request.matches, page.keys[-1], 1, 8)
        )
        # one entry before the anchor, the anchor's own, then what is new
        assert after.start == page.start + len(page.entries) - 2
        assert len(after.entries) > 2, "the total counts entries that are not there"
        assert after.entries[:2] == page.entries[-2:]
        entries.extend(after.entries[2:])
        page = after
    return entries


@pytest.mark.parametrize("name", list(TIMELINE_FILTERS))
@pytest.mark.parametrize("search", [None, "corrected", "bravo"])
def test_pages_read_as_the_whole_timeline_folded(
    db: sqlite_utils.Database, long_incident: int, name: str, search: str | None
) -> None:
    matches = None if search is None else frozenset(read_model.search(db, long_incident, search))
    want = expected(db, long_incident, name, matches)
    request = PageRequest(long_incident, TIMELINE_FILTERS[name], matches)
    assert every_page(db, request) == want

    newest = read_page(db, PageRequest(long_incident, request.rule, matches, "newest", 5, 0))
    assert newest.total == len(want)
    assert list(newest.entries) == want[-5:]
    assert newest.start == len(want) - len(newest.entries)
    if not want:
        return
    # the scrollbar dragged there (walked from the oldest, or back from the newest)
    for offset in (0, len(want) // 3, 2 * len(want) // 3, len(want) - 1):
        page = read_page(db, PageRequest(long_incident, request.rule, matches, offset, 3, 3))
        assert list(page.entries) == want[page.start : page.start + len(page.entries)]
        assert abs(page.start + 3 - offset) <= 12  # pins and old versions counted on the way
        for near in (0, len(want)):  # counted from either end
            key = page.keys[len(page.keys) // 2]
            again = read_page(
                db, PageRequest(long_incident, request.rule, matches, key, 3, 3, near)
            )
            assert key in again.keys
            assert list(again.entries) == want[again.start : again.start + len(again.entries)]


def test_what_the_fixture_folds_to(db: sqlite_utils.Database, long_incident: int) -> None:
    """The cases above are there: struck, corrected twice, moved, pinned through an old version."""
    shown = fold(read_model.timeline(db, long_incident))
    texts = {s.entry.text: s for s in shown}
    twice = texts["entry 3 corrected twice"]
    assert twice.struck and len(twice.history) == 3 and twice.pinned
    moved = texts["entry moved to the start"]  # after the two rows at the same second
    assert shown.index(moved) == 2 and moved.edited
    recast = texts["the newest entry corrected"]
    assert recast.entry.kind == "decision" and recast.edited
    assert sum(s.pinned for s in shown) == 2


def test_a_timeline_is_read_whole_up_to_two_thousand_rows(
    db: sqlite_utils.Database, room: WarRoom
) -> None:
    """Beyond, a key onto it would wait for the whole read (~100 ms at 2,749 rows on a
    slow host): it is read a page at a time."""
    incident_id = room.declare("Short", "P3")
    add_rows(db, incident_id, 1_990, room.clock.now() - DAY, step=1)
    assert not is_big(db, incident_id)
    add_rows(db, incident_id, 20, room.clock.now() - DAY, step=1)
    assert is_big(db, incident_id)


@pytest.mark.parametrize("name", ["all", "scribe", "decision", "system", "pinned"])
def test_the_newest_page_counts_on_from_the_last_one(
    db: sqlite_utils.Database, room: WarRoom, long_incident: int, name: str
) -> None:
    """Rows written since (new, corrections, strikes, pins, backdated): the total
    counted on from the page before is the total counted again."""
    rule = TIMELINE_FILTERS[name]
    before = read_page(db, PageRequest(long_incident, rule, None, "newest", 4, 0))
    newest = [r.id for r in read_model.timeline(db, long_incident) if r.kind == "decision"][-1]
    room.log(long_incident, "a new decision", "decision")
    room.correct(newest, "a decision, now a finding", "finding")
    room.log(long_incident, "backdated note", at=room.clock.now() - DAY)
    room.strike(room.log(long_incident, "a slip"), "typo")
    room.pin(newest)
    room.escalate(long_incident)
    after = read_page(db, PageRequest(long_incident, rule, None, "newest", 4, 0), since=before)
    want = expected(db, long_incident, name, None)
    assert after.total == len(want)
    assert list(after.entries) == want[-4:]


@pytest.mark.parametrize("name", ["all", "scribe", "decision", "system"])
def test_following_the_end_reads_only_what_was_written_and_says_what_a_fresh_read_says(
    db: sqlite_utils.Database, room: WarRoom, long_incident: int, name: str
) -> None:
    """A console following the newest page: plain new entries are appended to the page
    it holds (not read again); a correction, a pin or a backdated entry reads it whole.
    Either way the page is the one a fresh read gives."""
    rule = TIMELINE_FILTERS[name]

    def newest(since: object = None) -> object:
        request = PageRequest(long_incident, rule, None, "newest", 6, 0)
        return read_page(db, request, since=since)  # type: ignore[arg-type]

    page = newest()
    steps = [
        lambda: room.log(long_incident, "a new note"),
        lambda: [room.log(long_incident, f"burst {n}", "decision") for n in range(3)],
        lambda: room.escalate(long_incident),
        lambda: room.log(long_incident, "backdated", at=room.clock.now() - DAY),
        lambda: room.correct(
            [r.id for r in read_model.timeline(db, long_incident) if r.kind == "note"][-1],
            "the note, corrected",
        ),
        lambda: room.pin(read_model.timeline(db, long_incident)[-1].id),
        lambda: room.log(long_incident, "after the pin", "decision"),
    ]
    for number, step in enumerate(steps):
        step()
        followed, fresh = newest(page), newest()
        assert followed == fresh, f"step {number}"
        page = followed
