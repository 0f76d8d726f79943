"""How fast the console is with a big war room, next to a minimal Textual app.

Prints, for each: time to first paint (in-process, headless), and for
warroom: time until the selected incident and its timeline are on screen,
the time for a key (j) to show the next incident, and for the minimal app the
same key round trip. Run:  python bench/bench_console.py [incidents] [entries]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.big_war_room import build
from bench.run import MinimalApp  # the one minimal app every bench compares with
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.tui.app import WarRoomApp

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


async def minimal() -> tuple[float, float]:
    app = MinimalApp()
    start = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        first = time.perf_counter() - start
        keys = []
        for _ in range(20):
            t0 = time.perf_counter()
            await pilot.press("j")
            keys.append(time.perf_counter() - t0)
    return first, statistics.median(keys)


async def warroom(path: Path) -> tuple[float, float, float]:
    app = WarRoomApp(
        db_path=path,
        actor=Actor("bench", "bench"),
        policy=load_policy(),
        clock=FrozenClock(NOW),
        tz=dt.UTC,
    )
    start = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        first = time.perf_counter() - start
        room = app.war_room
        while not (room.loaded and room.shown_id == room.selected_id):
            await asyncio.sleep(0.001)
        loaded = time.perf_counter() - start
        keys = []
        for _ in range(20):
            before = room.selected_id
            t0 = time.perf_counter()
            await pilot.press("j")
            while room.shown_id == before or room.shown_id != room.selected_id:
                await asyncio.sleep(0.001)
            keys.append(time.perf_counter() - t0)
    return first, loaded, statistics.median(keys)


def main() -> None:
    incidents = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    entries = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.db"
        t0 = time.perf_counter()
        build(path, incidents, entries, NOW)
        print(f"built {incidents} incidents / {entries} entries in {time.perf_counter() - t0:.1f}s")
        m_first, m_key = asyncio.run(minimal())
        w_first, w_loaded, w_key = asyncio.run(warroom(path))
    print(f"{'':28}{'minimal':>10}{'warroom':>10}")
    print(f"{'first paint (ms)':28}{m_first * 1000:>10.0f}{w_first * 1000:>10.0f}")
    print(f"{'data on screen (ms)':28}{'-':>10}{w_loaded * 1000:>10.0f}")
    print(f"{'key j, median (ms)':28}{m_key * 1000:>10.0f}{w_key * 1000:>10.0f}")
    print("(pilot.press waits for idle, ~60 ms of each key figure is the pilot itself)")


if __name__ == "__main__":
    main()
