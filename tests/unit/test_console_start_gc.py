"""`warroom` with no command holds full garbage collections from before it imports
the console (importing and mounting it brought one full collection, ~25 ms, before
the first frame), and lets go however the console ends."""

from __future__ import annotations

import gc

import pytest

from warroom.cli import console_start as group  # where the console is opened
from warroom.tui import start_up_gc


def test_full_collections_wait_from_before_the_console_is_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    monkeypatch.setattr(group, "_run_console", lambda context: seen.append(gc.get_threshold()))
    group.open_console(object())  # type: ignore[arg-type]
    assert seen and seen[0][:2] == before[:2] and seen[0][2] > 1000
    assert gc.get_threshold() == before


def test_a_console_that_fails_to_start_lets_go(monkeypatch: pytest.MonkeyPatch) -> None:
    before = gc.get_threshold()

    def fails(context: object) -> None:
        raise RuntimeError("no terminal")

    monkeypatch.setattr(group, "_run_console", fails)
    with pytest.raises(RuntimeError):
        group.open_console(object())  # type: ignore[arg-type]
    assert gc.get_threshold() == before


def test_no_collections_from_before_the_console_is_imported_until_its_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Young collections wait too: what is alive at the first frame is frozen there, and
    the collector runs again (full collections still held until the data shows)."""
    assert gc.isenabled()
    before = gc.get_threshold()
    seen: list[tuple[bool, int]] = []

    def console(context: object) -> None:
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        start_up_gc.first_frame_drawn()  # what the app's Ready does
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        assert gc.get_threshold()[2] > 1000  # full collections: still held

    monkeypatch.setattr(group, "_run_console", console)
    frozen = gc.get_freeze_count()
    try:
        group.open_console(object())  # type: ignore[arg-type]
        assert seen[0] == (False, frozen)
        assert seen[1][0] and seen[1][1] > frozen
        assert gc.isenabled() and gc.get_threshold() == before
        made = [[n] for n in range(1000)]  # young objects: a second freeze would take them
        start_up_gc.first_frame_drawn()  # a second frame, or another app: nothing more
        assert gc.get_freeze_count() < seen[1][1] + len(made)
    finally:
        gc.unfreeze()


def test_a_console_that_never_drew_a_frame_turns_the_collector_back_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fails(context: object) -> None:
        assert not gc.isenabled()
        raise RuntimeError("no terminal")

    monkeypatch.setattr(group, "_run_console", fails)
    frozen = gc.get_freeze_count()
    with pytest.raises(RuntimeError):
        group.open_console(object())  # type: ignore[arg-type]
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_collector_turned_off_before_stays_off() -> None:
    """`pause_collections` turns back on only what it turned off."""
    gc.disable()
    try:
        start_up_gc.pause_collections()
        start_up_gc.first_frame_drawn()
        start_up_gc.resume_collections()
        assert not gc.isenabled()
    finally:
        start_up_gc.release_full_collections()
        gc.enable()


def test_the_console_releases_a_hold_taken_before_it() -> None:
    before = gc.get_threshold()
    start_up_gc.hold_full_collections()
    collector = start_up_gc.StartUpCollector()
    collector.hold()  # the console's own hold: the same one
    assert gc.get_threshold()[2] > 1000
    collector.release(freeze=False)
    assert gc.get_threshold() == before
    start_up_gc.release_full_collections()  # nothing left to let go
    assert gc.get_threshold() == before


def test_after_start_up_full_collections_wait_for_a_pause_then_run_as_often_as_before() -> None:
    before = gc.get_threshold()
    collector = start_up_gc.StartUpCollector()
    collector.hold()
    collector.release(freeze=True)  # start-up's reads are shown
    try:
        assert gc.get_threshold() == (*before[:2], before[2] * start_up_gc.DEFERRED)
        gc.collect(2)  # counts from zero
        for _ in range(before[2]):
            gc.collect(1)  # each younger collection counts towards a full one
        assert not start_up_gc.collect_if_due()  # not yet due: Python would not have run it
        gc.collect(1)
        assert gc.get_count()[2] > before[2]
        assert start_up_gc.collect_if_due()  # due: the pause runs it
        assert gc.get_count()[2] == 0
        assert not start_up_gc.collect_if_due()
    finally:
        collector.close()
    assert gc.get_threshold() == before
    assert not start_up_gc.collect_if_due()  # no console: nothing deferred, nothing run


def test_a_console_closed_before_its_start_up_read_showed_leaves_nothing_changed() -> None:
    before = gc.get_threshold()
    collector = start_up_gc.StartUpCollector()
    collector.hold()
    collector.close()  # the screen went (a quit during start-up)
    collector.release(freeze=True)  # the callback queued before it runs after
    assert gc.get_threshold() == before and not collector.frozen
