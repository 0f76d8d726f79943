"""The dataclass methods kept compiled between runs (loaders.dataclass_methods): the
classes are the same as `dataclasses` makes them, and a table that cannot be trusted
is never run."""

from __future__ import annotations

import dataclasses
import inspect
import marshal
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from warroom.loaders import dataclass_methods
from warroom.loaders.dataclass_methods import CompiledExec, file_name, read_table

SOURCE = '''
from __future__ import annotations
import dataclasses
from dataclasses import dataclass, field

@dataclass(frozen=True)
class Rung:
    """A rung."""
    level: int
    who: str
    notify: str = ""
    tags: tuple[str, ...] = ()

@dataclass
class Board:
    rows: list[int] = field(default_factory=list)
    title: str = field(default="", compare=False, repr=False)

@dataclass(frozen=True, order=True, slots=True)
class Point:
    x: int
    y: int
'''


def _define(runner: CompiledExec | None) -> dict[str, Any]:
    """The classes of SOURCE, with `runner` as dataclasses' exec (None: as Python makes them)."""
    dataclass_methods.uninstall()
    if runner is not None:
        dataclasses.exec = runner  # type: ignore[attr-defined]
    module = types.ModuleType("warroom_sample")
    sys.modules[module.__name__] = module  # dataclasses looks the module up
    try:
        exec(compile(SOURCE, "sample.py", "exec"), vars(module))
        return vars(module)
    finally:
        del sys.modules[module.__name__]
        dataclass_methods.uninstall()


@pytest.fixture(autouse=True)
def _dataclasses_as_python_has_them() -> Iterator[None]:
    yield
    dataclass_methods.uninstall()


def _methods(cls: type) -> dict[str, Any]:
    return {
        name: value.__code__
        for name, value in vars(cls).items()
        if inspect.isfunction(value) and value.__code__.co_filename == "<string>"
    }


def _same_classes(plain: dict[str, Any], kept: dict[str, Any]) -> None:
    for name in ("Rung", "Board", "Point"):
        a, b = plain[name], kept[name]
        assert _methods(a) == _methods(b) and _methods(a)  # equal code objects, all of them
        for method in _methods(a):
            assert getattr(a, method).__annotations__ == getattr(b, method).__annotations__
        assert inspect.signature(a) == inspect.signature(b)
        assert [f.name for f in dataclasses.fields(a)] == [f.name for f in dataclasses.fields(b)]
        assert a.__doc__ == b.__doc__


def test_kept_code_makes_the_same_classes_and_compiles_nothing_again() -> None:
    plain = _define(None)
    first = CompiledExec()
    _same_classes(plain, _define(first))
    assert first.compiled["warroom_sample"] > 0 and list(first.tables) == ["warroom_sample"]
    # the table as a later process reads it back
    again = CompiledExec()
    again.tables["warroom_sample"] = marshal.loads(marshal.dumps(first.tables["warroom_sample"]))
    kept = _define(again)
    assert not any(again.compiled.values())
    _same_classes(plain, kept)
    rung = kept["Rung"](2, "Tech lead")
    assert repr(rung) == "Rung(level=2, who='Tech lead', notify='', tags=())"
    assert rung == kept["Rung"](2, "Tech lead") and hash(rung) == hash(kept["Rung"](2, "Tech lead"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        rung.level = 3
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'who'"):
        kept["Rung"](1)
    assert kept["Board"]() == kept["Board"](title="other")  # compare=False kept
    assert kept["Point"](1, 2) < kept["Point"](1, 3)


def test_a_table_that_cannot_be_trusted_or_read_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    path = folder / file_name("warroom")
    good = marshal.dumps({"x = 1": compile("x = 1", "<string>", "exec")})
    path.write_bytes(good)
    os.chmod(path, 0o600)
    assert list(read_table(path)) == ["x = 1"]
    os.chmod(path, 0o620)  # others could write code into it
    assert read_table(path) == {}
    os.chmod(path, 0o600)
    for bad in (b"", b"\x00garbage", good[: len(good) // 2], marshal.dumps(["x = 1"])):
        path.write_bytes(bad)
        assert read_table(path) == {}
    path.write_bytes(marshal.dumps({"x = 1": "not code", 3: compile("y", "<s>", "eval")}))
    assert read_table(path) == {}
    assert read_table(folder / "missing") == {}


def _run(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "WARROOM_NO_CACHE"}
    env["WARROOM_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "warroom", *args], env=env, capture_output=True, text=True
    )


def test_a_command_keeps_the_table_and_the_next_one_reads_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _run(cache, "--version")
    table = cache / file_name("warroom.domain")
    assert first.returncode == 0 and table.is_file()
    kept = read_table(table)
    assert any("def __init__(" in text for text in kept)
    # one table a package, each read only when that package first makes a class
    (cache / file_name("warroom.tui")).write_bytes(b"not read")
    env = {k: v for k, v in os.environ.items() if k != "WARROOM_NO_CACHE"}
    code = (
        "import dataclasses\nfrom warroom.cli import cli\n"
        "runner = vars(dataclasses)['exec']\n"
        "print(sorted({p.partition('.')[0] for p in runner.tables}),"
        " 'warroom.tui' in runner.tables, sum(runner.compiled.values()))"
    )
    read = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "WARROOM_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert read.stdout == "['warroom'] False 0\n"
    written = table.stat().st_mtime_ns
    second = _run(cache, "--version")
    assert second.stdout == first.stdout
    assert table.stat().st_mtime_ns == written  # nothing new compiled: not written again
    off = subprocess.run(
        [sys.executable, "-m", "warroom", "--version"],
        env={**os.environ, "WARROOM_CACHE_DIR": str(tmp_path / "off"), "WARROOM_NO_CACHE": "1"},
        capture_output=True,
        text=True,
    )
    assert off.stdout == first.stdout and not (tmp_path / "off").exists()
