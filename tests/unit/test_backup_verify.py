"""`warroom backup` while consoles write, and `warroom verify` on sound and broken files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.durability.helpers import finish, reported, spawn, wait_until
from tests.durability.writer import ENTRY
from warroom import store
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.service import WarRoom


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "--as", "Ana", *args])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def entries(path: Path) -> dict[str, list[int]]:
    """Each writer's entry numbers in the file at `path`, in timeline order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        by_tag: dict[str, list[int]] = {}
        for (text,) in conn.execute("SELECT text FROM timeline ORDER BY id"):
            if match := ENTRY.match(text):
                by_tag.setdefault(match["tag"], []).append(int(match["seq"]))
        return by_tag
    finally:
        conn.close()


@pytest.fixture
def filled(tmp_path: Path, clock: FrozenClock, policy: Policy) -> Path:
    """A database with one incident and 200 entries, all in the main file (no -wal)."""
    path = tmp_path / "filled.db"
    database = store.connect(path)
    room = WarRoom(database, clock, Actor("Ana", "ana"), policy)
    incident = room.declare("Checkout errors", "P2", "availability")
    for n in range(200):
        room.log(incident, f"step {n}: restarted the payment workers on node {n % 7}")
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def test_a_backup_taken_while_three_consoles_write_holds_everything_committed_before_it(
    tmp_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    db_path = tmp_path / "live.db"
    database = store.connect(db_path)
    incident = WarRoom(database, clock, Actor("Ana", "ana"), policy).declare(
        "Many scribes", "P1", "availability"
    )
    database.conn.close()
    gate, stop = tmp_path / "go", tmp_path / "stop"
    tags = ["w0", "w1", "w2"]
    reports = {tag: tmp_path / f"{tag}.txt" for tag in tags}
    writers = [
        # each runs until told to stop, so the backup always runs beside three writers
        spawn(
            "log",
            db_path,
            reports[tag],
            tag=tag,
            count=100_000,
            incident=incident,
            gate=gate,
            stop=stop,
        )
        for tag in tags
    ]
    try:
        wait_until(lambda: all(r.exists() for r in reports.values()), "the writers opened the db")
        gate.touch()
        wait_until(lambda: all(len(reported(r)) >= 30 for r in reports.values()), "30 commits each")
        before = {tag: [c.seq for c in reported(reports[tag])] for tag in tags}
        copy = tmp_path / "copy.db"
        result = run(db_path, "backup", str(copy))
        assert result.exit_code == 0, result.output
        live = run(db_path, "verify")  # the primary itself, checked while they write
        at_verify = {tag: len(reported(reports[tag])) for tag in tags}
        # each writer commits again after the backup and the check, then is told to stop
        wait_until(
            lambda: all(len(reported(reports[t])) > at_verify[t] for t in tags), "later commits"
        )
    finally:
        stop.touch()
        for writer in writers:
            finish(writer)
    assert live.exit_code == 0 and live.stdout.startswith(f"ok: {db_path}: "), live.output
    # the copy alone: no temporary file, no journal, no -wal left beside it
    assert sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name) == ["copy.db"]
    copied = entries(copy)
    final = entries(db_path)
    for tag in tags:
        # everything committed before the backup began, then a gap-free run of later ones
        assert copied[tag][: len(before[tag])] == before[tag]
        assert copied[tag] == list(range(len(copied[tag])))
        assert copied[tag] == final[tag][: len(copied[tag])]
    total = 1 + sum(len(seqs) for seqs in copied.values())  # + the declaration
    assert f"to {copy}: " in result.stdout and f", 1 incident, {total} timeline entries" in (
        result.stdout
    )
    assert mode(copy) == 0o600
    checked = run(copy, "verify")
    assert checked.exit_code == 0 and checked.stdout.startswith(f"ok: {copy}: ")


