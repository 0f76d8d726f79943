"""The watcher's reads held ahead for j/k (issue 12), driven on its own thread as the
console drives it: what is held, what a take hands over, and a take that lands while
another read is under way."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import warroom.tui.watcher as watcher_module
from tests.waits import until
from tests.watching import whole_reads
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.timeline_state import TimelineState
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model, timeline_pages
from warroom.tui.messages import Selection, Snapshot
from warroom.tui.watcher import NEARBY_SECONDS, OPENED_SECONDS, DatabaseWatcher
from warroom.tui.watcher import POLL_SECONDS as POLL


@pytest.fixture
def room(db_path: Path, clock: FrozenClock) -> WarRoom:
    """Five P2 incidents, listed #1..#5, each with a note (another console's writes)."""
    room = WarRoom(store.connect(db_path), clock, Actor("Eve", "eve"), load_policy())
    for n in range(1, 6):
        room.log(room.declare(f"Incident {n}", "P2"), f"note on {n}")
        clock.step(minutes=1)
    return room


@pytest.fixture
def watcher(db_path: Path, room: WarRoom) -> Iterator[tuple[DatabaseWatcher, list[Any]]]:
    """A watcher whose thread starts once the test has made start-up's selection (its
    first `take`, then the `poke` the console makes when nothing is held): its own
    start-up read (the first row, held) would otherwise race that take, and a read of
    the selection made before the poke would be made again after it."""
    posted: list[Any] = []

    def post(message: Any) -> None:
        posted.append(message)
        if isinstance(message, Snapshot) and message.selection and message.selection.reset:
            watcher.settled()  # as the screen says once it has drawn an incident read for it

    watcher = DatabaseWatcher(db_path, post, load_policy())
    thread = threading.Thread(target=watcher.run, daemon=True)
    poke = watcher.poke

    def first_poke(*, reset_selection: bool = False) -> None:
        watcher.poke = poke  # type: ignore[method-assign]
        poke(reset_selection=reset_selection)
        thread.start()

    watcher.poke = first_poke  # type: ignore[method-assign]
    try:
        yield watcher, posted
    finally:
        watcher.stop()
        if thread.is_alive():
            thread.join(5)


def selections(posted: list[Any]) -> list[Selection]:
    return [m.selection for m in posted if isinstance(m, Snapshot) and m.selection is not None]


def texts(selection: Selection) -> list[str]:
    if selection.folded is not None:
        return [shown.entry.text for shown in selection.folded.current()]
    return [entry.text for entry in selection.entries]


def followed_on(posted: list[Any], room: WarRoom, incident_id: int, text: str) -> None:
    """Another console logs `text` on the shown incident: it comes as a new row only
    (the incident is followed, not read whole again)."""
    posted.clear()
    room.log(incident_id, text)
    until(lambda: any(s.incident.id == incident_id for s in selections(posted)), "read it on")
    follow = next(s for s in selections(posted) if s.incident.id == incident_id)
    assert not follow.reset and texts(follow) == [text]


def test_a_take_hands_over_the_read_held_ahead_and_follows_it(
    watcher: tuple[DatabaseWatcher, list[Any]], room: WarRoom
) -> None:
    w, posted = watcher
    assert w.take(1, (2, 3)) is None  # nothing held yet: the console asks (poke)
    w.poke(reset_selection=True)
    until(lambda: any(s.incident.id == 1 for s in selections(posted)), "read #1")
    until(lambda: w.whole_list_read, "read the whole list")  # start-up: that first
    until(lambda: w.holds(2) and w.holds(3), "read #2 and #3 ahead")
    assert not w.holds(4)
    held = w.take(2, (3, 4, 1))
    assert held is not None and held.reset
    assert held.incident.id == 2 and texts(held)[-1] == "note on 2"
    assert not w.holds(2)  # handed out once: the view keeps (and adds to) it
    w.settled()
    until(lambda: w.holds(4) and w.holds(1), "read ahead from #2")
    # #2 is now the shown incident: another console's entry comes as new rows only
    followed_on(posted, room, 2, "later on 2")
    # and that commit dropped what was held, then read it again as it is now
    until(lambda: w.holds(3), "read #3 ahead again")


