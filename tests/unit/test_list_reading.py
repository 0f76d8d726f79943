"""The list's reading of a kept deadline (domain.next_due.reading_at) is the timer
`sla.timer_of` gives for it, at every moment around its warning and its deadline; and a
file from before migration 021 gets the list's kept text from its next command."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain import next_due, sla
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.store import next_due as kept
from warroom.store import read_model
from warroom.store.db import SCHEMA_VERSION


def test_a_kept_deadline_reads_as_its_timer_at_every_moment(policy: Policy) -> None:
    deadline = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    steps = [0, 1, 59, 60, 61, 299, 300, 301, 899, 900, 3599, 3600, 86399, 86400, 90061]
    moments = [deadline - dt.timedelta(seconds=s, microseconds=us) for s in steps for us in (0, 1)]
    moments += [deadline + dt.timedelta(seconds=s, microseconds=us) for s in steps for us in (0, 7)]
    seen = set()
    for severity in policy.severities:
        for name in sla.LABELS:
            for audience in ("", "internal", "external"):
                for target in (dt.timedelta(minutes=5), dt.timedelta(hours=4)):
                    due = sla.Deadline(name, deadline, severity, target, None, audience)
                    us = target // dt.timedelta(microseconds=1)
                    for now in moments:
                        expected = next_due.reading_of(sla.timer_of(due, policy, now))
                        found = next_due.reading_at(
                            name, deadline.isoformat(), severity, us, audience, policy, now
                        )
                        assert found == expected, (name, audience, target, now)
                        seen.add(found.state)
    assert seen == {sla.OK, sla.WARNING, sla.OVERDUE}


def test_a_list_reads_running_timers_only(policy: Policy) -> None:
    """A done timer has no list reading: the list's JSON prints `done_at` and
    `missed_by_seconds` as null for the running timer it shows."""
    deadline = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    met = sla.Timer("ack", "Acknowledge by", deadline, dt.timedelta(0), sla.MET, "P1", deadline)
    with pytest.raises(ValueError, match="the ack timer is done"):
        next_due.reading_of(met)


def test_a_file_from_before_021_keeps_the_list_text_after_its_next_command(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    ids = [room.declare(f"outage {n}", "P2") for n in range(3)]
    room.check_policy()
    db = room.db
    with db.conn:  # next_due as migration 019 made it, before 021
        db.conn.execute("DROP TABLE next_due")
        db.conn.execute(kept.TABLE.split(", listed_head")[0] + ")")
        db.conn.execute("DELETE FROM _sqlite_migrations WHERE name = '021_list_rows'")
        db.conn.execute(
            "UPDATE warroom_meta SET value = ? WHERE key = 'schema_version'",
            (str(SCHEMA_VERSION - 1),),
        )
    db.conn.close()
    upgraded = store.connect(db_path)
    try:
        columns = {r[1] for r in upgraded.conn.execute("PRAGMA table_info(next_due)")}
        assert set(kept.LISTED) <= columns
        assert kept.filled_under(upgraded) is None  # the next command works them out
        kept_texts = "SELECT incident_id FROM next_due WHERE listed_head IS NOT NULL"
        assert upgraded.conn.execute(kept_texts).fetchall() == []  # read whole meanwhile
        before = read_model.list_json(upgraded, policy, clock.now())
        WarRoom(upgraded, clock, Actor("Ana", "ana"), policy).check_policy()
        assert sorted(r[0] for r in upgraded.conn.execute(kept_texts)) == ids
        assert read_model.list_json(upgraded, policy, clock.now()) == before
    finally:
        upgraded.conn.close()


def test_the_kept_rows_rules_digest_every_module_that_derives_them() -> None:
    """Every warroom module store.next_due imports, directly or through another, at the
    top or inside a function, is in the code digest the kept rows are valid under (two
    were missing once: an edit to them left old rows looking valid)."""
    package = Path(next_due.__file__).parent.parent
    derived = kept.derived_by(package)
    assert "domain/sla.py" in derived and "domain/list_json.py" in derived
    missing = sorted(set(derived) - set(kept.DERIVED_BY))
    assert not missing, f"add to store.next_due.DERIVED_BY: {missing}"
    # and what importing it loads (in a fresh interpreter) is among them
    loaded = subprocess.run(
        [sys.executable, "-c", _LOADED], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded and not sorted(set(loaded) - set(derived))


_LOADED = """
import sys
from pathlib import Path
import warroom, warroom.store.next_due, warroom.store.list_rows
root = Path(warroom.__file__).parent
for name, module in list(sys.modules.items()):
    path = getattr(module, "__file__", None)
    if name.startswith("warroom") and name != "warroom.store.list_rows" and path:
        print(Path(path).relative_to(root).as_posix())
"""
