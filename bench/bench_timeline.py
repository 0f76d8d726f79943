"""How the timeline copes with one huge incident, next to a minimal Textual app.

One incident with N timeline rows (default 100,000). Prints: time until the
timeline is on screen; a key that moves the cursor (k) and jumps to the oldest
entry (home); a new entry written by another connection until it shows; the
filter (decisions only) and a full-text search until their result shows.
Run:  python bench/bench_timeline.py [entries]
      python bench/bench_timeline.py --file FILE   # a copy of FILE (one huge incident, #1)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_console import NOW, minimal
from bench.big_war_room import build
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import db as store
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.timeline_view import TimelineView


async def until(condition, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("timed out waiting for the console")
        await asyncio.sleep(0.001)


def narrowed_to(view: TimelineView, label: str) -> bool:
    """The filter shows (a long timeline: its page, read in SQL, has arrived)."""
    return view.paged is None or view.paged.page.request.rule.label == label


async def timeline(path: Path) -> dict[str, float]:
    clock = FrozenClock(NOW)
    app = WarRoomApp(
        db_path=path, actor=Actor("bench", "bench"), policy=load_policy(), clock=clock, tz=dt.UTC
    )
    found: dict[str, float] = {}
    start = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.query_one(TimelineView)
        room = app.war_room
        await until(lambda: room.loaded and room.shown_id == room.selected_id and view.shown)
        found["timeline on screen"] = time.perf_counter() - start
        await pilot.press("tab")
        keys = []
        for _ in range(10):
            t0 = time.perf_counter()
            await pilot.press("k")
            keys.append(time.perf_counter() - t0)
        found["key k (cursor up), median"] = statistics.median(keys)
        t0 = time.perf_counter()
        await pilot.press("home")
        await until(lambda: view.selected is not None)  # a long timeline: its page read
        found["key home (oldest)"] = time.perf_counter() - t0
        await pilot.press("end")  # following the newest again, where new entries show
        await until(lambda: view.selected is not None)
        writer = WarRoom(store.connect(path), clock, Actor("other", "other"), load_policy())
        t0 = time.perf_counter()
        entry = writer.log(room.selected_id or 1, "written by another console", "note")
        await until(lambda: any(s.entry.id == entry for s in view.shown[-3:]))
        found["another console's entry shown"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        view.set_filter("decision")
        await until(lambda: narrowed_to(view, "decisions"))
        found["filter: decisions"] = time.perf_counter() - t0
        view.set_filter("all")
        await until(lambda: narrowed_to(view, "everything"))
        await pilot.press("slash", *"another")
        t0 = time.perf_counter()
        await pilot.press("enter")
        await until(
            lambda: (
                view.matches is not None
                and (view.paged is None or view.paged.page.request.matches is not None)
            )
        )
        found["search, Enter to result shown"] = time.perf_counter() - t0
    return found


def main() -> None:
    given = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--file" else None
    entries = int(sys.argv[1]) if len(sys.argv) > 1 and given is None else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.db"
        t0 = time.perf_counter()
        if given is not None:  # a copy: the bench writes an entry as another console
            with sqlite3.connect(given) as source, sqlite3.connect(path) as copy:
                source.backup(copy)
            print(f"copied {given} in {time.perf_counter() - t0:.1f}s")
        else:
            build(path, 1, entries, NOW, live_share=1.0)
            print(f"built 1 incident / {entries} entries in {time.perf_counter() - t0:.1f}s")
        m_first, m_key = asyncio.run(minimal())
        found = asyncio.run(timeline(path))
    print(f"minimal Textual app: first paint {m_first * 1000:.0f} ms, key {m_key * 1000:.0f} ms")
    for label, seconds in found.items():
        print(f"{label:34}{seconds * 1000:>8.0f} ms")
    print("(pilot.press waits for idle, ~60 ms of each key figure is the pilot itself)")


if __name__ == "__main__":
    main()