def test_a_read_under_way_when_the_screen_takes_a_held_read_is_not_handed_on(
    watcher: tuple[DatabaseWatcher, list[Any]],
    room: WarRoom,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w, posted = watcher
    w.take(1, (2, 3))
    w.poke(reset_selection=True)
    until(lambda: w.whole_list_read and w.holds(2) and w.holds(3), "read #2 and #3 ahead")
    view = read_model.incident_view
    handed: list[Selection | None] = []

    def slow_view(db: Any, incident_id: int, **kwargs: Any) -> read_model.IncidentView:
        if incident_id == 5 and not handed:  # the key after: #2 taken while #5 is read
            handed.append(w.take(2, (3, 4, 1)))
        return view(db, incident_id, **kwargs)

    monkeypatch.setattr(read_model, "incident_view", slow_view)
    posted.clear()
    # a jump to #5: not held, read (#2 kept near it: the take below may come before
    # or after the watcher looks around the new place)
    assert w.take(5, (4, 3, 2)) is None
    w.poke(reset_selection=True)
    until(lambda: bool(handed), "read #5")
    assert handed[0] is not None and handed[0].incident.id == 2
    w.settled()
    until(lambda: w.holds(3), "read ahead from #2")
    # the read of #5 was not handed on: the screen shows #2, and the watcher follows #2
    assert not any(s.incident.id == 5 for s in selections(posted))
    followed_on(posted, room, 2, "after the take")


def test_a_read_ahead_under_way_gives_way_to_the_person_s_write_and_is_read_again_after(
    watcher: tuple[DatabaseWatcher, list[Any]],
    room: WarRoom,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enter pressed while a neighbour is read ahead: that read stops where it is (a
    busy incident's is ~30 ms of the watcher's thread, which reads the entry next)."""
    w, _ = watcher
    # the write is under way until the test says it is done, however slow the machine
    monkeypatch.setattr(watcher_module, "WRITE_WAIT_SECONDS", 1e6)
    view = read_model.incident_view
    reads_of_3: list[bool] = []  # each read of #3: whether a write was under way

    def view_of(db: Any, incident_id: int, **kwargs: Any) -> read_model.IncidentView:
        if incident_id == 3:
            if not reads_of_3:
                w.write_asked()  # the person's Enter, while #3 is read ahead
            reads_of_3.append(w.write_under_way)
        return view(db, incident_id, **kwargs)

    monkeypatch.setattr(read_model, "incident_view", view_of)
    w.take(1, (2, 3))
    w.poke(reset_selection=True)
    until(lambda: bool(reads_of_3), "read #3 ahead")
    until(lambda: w.holds(2), "read #2 ahead")
    assert not w.holds(3)  # given up for the write
    w.write_done()
    w.poke()  # as the console does once its write is done
    until(lambda: w.holds(3), "read #3 ahead again")
    # read again once the write was done (and again if start-up's whole list came since)
    assert reads_of_3[0] and len(reads_of_3) >= 2 and not any(reads_of_3[1:])


def test_a_read_ahead_under_way_is_finished_through_a_commit_and_a_settled_screen(
    watcher: tuple[DatabaseWatcher, list[Any]],
    room: WarRoom,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another console commits, and the screen says it has drawn, while a neighbour is
    read ahead: nobody waits for the watcher's thread, so that read is finished and
    brought up to date, not thrown away and read whole again."""
    w, _ = watcher
    w.take(1, (2, 3))
    w.poke(reset_selection=True)
    until(lambda: w.whole_list_read and w.holds(2) and w.holds(3), "read #2 and #3 ahead")
    view = read_model.incident_view
    whole_reads_of_4: list[int] = []

    def view_of(db: Any, incident_id: int, **kwargs: Any) -> read_model.IncidentView:
        if incident_id == 4 and kwargs.get("timeline_after") == 0:
            whole_reads_of_4.append(incident_id)
            if len(whole_reads_of_4) == 1:  # while #4 is read ahead, the first time
                room.log(1, "another console's entry")
                w.settled()
        return view(db, incident_id, **kwargs)

    monkeypatch.setattr(read_model, "incident_view", view_of)
    assert w.take(5, (4, 3)) is None  # a jump to #5: read, then #4 ahead
    w.poke(reset_selection=True)
    until(lambda: bool(whole_reads_of_4), "read #4 ahead")
    until(lambda: w.holds(4), "hold #4, brought up to date")
    assert whole_reads_of_4 == [4]  # read whole once
    held = w.take(4, (3, 5))
    assert held is not None and texts(held)[-1] == "note on 4"


def test_a_console_nobody_moves_reads_nothing_ahead_again_after_a_commit(
    watcher: tuple[DatabaseWatcher, list[Any]], room: WarRoom
) -> None:
    """Twenty consoles left on one incident while a scribe logs: a commit drops what
    they held, and they read it again only once someone moves (then for a while)."""
    w, posted = watcher
    now = [1000.0]
    w._monotonic = lambda: now[0]  # noqa: SLF001 - the test steps time
    w.take(1, (2, 3))  # start-up's selection
    w.poke(reset_selection=True)
    until(lambda: w.whole_list_read and w.holds(2) and w.holds(3), "read #2 and #3 ahead")
    # just opened: a commit (its own policy check, say) drops them, and they are read
    # again, since whoever opened it is about to move
    posted.clear()
    room.log(4, "just after start-up")
    until(lambda: any(isinstance(m, Snapshot) for m in posted), "read the commit")
    until(lambda: w.holds(2) and w.holds(3), "read #2 and #3 ahead again")
    now[0] += max(NEARBY_SECONDS, OPENED_SECONDS) + 1  # left alone since
    posted.clear()
    room.log(5, "elsewhere")
    until(lambda: any(isinstance(m, Snapshot) for m in posted), "read the commit")
    time.sleep(POLL * 2)  # a quarter second more: time enough to have read ahead
    assert not w.holds(2) and not w.holds(3)
    assert w.take(2, (3, 4, 1)) is None  # a move: read (and around it) as it is now
    w.poke(reset_selection=True)
    until(lambda: w.holds(3) and w.holds(1), "read ahead from #2")
    posted.clear()
    room.log(3, "later on 3")
    until(lambda: any(isinstance(m, Snapshot) for m in posted), "read the commit")
    until(lambda: w.holds(3) and w.holds(4) and w.holds(1), "read ahead again after a move")
    held = w.take(3, (4, 5, 2))
    assert held is not None and texts(held)[-1] == "later on 3"


def held_timeline(w: DatabaseWatcher, incident_id: int) -> object:
    """The folded timeline of the read held of `incident_id` for the file as last read
    (for its identity), or None."""
    with w._asked:  # noqa: SLF001 - as `holds` reads it
        held = w._held.get(incident_id)  # noqa: SLF001
        return held.selection.folded if held and held.version == w._version else None  # noqa: SLF001


def timelines_held(w: DatabaseWatcher, *incident_ids: int) -> tuple[object, ...]:
    """Once reads of all `incident_ids` are held for the file as last read: their
    folded timelines."""
    found: list[object] = []

    def all_held() -> bool:
        found[:] = [held_timeline(w, i) for i in incident_ids]
        return None not in found

    until(all_held, f"read {incident_ids} ahead")
    return tuple(found)


def seen_move(w: DatabaseWatcher, write: Callable[[], object]) -> None:
    """`write` (another console's commit), then wait until the watcher has looked at
    the file as it moved (a snapshot posted meanwhile could be of a read begun before)."""
    before = w._version  # noqa: SLF001 - the file's version last looked at
    write()
    until(lambda: w._version != before, "see the commit")  # noqa: SLF001


def test_commits_keep_the_timelines_held_and_fold_in_their_rows(
    watcher: tuple[DatabaseWatcher, list[Any]],
    room: WarRoom,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A scribe logs while this console sits on #1: #2 and #3, held ahead, keep their
    timelines (read, folded and laid out) instead of being read whole again after each
    commit, and a row on one of them is folded into what is held."""
    w, _ = watcher
    # just opened, however long the machine takes: what a commit drops is read again
    monkeypatch.setattr(watcher_module, "OPENED_SECONDS", 1e6)
    w.take(1, (2, 3))
    w.poke(reset_selection=True)
    until(lambda: w.whole_list_read, "read the whole list")
    kept = timelines_held(w, 2, 3)
    whole = whole_reads(monkeypatch)
    # another console, on another incident
    seen_move(w, lambda: room.assign_role(4, "commander", "Mo"))
    until(
        lambda: held_timeline(w, 2) is kept[0] and held_timeline(w, 3) is kept[1],
        "#2 and #3 held again, their timelines as they were",
    )
    seen_move(w, lambda: room.assign_role(2, "commander", "Ada"))  # a row on #2 itself
    until(lambda: held_timeline(w, 2) is kept[0], "#2 held again")
    assert whole == []  # none was read whole
    held = w.take(2, (3, 4, 1))
    assert held is not None and held.reset and held.folded is kept[0]
    assert [r.person for r in held.roles if r.role == "commander"] == ["Ada"]
    assert texts(held)[-2:] == ["note on 2", "Ada is now Incident Commander (was Eve)"]
    assert held.entries[-1].text == "Ada is now Incident Commander (was Eve)"


def test_a_timeline_held_that_grows_past_what_is_read_whole_is_read_as_pages(
    watcher: tuple[DatabaseWatcher, list[Any]],
    room: WarRoom,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A scribe's rows on #2, held whole: past `WHOLE_UP_TO` it is read again as a long
    timeline is (a page at a time), not grown in what is held."""
    w, _ = watcher
    # just opened, however long the machine takes: what a commit drops is read again
    monkeypatch.setattr(watcher_module, "OPENED_SECONDS", 1e6)
    w.take(1, (2, 3))
    w.poke(reset_selection=True)
    until(lambda: w.whole_list_read, "read the whole list")
    timelines_held(w, 2)
    rows = len(read_model.timeline(room.db, 2))
    monkeypatch.setattr(timeline_pages, "WHOLE_UP_TO", rows)  # #2 as long as it can be
    seen_move(w, lambda: room.log(2, "one row too many"))
    until(lambda: w.holds(2), "#2 held again")
    held = w.take(2, (3, 1))
    assert held is not None and held.reset and held.folded is None
    assert held.page is not None and held.page.entries[-1].entry.text == "one row too many"


def test_a_key_after_a_commit_elsewhere_shows_the_timeline_held_with_the_incident_now(
    watcher: tuple[DatabaseWatcher, list[Any]], room: WarRoom
) -> None:
    """Nobody moved for a while, so a commit's drop was not read ahead again: the key
    onto #2 then brings its held read up to date (its row and roles read again, its
    timeline kept), rather than reading it whole."""
    w, posted = watcher
    now = [1000.0]
    w._monotonic = lambda: now[0]  # noqa: SLF001 - the test steps time
    w.take(1, (2, 3))
    w.poke(reset_selection=True)
    until(lambda: w.whole_list_read, "read the whole list")
    (kept,) = timelines_held(w, 2)
    now[0] += max(NEARBY_SECONDS, OPENED_SECONDS) + 1  # left alone since
    seen_move(w, lambda: room.log(5, "elsewhere"))
    time.sleep(POLL * 2)
    assert not w.holds(2)  # of the file as it was: not handed out as it is
    posted.clear()
    assert w.take(2, (3, 1)) is None
    w.poke(reset_selection=True)
    until(lambda: any(s.incident.id == 2 for s in selections(posted)), "show #2")
    shown = next(s for s in selections(posted) if s.incident.id == 2)
    assert shown.reset and shown.folded is kept
    assert texts(shown)[-1] == "note on 2"
    # and it is followed from there: the next row on #2 comes as a new row
    followed_on(posted, room, 2, "later on 2")


def test_a_key_s_incident_read_for_it_is_drawn_before_anything_is_read_ahead(
    watcher: tuple[DatabaseWatcher, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key whose incident was not held: its read goes to the screen, and the rows
    around it are read once the screen says it drew it (`settled`), not beside its
    frame (an incident of ~1,800 entries read whole beside the frame took the key from
    ~10 to 30-50 ms)."""
    w, posted = watcher
    w.take(1, (2, 3))
    w.poke(reset_selection=True)
    until(lambda: w.whole_list_read and w.holds(2), "read #2 ahead")
    now = [time.monotonic()]
    w._monotonic = lambda: now[0]  # noqa: SLF001 - time stands: the screen draws on
    w.post = posted.append  # and says nothing until the test says `settled` for it
    happened: list[str] = []
    reads = w._selection_read  # noqa: SLF001

    def noted(db: Any, listed: Any, incident_id: int, **kwargs: Any) -> Any:
        if kwargs.get("reset") and incident_id != w.selected_id:
            happened.append(f"ahead: #{incident_id}")
        return reads(db, listed, incident_id, **kwargs)

    monkeypatch.setattr(w, "_selection_read", noted)
    posted.clear()
    assert w.take(5, (4, 3)) is None  # a jump: nothing held for it
    w.poke(reset_selection=True)
    until(lambda: any(s.incident.id == 5 for s in selections(posted)), "read #5")
    time.sleep(POLL * 2)  # polls come and go: the screen is drawing it
    assert happened == []
    happened.append("settled")
    w.settled()
    until(lambda: w.holds(4), "read ahead from #5")
    assert happened[:2] == ["settled", "ahead: #4"]


class Waits(threading.Event):
    """The watcher's wake-up event, noting how long each poll waits."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.timeouts.append(timeout)
        return super().wait(min(timeout, 0.01) if timeout is not None else None)


def test_a_moving_file_is_polled_faster_for_a_while_and_a_quiet_one_slower(
    db_path: Path, room: WarRoom
) -> None:
    """Another console's entry shows sooner while a scribe is at work; a quiet file
    costs the idle console no more polls than before (where writes are not heard:
    see test_file_writes for where they are)."""
    from warroom.tui.watcher import BUSY_FOR_SECONDS, BUSY_POLL_SECONDS

    watcher = DatabaseWatcher(db_path, [].append, load_policy(), hear_writes=False)
    now = [1000.0]
    watcher._monotonic = lambda: now[0]  # noqa: SLF001 - the test steps time
    waits = watcher._wake = Waits()  # noqa: SLF001 - count the polls' waits
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:

        def polls_at(seconds: float) -> None:
            waits.timeouts.clear()
            until(lambda: waits.timeouts.count(seconds) >= 3, f"poll every {seconds} s")

        polls_at(BUSY_POLL_SECONDS)  # the file was just read: it moved
        now[0] += BUSY_FOR_SECONDS + 1
        polls_at(POLL)  # quiet
        room.log(1, "another console's entry")
        polls_at(BUSY_POLL_SECONDS)
        now[0] += BUSY_FOR_SECONDS + 1
        polls_at(POLL)
    finally:
        watcher.stop()
        thread.join(5)


def test_after_a_commit_its_entry_is_handed_on_before_the_neighbours_are_read_again(
    db_path: Path, room: WarRoom
) -> None:
    """A scribe's entry: the snapshot that carries it goes to the screen, and the
    incidents around are read ahead again only on the next poll (reading them at once
    held the interpreter lock the entry's frame is drawn with)."""
    happened: list[str] = []

    def post(message: Any) -> None:
        selection = message.selection if isinstance(message, Snapshot) else None
        if selection is not None and not selection.reset:
            happened.append("entry: " + ", ".join(texts(selection)))

    watcher = DatabaseWatcher(db_path, post, load_policy())

    class Polls(Waits):
        def wait(self, timeout: float | None = None) -> bool:
            happened.append("poll")
            return super().wait(timeout)

    watcher._wake = Polls()  # noqa: SLF001 - note the polls' waits
    reads = watcher._selection_read  # noqa: SLF001

    def noted(db: Any, listed: Any, incident_id: int, **kwargs: Any) -> Any:
        if incident_id != watcher.selected_id:
            happened.append(f"ahead: #{incident_id}")
        return reads(db, listed, incident_id, **kwargs)

    watcher._selection_read = noted  # type: ignore[method-assign]  # noqa: SLF001
    carries = watcher._carried  # noqa: SLF001 - a read held brought up to date

    def carried(db: Any, listed: Any, incident_id: int) -> Any:
        happened.append(f"ahead: #{incident_id}")
        return carries(db, listed, incident_id)

    watcher._carried = carried  # type: ignore[method-assign]  # noqa: SLF001
    thread = threading.Thread(target=watcher.run, daemon=True)
    watcher.take(1, (2, 3))  # before the thread: its start-up read would race the take
    thread.start()
    try:
        watcher.poke(reset_selection=True)
        # start-up over first: the rest's read, landing after the commit below, could
        # hand its entry on before a look sees the file move (the reads held kept)
        until(lambda: watcher.whole_list_read, "read the whole list")
        until(lambda: watcher.holds(2) and watcher.holds(3), "read #2 and #3 ahead")
        happened.clear()
        room.log(1, "db failover done")
        until(lambda: "entry: db failover done" in happened, "hand the entry on")
        # read ahead again after it (a look begun just before the commit can hand the
        # entry on before the file is seen to move: the reads held go at the next look)
        until(
            lambda: (
                any(what.startswith("ahead") for what in happened)
                and watcher.holds(2)
                and watcher.holds(3)
            ),
            "read #2 and #3 ahead again",
        )
        shown = happened.index("entry: db failover done")
        first_ahead = next(n for n, what in enumerate(happened) if what.startswith("ahead"))
        assert shown < first_ahead
        assert "poll" in happened[shown:first_ahead]
    finally:
        watcher.stop()
        thread.join(5)


def test_timelines_handed_back_are_kept_for_the_latest_few_of_this_file_only(
    watcher: tuple[DatabaseWatcher, list[Any]],
    room: WarRoom,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the screen hands back as it moves on is kept within its limits (incidents
    and rows, the oldest let go first), and only if it was read from this file."""
    w, _ = watcher
    monkeypatch.setattr(watcher_module, "RETURNED_MOST", 2)
    monkeypatch.setattr(watcher_module, "RETURNED_ROWS", 3)
    w.take(1, (2, 3))
    w.poke(reset_selection=True)
    until(lambda: w.whole_list_read, "read the whole list")
    reading = w._reading  # noqa: SLF001 - the reading of the file the screen's came from

    def folded(incident_id: int, count: int) -> TimelineState:
        """The first `count` rows of the incident's timeline, folded."""
        state = TimelineState()
        state.add(read_model.queries.timeline(room.db, incident_id)[:count])
        assert len(state.rows) == count
        return state

    def kept() -> list[int]:
        with w._asked:  # noqa: SLF001
            return list(w._returned)  # noqa: SLF001

    w.hand_back(4, folded(4, 1), reading)
    w.hand_back(5, folded(5, 1), reading)
    w.hand_back(3, folded(3, 1), reading)
    assert kept() == [5, 3]  # two at most: #4, the oldest, let go
    w.hand_back(4, folded(4, 2), reading)
    assert kept() == [3, 4]
    w.hand_back(5, folded(5, 2), reading)
    assert kept() == [5]  # three rows at most: #4's two and #5's two are four
    w.hand_back(4, folded(4, 1), reading + 1)  # read from a file since put aside
    assert kept() == [5]
