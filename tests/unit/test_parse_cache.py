"""Parsed policies and runbooks are kept between runs, and never read when they might be wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.domain.policy import Policy, parse_policy
from warroom.domain.policy_reader import PolicyError
from warroom.loaders.parse_cache import cache_dir, cached_parse
from warroom.loaders.policy import default_policy_text, load_policy


class CountingParse:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str, source: str) -> Policy:
        self.calls += 1
        return parse_policy(text, source)


def cached_policy(text: str, source: str, parse: CountingParse) -> Policy:
    return cached_parse("policy", text, source, parse, Policy)


def _kept_files(what: str = "policy") -> list[Path]:
    folder = cache_dir()
    assert folder is not None
    return sorted(folder.glob(f"{what}-*.pickle")) if folder.is_dir() else []


def test_the_second_read_is_the_kept_policy_unparsed() -> None:
    parse = CountingParse()
    first = cached_policy(default_policy_text(), "policy.yaml (default)", parse)
    second = cached_policy(default_policy_text(), "policy.yaml (default)", parse)
    assert parse.calls == 1
    assert second == first == parse_policy(default_policy_text(), "policy.yaml (default)")
    (kept,) = _kept_files()
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_changed_policy_or_another_file_is_parsed_again(tmp_path: Path) -> None:
    parse = CountingParse()
    text = default_policy_text()
    cached_parse("policy", text, "a.yaml", parse, Policy)
    changed = cached_parse("policy", text + "\n# edited\n", "a.yaml", parse, Policy)
    elsewhere = cached_parse("policy", text, "b.yaml", parse, Policy)
    assert parse.calls == 3
    assert changed == parse_policy(text + "\n# edited\n", "a.yaml")
    assert len(_kept_files()) == 3
    assert elsewhere == parse_policy(text, "b.yaml")


def test_a_policy_with_an_error_is_never_kept() -> None:
    parse = CountingParse()
    for _ in range(2):
        with pytest.raises(PolicyError, match=r"bad\.yaml"):
            cached_parse("policy", "severities: 3\n", "bad.yaml", parse, Policy)
    assert parse.calls == 2
    assert _kept_files() == []


def test_a_file_others_can_write_is_not_read() -> None:
    parse = CountingParse()
    cached_policy(default_policy_text(), "x.yaml", parse)
    (kept,) = _kept_files()
    kept.chmod(0o666)
    cached_policy(default_policy_text(), "x.yaml", parse)
    assert parse.calls == 2  # parsed again, not unpickled


def test_a_folder_others_can_write_is_not_used() -> None:
    parse = CountingParse()
    folder = cache_dir()
    assert folder is not None
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    cached_policy(default_policy_text(), "x.yaml", parse)
    cached_policy(default_policy_text(), "x.yaml", parse)
    assert parse.calls == 2
    assert _kept_files() == []


def test_a_torn_or_foreign_file_is_parsed_instead() -> None:
    parse = CountingParse()
    cached_policy(default_policy_text(), "x.yaml", parse)
    (kept,) = _kept_files()
    kept.write_bytes(kept.read_bytes()[:100])  # torn
    fresh = parse_policy(default_policy_text(), "x.yaml")
    assert cached_policy(default_policy_text(), "x.yaml", parse) == fresh
    import pickle

    kept.write_bytes(pickle.dumps({"not": "a policy"}))
    assert cached_policy(default_policy_text(), "x.yaml", parse) == fresh
    assert parse.calls == 3


def test_no_cache_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARROOM_NO_CACHE", "1")
    parse = CountingParse()
    cached_policy(default_policy_text(), "x.yaml", parse)
    cached_policy(default_policy_text(), "x.yaml", parse)
    assert parse.calls == 2
    assert cache_dir() is None


def test_a_policy_file_edited_between_commands_is_read_as_edited(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(default_policy_text(), encoding="utf-8")
    before = load_policy(path)
    path.write_text(default_policy_text().replace("P1", "PX"), encoding="utf-8")
    after = load_policy(path)
    assert "P1" in before.severity_names and "P1" not in after.severity_names


def test_a_log_command_imports_no_yaml_once_the_policy_is_kept(tmp_path: Path) -> None:
    """`warroom log` reads a kept policy: PyYAML (a tenth of its start-up) stays unloaded."""
    env = os.environ | {"WARROOM_DB": str(tmp_path / "w.db"), "WARROOM_USER": "ana"}
    subprocess.run(
        [sys.executable, "-m", "warroom", "declare", "-s", "P2", "-t", "Checkout slow"],
        env=env,
        check=True,
        capture_output=True,
    )
    probe = (
        "import sys\n"
        "from warroom.cli import main\n"
        "sys.argv = ['warroom', 'log', '1', 'cache probe']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(m for m in sys.modules if m == 'yaml' or m.startswith('yaml.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_runbooks_are_kept_too_and_a_policy_is_never_read_as_a_runbook(tmp_path: Path) -> None:
    from warroom.domain.runbooks import Runbook
    from warroom.loaders.runbooks import bundled_runbooks_dir, load_runbook, runbook_files

    folder = bundled_runbooks_dir()
    assert folder is not None
    first = [load_runbook(p) for p in runbook_files(folder)]
    assert len(_kept_files("runbook")) == len(first)
    again = [load_runbook(p) for p in runbook_files(folder)]
    assert again == first and all(isinstance(r, Runbook) for r in again)
    # a runbook's kept file that holds something else (a policy) is parsed again
    import pickle

    from warroom.domain.runbooks import parse_runbook

    path = runbook_files(folder)[0]
    text = path.read_text("utf-8")
    source = str(tmp_path / "rb.yaml")
    before = set(_kept_files("runbook"))
    cached_parse("runbook", text, source, parse_runbook, Runbook)
    (kept,) = set(_kept_files("runbook")) - before
    kept.write_bytes(pickle.dumps(load_policy()))
    read = cached_parse("runbook", text, source, parse_runbook, Runbook)
    assert isinstance(read, Runbook) and read == parse_runbook(text, source)


def test_a_fifo_in_the_cache_s_place_is_not_waited_on() -> None:
    """Only a regular file is read: a FIFO there would have hung every start."""
    parse = CountingParse()
    cached_policy(default_policy_text(), "x.yaml", parse)
    (kept,) = _kept_files()
    kept.unlink()
    os.mkfifo(kept, 0o600)
    assert cached_policy(default_policy_text(), "x.yaml", parse) == parse_policy(
        default_policy_text(), "x.yaml"
    )
    assert parse.calls == 2


def test_old_kept_files_go_when_a_new_one_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each upgrade or edited file writes new ones: the folder keeps the newest of a kind."""
    monkeypatch.setattr("warroom.loaders.parse_cache.KEEP_PER_KIND", 3)
    parse = CountingParse()
    written: list[Path] = []
    for n in range(5):
        before = set(_kept_files())
        cached_policy(default_policy_text(), f"edited-{n}.yaml", parse)
        (new,) = set(_kept_files()) - before
        os.utime(new, (1_000_000 + n, 1_000_000 + n))  # written in this order
        written.append(new)
    assert parse.calls == 5
    assert _kept_files() == sorted(written[-3:])  # the two oldest went
    cached_policy(default_policy_text(), "edited-4.yaml", parse)
    assert parse.calls == 5  # the newest is still kept
