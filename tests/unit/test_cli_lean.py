"""What a plain `warroom log` or `warroom ack` leaves out to start quickly (cli/quick.py):
the service areas it does not act through, the modules it does not use, the cyclic
collector while it runs; and that nothing it acts through differs from `WarRoom`."""

from __future__ import annotations

import gc
import hashlib
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import warroom.cli
from warroom.cli import cli
from warroom.domain import digests
from warroom.service import WarRoom
from warroom.service.ack_room import AckRoom
from warroom.service.log_room import LogRoom


@pytest.mark.parametrize("kind", [LogRoom, AckRoom])
def test_a_command_room_acts_exactly_as_the_war_room(kind: type) -> None:
    """Every method and property of the smaller service is the very one `WarRoom` has
    (an area that overrode another's would make `log` behave unlike the console)."""
    names = [name for name in dir(kind) if not name.startswith("__")]
    assert {"sweep", "run_notify_hook", "check_policy", "unit_of_work"} <= set(names)
    for name in names:
        assert inspect.getattr_static(kind, name) is inspect.getattr_static(WarRoom, name), name
    assert set(kind.__mro__[1:]) <= set(WarRoom.__mro__)  # its areas are WarRoom's


def test_the_digests_are_hashlib_s() -> None:
    text = "policy: text\r\nwith ünïcode".encode()
    assert digests.sha256(text).hexdigest() == hashlib.sha256(text).hexdigest()
    assert (
        digests.blake2b(text, digest_size=16).hexdigest()
        == hashlib.blake2b(text, digest_size=16).hexdigest()
    )


# runs `warroom` as the script does; prints what was imported and the collector's state
SCRIPT = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print(gc.isenabled(), ' '.join(sorted(sys.modules))))\n"
    "sys.argv[0] = 'warroom'\n"
    "from warroom.cli import main\n"
    "main()\n"
)


def _imported(tmp_path: Path, db: Path, *args: str) -> tuple[bool, set[str]]:
    env = {k: v for k, v in os.environ.items() if k != "WARROOM_NO_CACHE"}
    env |= {"WARROOM_CACHE_DIR": str(tmp_path / "cache"), "WARROOM_USER": "Ana"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    collecting, _, modules = done.stdout.strip().rpartition("\n")[2].partition(" ")
    return collecting == "True", set(modules.split())


NEVER = {
    "click",  # the group: only for other commands and unusual command lines
    "yaml",  # the policy comes from the parse cache
    "hashlib",  # OpenSSL: digests.py uses CPython's own SHA-256 and BLAKE2b
    "pickle",  # the parse cache reads with _pickle
    "threading",
    "zoneinfo",  # only when a rota or business hours are worked out
    "warroom.service.war_room",  # every area: log and ack act through fewer
    "warroom.service.alerts",
    "warroom.service.updates",
    "warroom.service.transfer",
    "warroom.service.engines",
    # `inspect`'s own imports: `dataclasses` uses it only for a class without a docstring
    # (cli/lazy_inspect.py); every class these commands define has one
    "ast",
    "dis",
    "tokenize",
}


def test_plain_log_and_ack_import_only_the_areas_they_act_through(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--as", "Ana", "declare", "-s", "P2", "-t", "x"]
    )
    assert result.exit_code == 0, result.output
    _imported(tmp_path, db, "log", "1", "first")  # parses the policy once, keeps it
    collecting, logged = _imported(tmp_path, db, "log", "1", "hello")
    assert not collecting  # no cyclic collection in a one-shot command (nor at its exit)
    assert "warroom.service.log_room" in logged
    assert not logged & (NEVER | {"warroom.service.incidents", "warroom.service.checklists"})
    collecting, acked = _imported(tmp_path, db, "ack", "1")
    assert not collecting and "warroom.service.incidents" in acked
    assert not acked & NEVER
    shown = CliRunner().invoke(cli, ["--db", str(db), "show", "1", "--json"]).stdout
    assert "hello" in shown and '"acknowledged_at": null' not in shown


def test_anything_else_runs_with_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console and every other command collect as they always did."""
    seen: list[bool] = []
    monkeypatch.setattr(warroom.cli, "_group", lambda: lambda **_: seen.append(gc.isenabled()))
    monkeypatch.setattr(sys, "argv", ["warroom", "--help"])
    assert gc.isenabled()
    warroom.cli.main()
    assert seen == [True] and gc.isenabled()


def test_the_console_opened_from_a_plain_command_line_collects(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`warroom --db FILE` opens the console without click: with the collector on once
    its first frame is drawn, as through the group (only the one-shot commands run
    without it throughout; until the console's first frame nothing is collected, see
    tui/start_up_gc)."""
    from warroom.cli import console_start
    from warroom.tui import start_up_gc

    seen: list[bool] = []

    def console(context: object) -> None:
        seen.append(gc.isenabled())
        start_up_gc.first_frame_drawn()  # what the app does on its Ready
        seen.append(gc.isenabled())

    monkeypatch.setattr(console_start, "_run_console", console)
    monkeypatch.setattr(sys, "argv", ["warroom", "--db", str(tmp_path / "w.db")])
    try:
        with pytest.raises(SystemExit) as exited:
            warroom.cli.main()
    finally:
        gc.unfreeze()
    assert exited.value.code == 0
    assert seen == [False, True] and gc.isenabled()


# a fresh interpreter: the stand-in, then `dataclasses` and a class without a docstring
_STAND_IN = """
import sys
from warroom.cli import lazy_inspect
sys.modules.pop("inspect", None)
lazy_inspect.install()
import dataclasses
stand_in = sys.modules["inspect"]
print("ast" in sys.modules)
@dataclasses.dataclass(frozen=True)
class Bare:
    x: int
import inspect
print(Bare.__doc__, inspect is sys.modules["inspect"], inspect is not stand_in)
print(stand_in.signature is inspect.signature, lazy_inspect.real() is inspect)
"""


def test_inspect_is_imported_when_first_used_and_is_the_module_itself() -> None:
    """Until something reads from it, `inspect` is not imported (nor `ast`); then
    every reader, the stand-in's too, gets the real module's attributes."""
    done = subprocess.run(
        [sys.executable, "-c", _STAND_IN], capture_output=True, text=True, check=True
    )
    assert done.stdout.split("\n")[:3] == [
        "False",
        "Bare(x: int) True True",
        "True True",
    ]
