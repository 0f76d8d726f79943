"""A console in its own process, writing through the real service layer.

Run by the durability tests as `python writer.py MODE ...`:

- `log`: log `--count` entries "TAG #NNNN" into one incident; after each
  commit returns, append "NNNN ENTRY_ID" to the report file and flush it, so
  every line in the report is a commit the writer was told had happened;
  `--pause` seconds between commits (a busy room, not a flood); with `--stop`,
  it stops early once that file exists (a writer that runs until told).
- `read`: read the incident's timeline over and over, as a console does, and
  fail if any read shows a writer's entries out of order or with a gap.
- `declare`: after the gate, open a (possibly brand new) database and declare
  one incident; the report holds its id.

`log` and `read` open their database, create their report file, then wait for
the `--gate` file, so that all the processes of a test start at the same moment.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from warroom import store
from warroom.clock import SystemClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries

ENTRY = re.compile(r"^(?P<tag>\S+) #(?P<seq>\d+)$")


def entry_text(tag: str, seq: int) -> str:
    return f"{tag} #{seq:04d}"


def _wait_for_gate(gate: Path | None) -> None:
    while gate is not None and not gate.exists():
        time.sleep(0.005)


def _room(path: Path, tag: str) -> WarRoom:
    return WarRoom(store.connect(path), SystemClock(), Actor(f"Writer {tag}", tag), load_policy())


def log(args: argparse.Namespace) -> None:
    room = _room(args.db, args.tag)
    # the report file appearing tells the test this writer has opened the database
    with args.report.open("a", encoding="utf-8") as report:
        _wait_for_gate(args.gate)
        for seq in range(args.start, args.start + args.count):
            if args.stop is not None and args.stop.exists():
                break
            entry_id = room.log(args.incident, entry_text(args.tag, seq))
            report.write(f"{seq} {entry_id}\n")
            report.flush()
            if args.pause:
                time.sleep(args.pause)


def read(args: argparse.Namespace) -> None:
    room = _room(args.db, "reader")
    args.report.write_text("")
    _wait_for_gate(args.gate)
    reads = 0
    while not (args.stop.exists() and reads > 0):
        seen: dict[str, list[int]] = {}
        for entry in queries.timeline(room.db, args.incident):
            match = ENTRY.match(entry.text)
            if match:
                seen.setdefault(match["tag"], []).append(int(match["seq"]))
        for tag, seqs in seen.items():
            if seqs != list(range(len(seqs))):
                sys.exit(f"a read showed {tag}'s entries as {seqs[:50]}... (gap or out of order)")
        reads += 1
    args.report.write_text(f"{reads}\n")


def declare(args: argparse.Namespace) -> None:
    args.report.write_text("")  # started: the database is opened only after the gate
    _wait_for_gate(args.gate)
    room = _room(args.db, args.tag)
    incident_id = room.declare(f"Opened by {args.tag}", "P2", "availability")
    args.report.write_text(f"{incident_id}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["log", "read", "declare"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--gate", type=Path)
    parser.add_argument("--stop", type=Path)
    parser.add_argument("--incident", type=int, default=1)
    parser.add_argument("--tag", default="w0")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between commits")
    args = parser.parse_args()
    {"log": log, "read": read, "declare": declare}[args.mode](args)


if __name__ == "__main__":
    main()
