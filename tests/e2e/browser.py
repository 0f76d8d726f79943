"""A small headless-Chromium driver over the Chrome DevTools protocol (aiohttp).

Enough to load a page, read what an xterm.js terminal on it shows, and type
into it as a person would. Debian's `chromium` is used as it is; nothing is
downloaded. `chromium_path()` is None when no browser is installed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
    "--remote-debugging-port=0",
]

# The page's terminal object is private to textual.js: find it once among the
# heap's objects (Runtime.queryObjects) and keep a handle on `window`.
FIND_TERMINAL = """function () {
    const found = this.find(o => o && o.terminal && o.fitAddon && o.websocket_url);
    if (found) { window.__terminal = found.terminal; }
    return Boolean(found);
}"""
SCREEN_TEXT = """(() => {
    const t = window.__terminal, b = t.buffer.active, rows = [];
    for (let i = 0; i < t.rows; i++) {
        const line = b.getLine(b.viewportY + i);
        rows.push(line ? line.translateToString(true) : "");
    }
    return rows.join("\\n");
})()"""
KEYS = {"Enter": (13, "\r"), "Escape": (27, "\x1b"), "Tab": (9, "\t")}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium, driving its one page."""

    def __init__(self, process: subprocess.Popen[bytes], session: aiohttp.ClientSession) -> None:
        self.process = process
        self.session = session
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self.ids = itertools.count(1)
        self.requested: list[str] = []  # every URL the page asked for (after `Network.enable`)

    @classmethod
    async def launch(cls, executable: str, profile: Path, timeout: float = 20.0) -> Browser:
        process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        browser = cls(process, aiohttp.ClientSession())
        try:
            port_file = profile / "DevToolsActivePort"
            deadline = time.monotonic() + timeout
            while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chromium did not start (exit {process.poll()})")
                await asyncio.sleep(0.1)
            port = port_file.read_text().splitlines()[0]
            async with browser.session.get(f"http://127.0.0.1:{port}/json/list") as reply:
                targets = json.loads(await reply.text())
            page = next(t for t in targets if t["type"] == "page")
            browser.socket = await browser.session.ws_connect(
                page["webSocketDebuggerUrl"], max_msg_size=0
            )
        except BaseException:
            await browser.close()
            raise
        return browser

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call one DevTools method and return its result (of the events, only the
        URLs requested are kept)."""
        assert self.socket is not None
        call = next(self.ids)
        await self.socket.send_json({"id": call, "method": method, "params": params})
        while True:
            message = await self.socket.receive_json(timeout=30)
            if message.get("method") == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
            elif message.get("method") == "Network.webSocketCreated":
                self.requested.append(message["params"]["url"])
            elif message.get("id") == call:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        reply = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression[:60]}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def goto(self, url: str) -> None:
        await self.send("Network.enable")
        await self.send("Page.navigate", url=url)

    async def find_terminal(self) -> bool:
        """Whether the page's terminal is on the heap yet (kept as `window.__terminal`)."""
        if await self.evaluate("Boolean(window.__terminal)"):
            return True
        prototype = await self.send("Runtime.evaluate", expression="Object.prototype")
        objects = await self.send(
            "Runtime.queryObjects", prototypeObjectId=prototype["result"]["objectId"]
        )
        found = await self.send(
            "Runtime.callFunctionOn",
            objectId=objects["objects"]["objectId"],
            functionDeclaration=FIND_TERMINAL,
            returnByValue=True,
        )
        return bool(found["result"].get("value"))

    async def screen(self) -> str:
        """The terminal's visible rows, as text ("" until the page has a terminal)."""
        if not await self.find_terminal():
            return ""
        return str(await self.evaluate(SCREEN_TEXT))

    async def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = await self.screen()
            if text in screen:
                return screen
            await asyncio.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared in the browser:\n{screen}")

    async def focus_terminal(self) -> None:
        """Give the terminal the keyboard, as a click on it would."""
        await self.screen()
        await self.evaluate("window.__terminal.focus()")

    async def type(self, text: str) -> None:
        """Type `text` key by key into the focused element."""
        for char in text:
            await self.send("Input.dispatchKeyEvent", type="keyDown", key=char, text=char)
            await self.send("Input.dispatchKeyEvent", type="keyUp", key=char)

    async def press(self, key: str) -> None:
        code, text = KEYS[key]
        event = {"key": key, "code": key, "windowsVirtualKeyCode": code}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **event)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **event)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        await self.session.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
