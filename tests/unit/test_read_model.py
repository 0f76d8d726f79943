"""One read model: the console and the CLI list incidents in one order and read one view."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from tests.conftest import T0
from tests.seeded import ENDED, LISTED, LIVE, same_list
from tests.seeded import seed as seed  # tests/ui/test_one_order.py imports it from here
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.domain.policy import Policy
from warroom.domain.timefmt import to_iso
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.watcher import DatabaseWatcher


def _cli(db_path: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--as", "Ana", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _titles(ids: dict[str, int], order: list[int]) -> list[str]:
    names = {number: title for title, number in ids.items()}
    return [names[number] for number in order]


def test_list_order_is_severity_then_age_with_ended_last(
    db: sqlite_utils.Database, policy: Policy, seeded: dict[str, int]
) -> None:
    every = read_model.incident_list(db, policy, show_ended=True)
    assert _titles(seeded, [i.id for i in every.incidents]) == LIVE + ENDED
    live = read_model.incident_list(db, policy)
    assert _titles(seeded, [i.id for i in live.incidents]) == LISTED


def test_cli_list_and_the_console_watcher_agree_on_the_order(
    db_path: Path,
    db: sqlite_utils.Database,
    policy: Policy,
    seeded: dict[str, int],
    cli_clock: FrozenClock,
) -> None:
    listed = _cli(db_path, "list", "--all", "--json")
    assert isinstance(listed, list)
    assert _titles(seeded, [row["id"] for row in listed]) == LIVE + ENDED
    live = _cli(db_path, "list", "--json")
    assert isinstance(live, list)
    assert _titles(seeded, [row["id"] for row in live]) == LISTED
    watcher = DatabaseWatcher(db_path, lambda _: None, policy)
    watcher.selected_id = live[0]["id"]  # as the console selects its first row
    # start-up: the live incidents first (the screen fills at once; their deadline board
    # follows in the next read), then all of them
    first = watcher.read(db)
    assert first.board_pending
    assert [i.id for i in first.incidents] == [row["id"] for row in live]
    board = watcher.read(db)
    assert not board.board_pending and board.incidents is first.incidents
    assert [i.id for i in watcher.read(db).incidents] == [row["id"] for row in listed]


def test_list_next_deadline_is_the_consoles_most_urgent_timer(
    db_path: Path,
    db: sqlite_utils.Database,
    policy: Policy,
    seeded: dict[str, int],
    cli_clock: FrozenClock,
) -> None:
    listed = _cli(db_path, "list", "--all", "--json")
    every = read_model.incident_list(db, policy, show_ended=True)
    for row in listed:
        urgent = every.next_deadline(row["id"], policy, cli_clock.now())
        expected = None if urgent is None else urgent.name
        assert (row["next_deadline"] or {}).get("name") == expected
    running = {row["title"]: row["next_deadline"] for row in listed}
    assert running["new P0"]["state"] == "overdue"  # nobody acknowledged a P0 in 30 min
    # issue 13: closing is not the post-mortem; its clock runs until it is marked done
    assert running["P1 closed"]["name"] == "postmortem"
    assert running["P3 cancelled"] is None


def test_show_json_and_the_console_detail_read_the_same_roles_and_engagements(
    db_path: Path,
    db: sqlite_utils.Database,
    policy: Policy,
    seeded: dict[str, int],
    cli_clock: FrozenClock,
) -> None:
    number = seeded["new P0"]
    shown = _cli(db_path, "show", str(number), "--json")
    assert isinstance(shown, dict)
    watcher = DatabaseWatcher(db_path, lambda _: None, policy)
    watcher.selected_id = number
    selection = watcher.read(db).selection
    assert selection is not None
    console_roles = [(r.role, r.person) for r in selection.roles]
    assert console_roles == [(r["role"], r["person"]) for r in shown["roles"]]
    assert ("scribe", "Tom") in console_roles and ("tech-lead", "Priya") in console_roles
    engaged = shown["escalation"]["engaged"]
    assert [(e.level, e.who, e.person, e.how) for e in selection.engagements] == [
        (e["level"], e["who"], e["person"], e["how"]) for e in engaged
    ]
    assert [e["how"] for e in engaged] == ["manual"]


def test_view_reads_what_the_detail_panes_show(
    db: sqlite_utils.Database,
    room: WarRoom,
    policy: Policy,
    seeded: dict[str, int],
    clock: FrozenClock,
) -> None:
    view = read_model.incident_view(db, seeded["new P0"])
    assert view.breaches == frozenset()  # nothing swept yet
    assert view.assigned == {"commander": "Ana", "scribe": "Tom", "tech-lead": "Priya"}
    assert [e.level for e in view.engagements] == [1]
    assert next(e.kind for e in view.timeline) == "declared"
    timers = {t.name: t for t in view.timers(policy, clock.now())}
    assert timers["ack"].state == "overdue"
    assert view.ladder(policy, clock.now()).level == 1
    newer = read_model.incident_view(db, seeded["new P0"], timeline_after=view.timeline[-1].id)
    assert newer.timeline == ()
    room.sweep()
    swept = read_model.incident_view(db, seeded["new P0"])
    assert ("ack", to_iso(timers["ack"].deadline)) in swept.breaches
    assert len(swept.timeline) > len(view.timeline)  # the breach is on the timeline too


def test_a_view_read_after_a_commit_never_shows_its_entry_with_the_row_before_it(
    db: sqlite_utils.Database, room: WarRoom, policy: Policy, seeded: dict[str, int]
) -> None:
    """The console reads its list, then the selected incident's new timeline rows with
    the list's row of it: an acknowledgement committed between the two showed its
    entry beside "NOT ACKNOWLEDGED" (the list's row, read before it)."""
    number = seeded["new P0"]
    listed = read_model.incident_list(db, policy)
    before = read_model.incident_view(db, number, listed=listed)
    assert before.incident is listed.by_id[number]  # the list's row, not read again
    assert before.incident.acknowledged_at is None
    room.acknowledge(number)  # another console, between the list and the view
    view = read_model.incident_view(
        db, number, timeline_after=before.timeline[-1].id, listed=listed
    )
    assert [e.kind for e in view.timeline] == ["ack"]
    assert view.incident.acknowledged_at is not None  # the row as the entry has it
    # and a scribe's note (no change to the row) keeps the list's row
    again = read_model.incident_list(db, policy, previous=listed)
    room.log(number, "checking the pool")
    noted = read_model.incident_view(db, number, timeline_after=view.timeline[-1].id, listed=again)
    assert [e.text for e in noted.timeline] == ["checking the pool"]
    assert noted.incident is again.by_id[number]


def _clock_row(
    db: sqlite_utils.Database, incident_id: int, kind: str, at: dt.datetime, **data: str
) -> None:
    db.conn.execute(
        "INSERT INTO timeline (incident_id, at, logged_at, author, os_user, kind, text, data)"
        " VALUES (?, ?, ?, 'Ana', 'ana', ?, 'moved', ?)",
        (incident_id, to_iso(at), to_iso(T0), kind, json.dumps(data)),
    )


def test_kept_histories_fold_new_rows_like_a_fresh_read(
    db: sqlite_utils.Database, seeded: dict[str, int]
) -> None:
    """The watcher folds only rows past the last it saw; backdated rows take their
    place by time, rows deleted by hand start it afresh: always what a fresh read says."""
    ids = list(seeded.values())
    kept = read_model.ClockHistories()
    assert kept.histories(db, ids) == read_model.histories(db, ids)
    p0, p2 = seeded["new P0"], seeded["old P2"]
    _clock_row(db, p0, "severity", T0 - dt.timedelta(minutes=1), **{"from": "P0", "to": "P1"})
    _clock_row(db, p0, "severity", T0 - dt.timedelta(minutes=5), **{"from": "P1", "to": "P0"})
    _clock_row(
        db, p2, "status", T0 - dt.timedelta(minutes=3), **{"from": "resolved", "to": "fixing"}
    )
    _clock_row(
        db, p2, "status", T0 - dt.timedelta(minutes=9), **{"from": "fixing", "to": "resolved"}
    )
    before = kept.histories(db, ids)
    again = kept.histories(db, ids)
    fresh = read_model.histories(db, ids)
    assert before == fresh
    assert [c.at for c in fresh[p0].severity_changes] == [
        T0 - dt.timedelta(minutes=5),
        T0 - dt.timedelta(minutes=1),
    ]
    assert fresh[p2].reopened == ((T0 - dt.timedelta(minutes=9), T0 - dt.timedelta(minutes=3)),)
    assert again[p0] is before[p0]  # nothing new: the same history, not rebuilt
    db.conn.execute("DELETE FROM timeline WHERE incident_id = ? AND kind = 'severity'", (p0,))
    assert kept.histories(db, ids) == read_model.histories(db, ids)
    assert kept.histories(db, ids)[p0].severity_changes == ()


def test_a_list_read_again_reads_only_what_changed_and_says_what_a_fresh_read_says(
    db: sqlite_utils.Database,
    room: WarRoom,
    clock: FrozenClock,
    policy: Policy,
    seeded: dict[str, int],
) -> None:
    """The console's watcher reads the list again after every commit: whatever door a
    change comes through (the service, a sweep, a breach another process recorded with
    INSERT OR IGNORE, rows removed by hand), the list it keeps is what a fresh read says,
    and what did not change is the same objects (nothing to redraw)."""
    kept = read_model.ClockHistories()
    listed = read_model.incident_list(db, policy, show_ended=True, kept=kept)
    p0, p1, p2 = seeded["new P0"], seeded["newer P1"], seeded["old P2"]
    room.log(p1, "a note changes no list row")
    again = read_model.incident_list(db, policy, show_ended=True, kept=kept, previous=listed)
    assert again is listed

    steps = [
        lambda: room.acknowledge(p0),
        lambda: room.set_severity(p2, "P0"),  # moves up the list
        lambda: room.assign_role(p1, "commander", "Zoe"),
        lambda: room.post_update(p2, "Still looking."),
        lambda: clock.step(hours=2),
        lambda: room.sweep(),  # breaches and rungs of many incidents at once
        lambda: room.set_status(p0, "resolved"),
        lambda: room.set_status(p0, "investigating"),  # reopened: a pause on its clocks
        lambda: room.hand_off(p1, "Kai", "going off shift"),
        lambda: db.conn.execute(
            "INSERT OR IGNORE INTO sla_breaches (incident_id, timer, deadline, recorded_at)"
            " VALUES (?, 'resolve', '2026-03-02T00:00:00Z', '2026-03-01T12:00:00Z')",
            (p1,),
        ),
        lambda: db.conn.execute(
            "DELETE FROM timeline WHERE incident_id = ? AND kind = 'severity'", (p2,)
        ),
        lambda: db.conn.execute(  # a call recorded by another door (the ladder reads calls)
            "INSERT INTO escalations (incident_id, level, who, person, notify, engaged_at, how,"
            " by, severity) VALUES (?, 3, 'CTO', 'Dana', 'Phone', '2026-03-01T12:00:00Z',"
            " 'manual', 'Ana', 'P0')",
            (p0,),
        ),
        lambda: room.set_status(p1, "cancelled"),
        lambda: room.declare("late arrival", "P1"),
    ]
    for number, step in enumerate(steps):
        before = listed
        step()
        listed = read_model.incident_list(db, policy, show_ended=True, kept=kept, previous=before)
        fresh = read_model.incident_list(db, policy, show_ended=True)
        assert same_list(listed, fresh), f"step {number}"
        # what the read handed on from the last one (not worked out from its rows again)
        assert listed.by_id == fresh.by_id, f"step {number}"
        assert listed.breaches_of == fresh.breaches_of, f"step {number}"
        assert listed.positions == fresh.positions, f"step {number}"
        assert listed.ids == fresh.ids, f"step {number}"
        assert kept.histories(db, list(fresh.clocks)) == read_model.histories(
            db, list(fresh.clocks)
        ), f"step {number}"
    # a change to one incident leaves the others' rows and clock inputs as they were
    before = listed
    room.assign_role(p1, "scribe", "Tom")
    listed = read_model.incident_list(db, policy, show_ended=True, kept=kept, previous=before)
    untouched = [i for i in listed.incidents if i.id != p1]
    assert all(i is before.by_id[i.id] for i in untouched)
    assert all(listed.clocks[i] is before.clocks[i] for i in listed.clocks if i != p1)
    assert listed.by_id[p1] is not before.by_id[p1] or listed.clocks.get(p1) is not (
        before.clocks.get(p1)
    )
    # the live list: an incident cancelled leaves it, and its rows with it
    live = read_model.incident_list(db, policy, kept=kept)
    room.set_status(p2, "cancelled")
    again = read_model.incident_list(db, policy, kept=kept, previous=live)
    fresh = read_model.incident_list(db, policy)
    assert same_list(again, fresh)
    assert p2 in live.by_id and p2 not in again.by_id
    assert (again.by_id, again.breaches_of) == (fresh.by_id, fresh.breaches_of)


def test_the_ended_ones_read_in_batches_after_the_live_list_say_what_a_whole_read_says(
    db: sqlite_utils.Database,
    room: WarRoom,
    clock: FrozenClock,
    policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
    seeded: dict[str, int],
) -> None:
    """The console reads the live incidents first and the closed and cancelled ones
    after, a few at a time: joined, and read again for what changed in between (an
    incident closed, one reopened, one cancelled, a breach), they are what one whole
    read says, the live rows as the live list's very objects."""
    for n in range(5):  # more ended incidents than one batch
        number = room.declare(f"closed {n}", "P2")
        room.set_status(number, "resolved")
        room.set_status(number, "closed", postmortem_owner="Ana")
    monkeypatch.setattr(read_model, "ENDED_BATCH", 2)
    live = read_model.incident_list(db, policy)
    assert {i.status for i in live.incidents} <= {"investigating", "monitoring", "resolved"}
    # between the two reads: one listed incident closed (then in both reads)
    room.set_status(seeded["P0 resolved long ago"], "closed", postmortem_owner="Ana")
    batches: list[int] = []
    ended = read_model.ended_list(db, policy, between=lambda: batches.append(1))
    assert len(batches) >= 4  # 8 ended incidents, 2 at a time
    assert [i.status in ("closed", "cancelled") for i in ended.incidents] == [True] * 8
    room.postmortem(seeded["P1 closed"], done=True)  # after both reads: its clock stops
    room.set_status(seeded["old P2"], "cancelled")
    clock.step(hours=3)
    room.sweep()  # breaches recorded for many incidents
    joined = read_model.with_ended(live, ended)
    assert joined.show_ended
    # the live rows are the live list's objects; each incident once
    assert joined.incidents[: len(live.incidents)] == live.incidents
    assert all(a is b for a, b in zip(joined.incidents, live.incidents, strict=False))
    assert len({i.id for i in joined.incidents}) == len(joined.incidents)
    again = read_model.incident_list(db, policy, show_ended=True, previous=joined)
    fresh = read_model.incident_list(db, policy, show_ended=True)
    assert same_list(again, fresh)
    assert [i.id for i in again.incidents] == [i.id for i in fresh.incidents]
    # with nothing changed in between, the join alone is the whole read
    live = read_model.incident_list(db, policy)
    ended = read_model.ended_list(db, policy)
    joined = read_model.with_ended(live, ended)
    assert read_model.incident_list(db, policy, show_ended=True, previous=joined) is joined
    assert same_list(joined, fresh)


def test_incidents_read_without_a_dict_per_row_are_what_the_row_reader_says(
    db: sqlite_utils.Database, room: WarRoom, clock: FrozenClock, seeded: dict[str, int]
) -> None:
    """List reads build each record straight from the row's columns (no dict on the
    way) and share the repeated texts: the records equal what `_incident` reads from
    the row, a row whose times are not the stored form (written by hand, an old
    version) is read or left out exactly as `_incident` does, and the ended ones read
    a batch at a time are the same records."""
    from warroom.store import queries

    room.set_status(seeded["old P2"], "identified")
    bad = room.declare("hand-written times", "P2")
    gone = room.declare("no usable declaration", "P3")
    db.conn.execute(
        "UPDATE incidents SET detected_at = 'yesterday', acknowledged_at = '',"
        " mitigated_at = '2026-03-01 10:00:00+00:00' WHERE id = ?",
        (bad,),
    )
    db.conn.execute(
        "UPDATE incidents SET declared_at = '0999-01-01T00:00:00Z' WHERE id = ?", (gone,)
    )
    queries.forget_unreadable()
    read = queries.incidents(db, include_ended=True)
    noted = queries.unreadable_times()
    queries.forget_unreadable()
    rows = queries._rows(db, "SELECT * FROM incidents ORDER BY id")  # noqa: SLF001
    expected = queries._readable(queries._incident, rows)  # noqa: SLF001
    assert read == expected
    assert noted == queries.unreadable_times()
    assert gone not in {i.id for i in read} and bad in {i.id for i in read}
    by_id = {i.id: i for i in read}
    assert by_id[bad].detected_at is None and by_id[bad].acknowledged_at is None
    assert by_id[bad].mitigated_at == dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    # a status many incidents have is one string
    investigating = [i.status for i in read if i.status == "investigating"]
    assert len(investigating) > 1 and all(s is investigating[0] for s in investigating)
    assert queries.incidents_by_id(db, list(by_id), include_ended=True) == expected
    ended, after = queries.incident_batch(db, 0, 100, ended=True)
    assert ended == [i for i in expected if i.status in ("closed", "cancelled")]
    assert after == max(i.id for i in ended)
    assert queries.incident_batch(db, after, 100, ended=True) == ([], None)


def test_records_built_slot_by_slot_are_whole_frozen_incidents(
    db: sqlite_utils.Database, seeded: dict[str, int]
) -> None:
    """The list's records are set slot by slot (not through the frozen `__init__`):
    each is the record `Incident(...)` makes of the same values (equal, same hash and
    text, every field set) and stays frozen."""
    import dataclasses

    from warroom.domain.models import Incident
    from warroom.store import queries

    assert queries._SLOTS_BUILD  # noqa: SLF001 (else `Incident(...)` itself is called)
    for record in queries.incidents(db, include_ended=True):
        made = Incident(**{f.name: getattr(record, f.name) for f in dataclasses.fields(Incident)})
        assert record == made and hash(record) == hash(made) and repr(record) == repr(made)
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.title = "changed"  # type: ignore[misc]
        assert dataclasses.replace(record, title="x").title == "x"


def test_the_list_sort_key_is_list_order(
    db: sqlite_utils.Database, room: WarRoom, policy: Policy, seeded: dict[str, int]
) -> None:
    """`list_order_key` (each status and severity's place worked out once) gives the
    very tuples `list_order` gives, unknown severities and ended incidents included."""
    odd = room.declare("severity the policy does not know", "P2")
    db.conn.execute("UPDATE incidents SET severity = 'SEV-X' WHERE id = ?", (odd,))
    every = read_model.incidents(db, include_ended=True)
    key = read_model.list_order_key(policy)
    assert {i.severity for i in every} >= {"SEV-X", "P2"}
    assert len({i.status for i in every}) > 2
    for incident in every + every:  # the second time from the places kept
        assert key(incident) == read_model.list_order(incident, policy)
    listed = read_model.incident_list(db, policy, show_ended=True).incidents
    assert list(listed) == sorted(every, key=lambda i: read_model.list_order(i, policy))


def test_timeline_rows_read_without_a_dict_per_row_are_what_the_entry_reader_says(
    db: sqlite_utils.Database, room: WarRoom, seeded: dict[str, int]
) -> None:
    """Timeline reads build each entry straight from the row's columns: the entries equal
    what `_entry` reads from the row (data, corrections, pins), are whole frozen records,
    and a row whose time is not the stored form is read or left out as `_entry` does;
    the fold shows an entry as written (`_as_written`) as it shows it otherwise."""
    import dataclasses

    from warroom.domain.models import TimelineEntry
    from warroom.domain.timeline_state import ShownEntry, TimelineState
    from warroom.store import queries

    incident = seeded["new P0"]
    first = room.log(incident, "primary down")
    room.log(incident, "[bold]markup[/bold] kept as typed", kind="finding")
    fixed = room.correct(first, "primary and replica down")
    room.pin(fixed)
    room.strike(room.log(incident, "wrong host"), "typo")
    hand = room.log(incident, "written by hand")
    gone = room.log(incident, "no usable time")
    db.conn.execute("UPDATE timeline SET at = '2026-03-01 10:00:00+00:00' WHERE id = ?", (hand,))
    db.conn.execute("UPDATE timeline SET at = 'soon' WHERE id = ?", (gone,))
    queries.forget_unreadable()
    read = queries.timeline(db, incident)
    noted = queries.unreadable_times()
    queries.forget_unreadable()
    rows = queries._rows(  # noqa: SLF001
        db, "SELECT * FROM timeline WHERE incident_id = ? ORDER BY at, id", (incident,)
    )
    expected = queries._readable(queries._entry, rows)  # noqa: SLF001
    assert read == expected and noted == queries.unreadable_times() and noted
    assert hand in {e.id for e in read} and gone not in {e.id for e in read}
    assert any(e.data for e in read) and any(e.supersedes == first for e in read)
    assert queries.timeline_since(db, incident, first) == [e for e in expected if e.id > first]
    assert queries._ENTRY_SLOTS_BUILD  # noqa: SLF001 (else `TimelineEntry(...)` is called)
    for entry in read:
        made = TimelineEntry(**{f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)})
        assert entry == made and repr(entry) == repr(made)
        with pytest.raises(dataclasses.FrozenInstanceError):
            entry.text = "changed"  # type: ignore[misc]
    folded = TimelineState()
    folded.add(read)
    state = TimelineState()  # every entry shown through `shown`, as before
    state.add(read)
    for shown in folded.current():
        made = ShownEntry(shown.entry, shown.pinned, shown.history)
        assert shown == made and repr(shown) == repr(made)
        assert shown == state.shown(shown.entry.id)
    assert [s.pinned for s in folded.current()].count(True) == 1
