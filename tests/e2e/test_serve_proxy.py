"""The README's nginx example, run: basic auth in front of `warroom serve
--proxy-user-header X-Forwarded-User` names the person, overrides a forged
header, and carries the console's websocket."""

from __future__ import annotations

import asyncio
import getpass
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.test_serve_access import read_until, started
from warroom.web.access import Gate

README = Path(__file__).resolve().parents[2] / "README.md"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
AUTH = {"Authorization": aiohttp.encode_basic_auth("maya", "war-room-pw")}


def readme_location_block() -> str:
    """The `location / { ... }` block of the README's nginx example, as documented."""
    example = re.search(r"```nginx\n(.*?)```", README.read_text(), re.S)
    assert example, "the README has no nginx example"
    block = re.search(r"^( *)location / \{\n.*?^\1\}", example.group(1), re.S | re.M)
    assert block, "the README's nginx example has no `location /` block"
    return block.group(0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def proxied(tmp_path: Path) -> AsyncIterator[str]:
    """`warroom serve` behind nginx configured as the README says; yields nginx's URL."""
    db = tmp_path / "w.db"
    subprocess.run(
        [sys.executable, "-m", "warroom", "demo", "--no-open", "--db", str(db)],
        check=True,
        capture_output=True,
    )
    _, runner, backend = await started(Gate("proxy", user_header="X-Forwarded-User"), db)
    (tmp_path / "htpasswd").write_text("maya:{PLAIN}war-room-pw\n")
    location = readme_location_block().replace("http://127.0.0.1:8000", backend.rstrip("/"))
    port = free_port()
    temp = " ".join(
        f"{name}_temp_path {tmp_path / name};" for name in ("client_body", "proxy", "fastcgi")
    )
    temp += f" uwsgi_temp_path {tmp_path / 'u'}; scgi_temp_path {tmp_path / 's'};"
    (tmp_path / "nginx.conf").write_text(
        # workers run as this user (as root they would drop to `nobody`, locked out of tmp)
        f"user {getpass.getuser()}; daemon off; pid {tmp_path / 'nginx.pid'};\n"
        f"error_log {tmp_path / 'error.log'};\n"
        "events {}\nhttp {\n access_log off; " + temp + "\n server {\n"
        f"  listen 127.0.0.1:{port};\n"
        '  auth_basic "war room";\n'
        f"  auth_basic_user_file {tmp_path / 'htpasswd'};\n" + location + "\n }\n}\n"
    )
    assert NGINX is not None
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if nginx.poll() is not None or time.monotonic() > deadline:
                    log = (tmp_path / "error.log").read_text() if nginx.poll() else ""
                    pytest.fail(f"nginx did not start:\n{log}")
                await asyncio.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        await runner.cleanup()


async def test_the_readme_nginx_example_names_the_person(proxied: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(proxied) as reply:
            assert reply.status == 401  # nginx asks for the password first
        forged = {**AUTH, "X-Forwarded-User": "Maya Chen (IC)"}
        async with http.get(proxied, headers=forged) as reply:
            assert reply.status == 200
            assert "starting your console as maya<" in await reply.text()
        origin = proxied.rstrip("/")
        console = await http.ws_connect(
            proxied + "ws?width=120&height=30", headers={**AUTH, "Origin": origin}
        )
        try:
            shown = await read_until(console, "Checkout API returning 503")
            assert "you: maya" in shown
        finally:
            await console.close()