def test_backup_refuses_to_overwrite_a_file_unless_forced(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "yesterday.db"
    target.write_bytes(b"yesterday's copy")
    refused = run(filled, "backup", str(target))
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {target} already exists; use --force to overwrite it\n"
    assert target.read_bytes() == b"yesterday's copy"
    forced = run(filled, "backup", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert "201 timeline entries" in forced.stdout
    assert run(target, "verify").exit_code == 0


def test_backup_never_writes_over_the_database_or_beside_a_live_log(
    filled: Path, tmp_path: Path
) -> None:
    alias = tmp_path / "alias.db"
    os.link(filled, alias)
    before = filled.read_bytes()
    for name in (filled, alias):
        refused = run(filled, "backup", str(name), "--force")
        assert refused.exit_code == 1 and "is the warroom database itself" in refused.stderr
    other = tmp_path / "other.db"
    Path(f"{other}-wal").write_bytes(b"frames of some other database")
    refused = run(filled, "backup", str(other), "--force")
    assert refused.exit_code == 1 and f"{other}-wal exists" in refused.stderr
    assert not other.exists() and filled.read_bytes() == before


def test_backup_into_a_missing_folder_fails_in_one_line(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "copy.db"
    failed = run(filled, "backup", str(target))
    assert failed.exit_code == 1
    assert failed.stderr == f"Error: cannot write {target}: No such file or directory\n"


def test_backup_of_a_file_that_is_not_warroom_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)
    refused = run(notes, "backup", str(tmp_path / "copy.db"))
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {notes} is not a SQLite database; refusing to touch it\n"
    assert not (tmp_path / "copy.db").exists()


def test_a_team_sharing_its_group_gets_a_group_readable_backup(
    filled: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "shared-copy.db"
    result = CliRunner().invoke(cli, ["--db", str(filled), "--share-group", "backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert mode(copy) == 0o660


def test_verify_says_ok_about_a_sound_file_and_leaves_nothing_beside_it(filled: Path) -> None:
    before = sorted(filled.parent.iterdir())
    result = run(filled, "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"ok: {filled}: integrity, foreign keys, full-text index and schema"
        f" {store.SCHEMA_VERSION} checked (1 incident, 201 timeline entries;"
        " newest #201, logged 2026-11-23T09:00:00Z)\n"
    )
    assert sorted(filled.parent.iterdir()) == before


def test_verify_reports_a_file_with_damaged_pages(filled: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    shutil.copy(filled, damaged)
    pages = damaged.stat().st_size // 4096
    with damaged.open("r+b") as handle:
        handle.seek((pages - 3) * 4096)  # a timeline page, near the end of the file
        handle.write(bytes(range(256)) * 16)
    assert run(filled, "verify").exit_code == 0
    result = run(tmp_path / "elsewhere.db", "verify", str(damaged))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{damaged}: ")
    assert "  - integrity_check: " in result.stderr


def test_verify_names_a_search_index_out_of_step_with_the_timeline(
    filled: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.db"
    shutil.copy(filled, broken)
    conn = sqlite3.connect(broken)
    conn.execute("DELETE FROM timeline_fts_docsize WHERE id IN (3, 4)")
    conn.commit()
    conn.close()
    result = run(broken, "verify")
    assert result.exit_code == 1
    problems = result.stderr.splitlines()
    assert problems[0].endswith("problems found:")
    assert "  - full-text index timeline_fts: 2 timeline entries not in the index: #3, #4" in (
        problems
    )
    assert any("FTS5 integrity-check with the timeline failed" in line for line in problems)
    assert "integrity_check" not in result.stderr  # the pages themselves are sound


def test_verify_names_what_the_schema_is_missing(filled: Path, tmp_path: Path) -> None:
    altered = tmp_path / "altered.db"
    shutil.copy(filled, altered)
    conn = sqlite3.connect(altered)
    conn.execute("DROP INDEX timeline_by_incident")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '002_clocks'")
    conn.commit()
    conn.close()
    result = run(altered, "verify")
    assert result.exit_code == 1
    assert "  - schema: index timeline_by_incident is missing" in result.stderr
    assert "  - schema: migration 002_clocks is not recorded" in result.stderr


@pytest.mark.parametrize("kind", ["text", "sqlite"])
def test_verify_refuses_a_file_that_is_not_warroom_and_leaves_it_as_it_was(
    tmp_path: Path, kind: str
) -> None:
    other = tmp_path / "other.db"
    if kind == "text":
        other.write_text("SQLite format 3 is what this line is not\n")
        reason = "is not a SQLite database"
    else:
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.commit()
        conn.close()
        reason = "is a SQLite database but not a warroom one"
    os.utime(other, ns=(1_000_000_000, 1_000_000_000))
    before = (other.read_bytes(), other.stat().st_mtime_ns, sorted(tmp_path.iterdir()))
    result = run(other, "verify")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {other} {reason}")
    assert (other.read_bytes(), other.stat().st_mtime_ns, sorted(tmp_path.iterdir())) == before


def test_verify_of_a_missing_file_says_so(tmp_path: Path) -> None:
    result = run(tmp_path / "db.db", "verify", str(tmp_path / "nowhere.db"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nowhere.db'} does not exist\n"
    assert not (tmp_path / "nowhere.db").exists()
