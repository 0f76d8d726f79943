"""One policy per war room (issue 13): the policy in effect is recorded in the database;
a console or command opened with another one warns, saying which and how to adopt one;
an incident whose severity the policy does not know says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy_record import differences, fingerprint, record_of, unknown_severity
from warroom.errors import InvalidInput
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model

POLICIES = Path(__file__).parents[1] / "fixtures" / "runbook_policies"
P0P3 = POLICIES / "castiel-p0-p3.yaml"
CRITICAL_LOW = POLICIES / "dokkerr-critical-low.yaml"


def test_the_fingerprint_is_of_the_text_line_endings_aside() -> None:
    text = P0P3.read_text(encoding="utf-8")
    assert fingerprint(text) == fingerprint(text.replace("\n", "\r\n"))
    assert fingerprint(text) != fingerprint(text + "# an edited comment\n")
    assert record_of(load_policy(P0P3)).fingerprint == fingerprint(text)
    assert record_of(load_policy(P0P3)).modified is not None  # the file's date, named


def test_differences_name_severities_clocks_and_sections() -> None:
    p0p3, critical_low = load_policy(P0P3), load_policy(CRITICAL_LOW)
    found = differences(critical_low, p0p3)
    assert found[0] == "severities critical, high, medium, low here, P0, P1, P2, P3 recorded"
    assert "business_hours differs" in found
    assert differences(p0p3, load_policy(P0P3)) == []
    sev5 = load_policy(Path(__file__).parents[1] / "fixtures" / "policies" / "sev5.yaml")
    assert not any(d.startswith("SEV1") for d in differences(p0p3, sev5))


def test_the_first_writer_records_and_a_different_policy_gets_a_mismatch(
    db: sqlite_utils.Database, clock: FrozenClock
) -> None:
    ana = WarRoom(db, clock, Actor("Ana", "ana"), load_policy(P0P3))
    assert ana.check_policy() is None  # nothing recorded: Ana's policy is recorded
    recorded = read_model.recorded_policy(db)
    assert recorded is not None and recorded.source == str(P0P3)
    assert (recorded.recorded_by, recorded.recorded_at) == ("Ana", clock.now())
    assert recorded.text == P0P3.read_text(encoding="utf-8")  # a copy, not a path

    clock.step(minutes=5)
    bo = WarRoom(db, clock, Actor("Bo", "bo"), load_policy(CRITICAL_LOW))
    mismatch = bo.check_policy()
    assert mismatch is not None
    assert mismatch.recorded.fingerprint == recorded.fingerprint
    assert mismatch.mine.source == str(CRITICAL_LOW)
    assert "severities critical, high, medium, low here" in mismatch.differences[0]
    assert read_model.recorded_policy(db) == recorded  # a check never changes the record

    bo.adopt_policy()
    assert ana.check_policy() is not None  # now Ana's is the odd one out
    assert bo.check_policy() is None
    with pytest.raises(InvalidInput, match="already"):
        bo.adopt_policy()


def test_an_unknown_severity_is_named_with_the_policy_it_lacks() -> None:
    critical_low = load_policy(CRITICAL_LOW)
    assert unknown_severity(critical_low, "critical") is None
    note = unknown_severity(critical_low, "P1")
    assert note is not None
    assert note.startswith("severity P1 is not in this policy (critical, high, medium, low)")


def _warroom(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process, as a second person's shell would run it."""
    env = {**os.environ, "WARROOM_USER": "Ana", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("WARROOM_POLICY", None)
    argv = [sys.executable, "-m", "warroom", "--db", str(tmp_path / "w.db"), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)


def test_two_processes_with_different_policies_warn(tmp_path: Path) -> None:
    declared = _warroom(tmp_path, "--policy", P0P3, "declare", "-t", "API down", "-s", "P1")
    assert declared.returncode == 0, declared.stderr
    assert "warning" not in declared.stderr
    same = _warroom(tmp_path, "--policy", P0P3, "list")
    assert same.returncode == 0 and same.stderr == ""

    other = _warroom(tmp_path, "--policy", CRITICAL_LOW, "list")
    assert other.returncode == 0, other.stderr
    warning = other.stderr
    assert warning.startswith("warning: this policy is not the one recorded in ")
    mine, theirs = record_of(load_policy(CRITICAL_LOW)), record_of(load_policy(P0P3))
    assert f"{CRITICAL_LOW} (fingerprint {mine.fingerprint}, modified 20" in warning
    assert f"{P0P3} (fingerprint {theirs.fingerprint}, recorded 20" in warning
    assert "by Ana" in warning
    assert "severities critical, high, medium, low here, P0, P1, P2, P3 recorded" in warning
    assert "policy adopt" in warning and "policy recorded" in warning
    # the incident's severity is not in this policy: shown as such, not as a quiet blank
    assert "P1?" in other.stdout and "severity unknown" in other.stdout
    shown = _warroom(tmp_path, "--policy", CRITICAL_LOW, "show", "1")
    assert "none: severity P1 is not in this policy" in shown.stdout
    assert shown.stderr.count("warning:") == 1  # said once a command
    as_json = json.loads(_warroom(tmp_path, "--policy", CRITICAL_LOW, "show", "1", "--json").stdout)
    assert (as_json["severity_known"], as_json["timers"]) == (False, [])

    copy = _warroom(tmp_path, "policy", "recorded")
    assert copy.stdout == P0P3.read_text(encoding="utf-8")
    assert f"fingerprint {theirs.fingerprint}" in copy.stderr

    adopted = _warroom(tmp_path, "--policy", CRITICAL_LOW, "policy", "adopt")
    assert adopted.returncode == 0, adopted.stderr
    assert f"policy in effect: {CRITICAL_LOW}" in adopted.stdout
    assert _warroom(tmp_path, "--policy", CRITICAL_LOW, "list").stderr == ""
    assert "warning: this policy is not" in _warroom(tmp_path, "--policy", P0P3, "list").stderr


def test_a_read_only_command_on_a_fresh_file_records_nothing(tmp_path: Path) -> None:
    assert _warroom(tmp_path, "--policy", P0P3, "declare", "-t", "x", "-s", "P2").returncode == 0
    database = sqlite_utils.Database(tmp_path / "w.db")
    database.execute("DELETE FROM policy_record")
    database.conn.commit()
    listed = _warroom(tmp_path, "--policy", CRITICAL_LOW, "list")
    assert listed.stderr == ""  # nothing recorded: nothing to disagree with
    assert database.execute("SELECT count(*) FROM policy_record").fetchone()[0] == 0


def test_a_broken_policy_file_does_not_stop_a_command_that_never_needed_it(
    tmp_path: Path,
) -> None:
    assert _warroom(tmp_path, "--policy", P0P3, "declare", "-t", "x", "-s", "P2").returncode == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text("severities: [\n")
    listed = _warroom(tmp_path, "--policy", broken, "checklist", "1")
    assert listed.returncode == 0 and "Initial response" in listed.stdout
    refused = _warroom(tmp_path, "--policy", broken, "list")  # list needs the clocks
    assert refused.returncode == 1 and "broken.yaml:2" in refused.stderr
