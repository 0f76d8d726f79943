"""Parsed policies and runbooks kept between runs, so a command does not import and run PyYAML.

Reading the policy costs a CLI command more than its own work: PyYAML's import
alone is about a tenth of `warroom log`, and the console parses every runbook
before its first paint. A parsed `Policy` or `Runbook` is kept as a pickle in the
user's cache folder, named by a digest of everything that could change it: what
was parsed, the text and its source name, and the size and modification time of
every module of `warroom.domain` (so an upgrade or an edited checkout never reads
an old shape). Only a file that parsed without error is kept.

A pickle runs code when read, so a cache file is read only when it and its folder
belong to this user and nobody else can write them; anything else (a missing,
foreign, corrupt or unreadable file) means parse the text, as without a cache.
`WARROOM_CACHE_DIR` moves the folder; `WARROOM_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import warroom
import warroom.domain
from warroom.domain.digests import blake2b

ENV_CACHE_DIR = "WARROOM_CACHE_DIR"
ENV_NO_CACHE = "WARROOM_NO_CACHE"
_DOMAIN = Path(warroom.domain.__file__).resolve().parent
_Parsed = TypeVar("_Parsed")
# files of one kind kept: far above a team's runbooks, so a start never parses twice;
# the oldest go when a new one is written (each upgrade or edit writes new ones)
KEEP_PER_KIND = 512


def cached_parse(
    what: str,
    text: str,
    source: str,
    parse: Callable[[str, str], _Parsed],
    shape: type[_Parsed],
    keep: Callable[[_Parsed], bool] | None = None,
) -> _Parsed:
    """`parse(text, source)`, or the same `what` ("policy", "runbook") parsed before, if it
    is still a `shape` (see the module note). `keep`: whether a parse is worth keeping
    (one that reports errors in what it returns is parsed again, and says them again)."""
    folder = cache_dir()
    if folder is None:
        return parse(text, source)
    path = folder / f"{what}-{_digest(what, text, source)}.pickle"
    kept = _read(path, shape)
    if kept is not None:
        return kept
    parsed = parse(text, source)
    if keep is None or keep(parsed):
        _write(folder, path, parsed)
        prune(folder, f"{what}-*.pickle")
    return parsed


def prune(folder: Path, pattern: str, keep: int | None = None) -> None:
    """Remove all but the `keep` (KEEP_PER_KIND) newest files matching `pattern` (no
    error if it cannot)."""
    keep = KEEP_PER_KIND if keep is None else keep
    try:
        found = [(entry.stat().st_mtime, entry) for entry in folder.glob(pattern)]
    except OSError:
        return
    if len(found) <= keep:
        return
    found.sort(key=lambda pair: pair[0], reverse=True)
    for _mtime, old in found[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def cache_dir() -> Path | None:
    """The folder for warroom's caches, or None when caching is off."""
    if os.environ.get(ENV_NO_CACHE, "").strip().lower() in {"1", "true", "yes", "on"}:
        return None
    named = os.environ.get(ENV_CACHE_DIR, "").strip()
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    return Path(base) / "warroom"


def _digest(what: str, text: str, source: str) -> str:
    code = blake2b(digest_size=16)
    code.update(f"{warroom.__version__}\0{what}\0{source}\0".encode())
    code.update(text.encode("utf-8", "surrogatepass"))
    code.update(_domain_modules())
    return str(code.hexdigest())


@functools.cache
def _domain_modules() -> bytes:
    """The size and modification time of every module of `warroom.domain`, looked at
    once a process (the console reads a dozen runbooks: ~600 stat calls before its
    first frame otherwise); this process runs the code it imported at start anyway."""
    found = []
    for folder in (_DOMAIN, *sorted(p for p in _DOMAIN.iterdir() if p.is_dir())):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                stat_ = entry.stat()
                found.append(f"\0{entry.path}:{stat_.st_size}:{stat_.st_mtime_ns}")
    return "".join(found).encode()


def _private(found: os.stat_result) -> bool:
    """Owned by this user, and nobody else may write it."""
    return found.st_uid == os.geteuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path, shape: type[_Parsed]) -> _Parsed | None:
    data = read_private(path)
    if data is None:
        return None
    # pickle's own loader (`pickle.loads` is `_pickle.loads`), without importing the
    # pickle module around it: a tenth of what reading the policy costs `warroom log`
    from _pickle import loads

    try:
        kept = loads(data)
    except Exception:  # a torn or stale file: parse instead (and write it again)
        return None
    return kept if isinstance(kept, shape) else None


def read_private(path: Path) -> bytes | None:
    """The bytes of the cache file `path`, if it and its folder are this user's alone
    (see the module note); None for anything else."""
    try:
        folder = os.stat(path.parent)
        # O_NONBLOCK: a FIFO put there must not hang the start; only a file is read
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        found = os.fstat(fd)
        if not (stat.S_ISREG(found.st_mode) and _private(folder) and _private(found)):
            return None
        with os.fdopen(fd, "rb") as file:
            fd = -1
            return file.read()
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def _write(folder: Path, path: Path, parsed: object) -> None:
    """Keep `parsed` at `path`, atomically; a cache that cannot be written is no error."""
    import pickle

    try:
        data = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    write_private(folder, path, data)


def write_private(folder: Path, path: Path, data: bytes) -> None:
    """Keep `data` at `path` in the private `folder`, atomically (written aside, then
    renamed over); a cache that cannot be written is no error."""
    import tempfile

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(folder)):
            return
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".parsed-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        return
