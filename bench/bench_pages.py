"""Opening one huge timeline: time to its first row on screen, and memory.

The console runs as a whole process in a real pty (120x36), like a person starts
it; the figures are from spawn: the first frame, then the first timeline row of
incident #1 (`entry N:`) written to the terminal, and the process's RSS then.
Beside it, the minimal Textual app in the same run, so the figures read as ratios.
Then, in-process on a fresh connection, what the console's watcher reads for
the timeline when the incident is selected (`timeline_is_big`, the newest page:
count, keys, rows, fold), and for comparison the incident list it reads first
(its clock histories read every status/severity row of the incident).

    python bench/bench_pages.py FILE [FILE ...]
    python bench/bench_pages.py --build 100000 1000000   # builds them in a temporary folder

(`python bench/run.py build --incidents 1 --entries M --out FILE --one-incident` builds
the same files.)
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.big_war_room import build
from bench.run import MINIMAL, NOW, PAINT, in_pty, machine, warroom_command
from warroom import store
from warroom.loaders.policy import load_policy
from warroom.store import read_model

ROW = re.compile(rb"Incident 1: [\s\S]*entry \d+:")  # the list, then a timeline row


def open_figures(path: Path) -> tuple[float, float, float]:
    """(first paint s, first timeline row s, RSS MiB) of the console on `path`."""
    seen, memory = in_pty(
        [*warroom_command(), "--db", str(path), "--tz", "UTC"], {"paint": PAINT, "row": ROW}
    )
    return seen["paint"], seen["row"], memory


def reads(path: Path) -> tuple[float, float]:
    """(the timeline's first read s, the incident list's s), in-process."""
    db = store.connect(path)
    try:
        started = time.perf_counter()
        if read_model.timeline_is_big(db, 1):
            read_model.timeline_page(db, read_model.PageRequest(1))
        else:
            read_model.timeline(db, 1)
        timeline = time.perf_counter() - started
        started = time.perf_counter()
        read_model.incident_list(db, load_policy(), show_ended=True)
        return timeline, time.perf_counter() - started
    finally:
        db.conn.close()


def entries_in(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM timeline").fetchone()[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--build", nargs="*", type=int, default=[], metavar="ENTRIES")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = list(args.files)
        for entries in args.build:
            path = Path(tmp) / f"1i-{entries}e-one.db"
            build(path, 1, entries, NOW, one_incident=True)
            files.append(path)
        seen, minimal_rss = in_pty([sys.executable, "-c", MINIMAL], {"paint": MINIMAL_MARK})
        print(machine())
        print(
            "| file | entries | first paint ms | first timeline row ms | RSS MiB"
            " | timeline read ms | list read ms |"
        )
        print("|---|---|---|---|---|---|---|")
        print(
            f"| minimal Textual app | - | {seen['paint'] * 1000:,.0f} | - | {minimal_rss:.0f}"
            " | - | - |"
        )
        for path in files:
            paint, row, memory = open_figures(path)
            timeline, listed = reads(path)
            print(
                f"| {path.name} | {entries_in(path):,} | {paint * 1000:,.0f} |"
                f" {row * 1000:,.0f} | {memory:.0f} | {timeline * 1000:,.0f} |"
                f" {listed * 1000:,.0f} |"
            )


MINIMAL_MARK = re.compile(rb"minimal app painted")

if __name__ == "__main__":
    main()
