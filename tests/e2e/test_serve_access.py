"""`warroom serve` over HTTP, without a browser: the login, the guards, the page,
and a console started per websocket signed by the person the proxy names."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from warroom import settings
from warroom.web.access import Gate
from warroom.web.server import ConsoleServer, console_environment

TOKEN = "serve-test-token-0123456789"
EXTERNAL_URL = re.compile(r"(https?:)?//[A-Za-z0-9.-]+")


async def started(gate: Gate, db: Path) -> tuple[ConsoleServer, web.AppRunner, str]:
    options = settings.resolve(str(db))
    server = ConsoleServer(gate, console_environment(options), host="127.0.0.1", port=0)
    runner = await server.start()
    return server, runner, f"http://127.0.0.1:{runner.addresses[0][1]}/"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.db"
    subprocess.run(
        [
            *(sys.executable, "-m", "warroom", "--db", str(path), "--as", "Ada"),
            *("declare", "-s", "P2", "-t", "Queue backlog growing"),
        ],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


async def test_a_token_logs_in_and_the_page_loads_nothing_from_elsewhere(
    db: Path, http: aiohttp.ClientSession
) -> None:
    gate = Gate("token", tokens=((TOKEN, "Bea Browser"),))
    server, runner, url = await started(gate, db)
    try:
        async with http.get(url, allow_redirects=False) as reply:
            assert (reply.status, reply.headers["Location"]) == (303, "login")
        for path in ("static/js/textual.js", "download/x"):
            async with http.get(url + path) as reply:
                assert reply.status == 401, path  # nothing but the login before logging in
        async with http.get(url + "login") as reply:
            form = await reply.text()
            assert reply.status == 200 and 'type="password"' in form
            assert not EXTERNAL_URL.search(form)
        async with http.post(url + "login", data={"token": TOKEN[:-1]}) as reply:
            assert reply.status == 401 and "opens nothing here" in await reply.text()
        assert not http.cookie_jar.filter_cookies(url)
        async with http.post(url + "login", data={"token": TOKEN}, allow_redirects=False) as reply:
            assert (reply.status, reply.headers["Location"]) == (303, "./")
            cookie = reply.cookies[server.cookie]
            assert cookie["httponly"] and cookie["samesite"] == "Strict"
            assert TOKEN not in cookie.value
        async with http.get(url) as reply:
            page = await reply.text()
        assert "starting your console as Bea Browser" in page
        assert not EXTERNAL_URL.search(page), EXTERNAL_URL.search(page)
        assert "fonts.googleapis" not in page
        # what the page links is served here: styles, script, the font it names
        for path in re.findall(r'(?:href|src|url\()="?(static/[^"\')]+)', page):
            async with http.get(url + path) as reply:
                assert reply.status == 200, path
                if path.endswith(".css"):
                    css = await reply.text()
                    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", css), path
        assert any(p.endswith(".ttf") for p in re.findall(r'url\("(static/[^"]+)', page))
    finally:
        await runner.cleanup()


async def test_only_localhost_names_reach_an_open_server(
    db: Path, http: aiohttp.ClientSession
) -> None:
    _, runner, url = await started(Gate("local", local_name="Ada"), db)
    port = url.rsplit(":", 1)[1].rstrip("/")
    try:
        async with http.get(url) as reply:
            assert reply.status == 200 and "as Ada" in await reply.text()
        # a page on another site whose name now resolves to 127.0.0.1 (DNS rebinding)
        async with http.get(url, headers={"Host": f"evil.example:{port}"}) as reply:
            assert reply.status == 403
        async with http.get(url, headers={"Host": f"localhost:{port}"}) as reply:
            assert reply.status == 200
        # another site's page opening the websocket from the user's own browser
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(url + "ws", headers={"Origin": "http://evil.example"})
        assert refused.value.status == 403
    finally:
        await runner.cleanup()


async def test_the_proxy_names_the_author_of_what_the_browser_console_writes(
    db: Path, http: aiohttp.ClientSession
) -> None:
    server, runner, url = await started(Gate("proxy", user_header="X-Forwarded-User"), db)
    origin = url.rstrip("/")
    try:
        async with http.get(url) as reply:
            assert reply.status == 401  # straight past the proxy: no name, no console
        async with http.get(url, headers={"X-Forwarded-User": "warroom"}) as reply:
            assert reply.status == 401  # the system's own name signs nothing typed
        socket = await http.ws_connect(
            url + "ws?width=120&height=36",
            headers={"X-Forwarded-User": "Pat Proxy", "Origin": origin},
        )
        shown = await read_until(socket, "Queue backlog growing")
        assert "you: Pat Proxy" in shown
        await socket.send_str(json.dumps(["stdin", "l"]))
        await read_until(socket, "Back to list")
        await socket.send_str(json.dumps(["stdin", "a: drain the queue by hand\r"]))
        last = await last_entry(db, "drain the queue by hand")
        assert (last["kind"], last["author"]) == ("action", "Pat Proxy")
        (console,) = server.consoles
        process = console._process  # noqa: SLF001 - the child the server must not leave behind
        assert process is not None and process.returncode is None
    finally:
        await runner.cleanup()  # the server stops with a browser still connected
    assert process.returncode is not None  # ... and its console has gone with it
    assert not server.consoles


async def read_until(socket: aiohttp.ClientWebSocketResponse, text: str) -> str:
    """What the console has drawn, up to the first time `text` is on it (escapes removed)."""
    drawn = ""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        message = await socket.receive(timeout=20)
        if message.type == aiohttp.WSMsgType.BINARY:
            drawn += message.data.decode("utf-8", "replace")
            plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn)
            if text in plain:
                return plain
        elif message.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}:
            break
    raise AssertionError(f"{text!r} was never drawn:\n{drawn[-2000:]}")


async def last_entry(db: Path, text: str) -> dict[str, str]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        shown = subprocess.run(
            [sys.executable, "-m", "warroom", "--db", str(db), "show", "1", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        last: dict[str, str] = json.loads(shown.stdout)["timeline"][-1]
        if last["text"] == text:
            return last
        await asyncio.sleep(0.3)
    raise AssertionError(f"{text!r} never reached the file")
