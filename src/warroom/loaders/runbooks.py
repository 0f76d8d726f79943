"""Runbook files: loading the bundled and team runbooks, and checking files.

Bundled runbooks ship inside the wheel (and sit at the checkout root in an
editable install); a team directory adds to them, and a team runbook with a
bundled runbook's id replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from warroom.domain.runbooks import Runbook, RunbookError, parse_runbook
from warroom.loaders.parse_cache import cached_parse
from warroom.loaders.text_files import read_text_file
from warroom.paths import shipped_dir


def load_runbook(path: Path) -> Runbook:
    """The runbook in the YAML file `path`."""
    text = read_text_file(path, "runbook", RunbookError)
    return cached_parse("runbook", text, str(path), parse_runbook, Runbook)


def bundled_runbooks_dir() -> Path | None:
    """Where the shipped runbooks are: inside the package (wheel), else the checkout root."""
    try:
        return shipped_dir("runbooks")
    except FileNotFoundError:
        return None


def runbook_files(directory: Path) -> list[Path]:
    """The runbook files in `directory` (*.yaml, *.yml), sorted by name."""
    if not Path(directory).is_dir():
        raise RunbookError(f"{directory}: not a directory of runbooks")
    files = [*Path(directory).glob("*.yaml"), *Path(directory).glob("*.yml")]
    return sorted(p for p in files if p.is_file())


def load_runbooks(dirs: Iterable[Path] = (), *, bundled: bool = True) -> list[Runbook]:
    """The bundled runbooks, then those in each of `dirs` (e.g. the team's).

    A runbook whose id is already loaded from an earlier directory replaces
    it in place, so a team can adapt a bundled runbook by reusing its id. Two
    files with the same id in one directory are an error.
    """
    directories = list(dirs)
    if bundled:
        found = bundled_runbooks_dir()
        if found is not None:
            directories.insert(0, found)
    by_id: dict[str, Runbook] = {}
    for directory in directories:
        here: dict[str, Runbook] = {}
        for path in runbook_files(directory):
            runbook = load_runbook(path)
            if runbook.id in here:
                raise _reused_id(path, runbook.id, here[runbook.id].source)
            here[runbook.id] = runbook
        by_id.update(here)
    return list(by_id.values())


def _reused_id(path: Path, runbook_id: str, other: str) -> RunbookError:
    return RunbookError(f"{path}: id: runbook id {runbook_id!r} is also used by {other}")


def check_runbook_files(paths: Iterable[Path]) -> list[RunbookError]:
    """Read every file and return one error per unusable file (empty when all are good)."""
    problems: list[RunbookError] = []
    ids: dict[str, str] = {}
    for path in paths:
        try:
            runbook = load_runbook(path)
        except RunbookError as exc:
            problems.append(exc)
            continue
        if runbook.id in ids:
            problems.append(_reused_id(path, runbook.id, ids[runbook.id]))
        ids.setdefault(runbook.id, str(path))
    return problems
