"""`warroom serve` in a real browser: headless Chromium logs in with a token, the
console renders, a typed entry reaches the file signed by the token's holder, and
a terminal console on the same file sees it (and the browser sees the terminal's)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.browser import Browser, chromium_path
from tests.ui.helpers import timeline_text, wait_for
from warroom.clock import SystemClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.tui.app import WarRoomApp

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium here (.ci/run installs Debian's `chromium` when it runs as root)",
)
TOKEN = "browser-test-token-0123456789"
TITLE = "Checkout API returning 503"


@dataclass
class Served:
    """A running `warroom serve`: its address and what it has said so far."""

    process: subprocess.Popen[str]
    said: list[str] = field(default_factory=list)

    def url(self, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.said:
                if found := re.search(r"(http://\S+/) ", line):
                    return found.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("warroom serve printed no address:\n" + "".join(self.said))


def warroom(db: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    db = tmp_path / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "warroom", "demo", "--no-open", "--db", str(db)],
        capture_output=True,
        check=True,
    )
    tokens = tmp_path / "tokens"
    tokens.write_text(f"# the war room's people\nBea Browser: {TOKEN}\n")
    tokens.chmod(0o600)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "warroom", "--db", str(db), "--as", "Ada"),
            *("serve", "--port", "0", "--token-file", str(tokens)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = Served(process)
    assert process.stderr is not None
    stream = process.stderr
    reader = threading.Thread(
        target=lambda: [running.said.append(line) for line in iter(stream.readline, "")],
        daemon=True,
    )
    reader.start()
    try:
        yield running, db
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    assert CHROMIUM is not None
    try:
        opened = await Browser.launch(CHROMIUM, tmp_path / "chromium-profile")
    except RuntimeError as exc:  # installed but unable to run here (no display libs, ...)
        pytest.skip(f"{CHROMIUM} cannot run here: {exc}")
    try:
        yield opened
    finally:
        await opened.close()


async def test_a_browser_console_and_a_terminal_console_see_each_other(
    served: tuple[Served, Path], browser: Browser
) -> None:
    server, db = served
    url = server.url()
    terminal = WarRoomApp(
        db_path=db,
        actor=Actor("Tess", "tess"),
        policy=load_policy(),
        clock=SystemClock(),
        tz=dt.UTC,
    )
    async with terminal.run_test(size=(120, 36)) as pilot:
        await browser.goto(url + "?token=" + TOKEN)  # logs in; the token leaves the address
        screen = await browser.wait_for(TITLE)
        assert "you: Bea Browser" in screen  # the token's holder, not the server's --as Ada
        assert await browser.evaluate("window.location.search") == ""
        # everything the page loaded (font, script, styles, websocket) came from the server
        here = url.removeprefix("http://")
        assert {u.split("/")[2] for u in browser.requested} == {here.rstrip("/")}, browser.requested
        assert any(u.endswith(".ttf") for u in browser.requested)  # the font, served locally
        await browser.focus_terminal()
        await browser.type("l")
        await browser.wait_for("esc Back to list")  # the entry line has the focus
        await browser.type("f: [bold]seen[/] from a browser")
        await browser.press("Enter")
        await browser.wait_for("[bold]seen[/] from a browser")

        last = json.loads(warroom(db, "show", "1", "--json"))["timeline"][-1]
        assert (last["kind"], last["text"], last["author"]) == (
            "finding",
            "[bold]seen[/] from a browser",
            "Bea Browser",
        )
        # the terminal console, on the same file, shows it without a key pressed
        await wait_for(pilot, lambda: "seen[/] from a browser" in timeline_text(terminal), 10)

        # and what the terminal logs appears in the browser
        await pilot.press("l")
        await pilot.press(*"d: the terminal answers")
        await pilot.press("enter")
        await browser.wait_for("d: the terminal answers".removeprefix("d: "), timeout=10)
