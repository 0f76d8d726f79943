"""`warroom serve`: textual-serve, with a login, warroom's own page, and one console
process per browser signed by the person who logged in.

textual-serve's `Server` starts the command it is given once per websocket, with
the parent's environment. `ConsoleServer` keeps its static files (xterm.js and
its fonts, served from here) and its download route, and changes three things:

- every request passes `guard` (see `access.Gate`): who the browser is, and
  that the websocket comes from this page's own origin;
- the page is `templates/console.html`: relative URLs only, the font served
  locally, nothing fetched from another host;
- each console is `python -m warroom` with the server's database, policy and
  settings in its environment, and `WARROOM_USER` set to the logged-in person.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from warroom import settings
from warroom.web.access import Gate, host_without_port, is_loopback, person_name

log = logging.getLogger("warroom.serve")

TEMPLATES = Path(__file__).parent / "templates"
SESSION_COOKIE = "warroom_session"  # + this server's own suffix (see `ConsoleServer`)
STOP_GRACE = 3.0  # seconds a console has to quit when its browser goes, before it is killed

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def console_environment(options: settings.Settings) -> dict[str, str]:
    """What every browser's console is started with: the server's own database,
    policy and settings (absolute paths; an empty value removes an inherited one)."""

    def path(value: Path | None) -> str:
        return str(Path(value).expanduser().absolute()) if value else ""

    return {
        settings.ENV_DB: path(options.db_path),
        settings.ENV_POLICY: path(options.policy_path),
        settings.ENV_TZ: options.tz_name or "",
        settings.ENV_RUNBOOKS: path(options.runbooks_dir),
        settings.ENV_TEMPLATES: path(options.templates_dir),
        settings.ENV_READ_ONLY: "1" if options.read_only else "",
        settings.ENV_SHARE_GROUP: "1" if options.share_group else "",
    }


class PersonConsole(AppService):
    """One browser's console process: the server's settings plus who is typing."""

    def __init__(self, command: str, environment: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.environment = dict(environment)

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        built = super()._build_environment(width, height)
        for name, value in self.environment.items():
            if value:
                built[name] = value
            else:  # the server decided this setting; an inherited value must not win
                built.pop(name, None)
        return built

    async def end(self) -> None:
        """Ask the console to quit; kill it if it has not within `STOP_GRACE` seconds."""
        process = self._process
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.stop(), STOP_GRACE)
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), STOP_GRACE)


class ConsoleServer(Server):
    """Serves warroom's console to browsers; each one is a console of its own."""

    def __init__(
        self,
        gate: Gate,
        environment: Mapping[str, str],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        title: str = "warroom",
    ) -> None:
        command = shlex.join([sys.executable, "-m", "warroom"])
        super().__init__(command, host=host, port=port, title=title)
        self.gate = gate
        self.environment = dict(environment)
        self.sessions: dict[str, str] = {}  # session cookie -> person's name
        # cookies do not tell ports apart: two war rooms served on one host keep theirs
        self.cookie = f"{SESSION_COOKIE}_{secrets.token_hex(4)}"
        self.consoles: set[PersonConsole] = set()
        self.pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
        )

    # the application -----------------------------------------------------------------

    def make_app(self) -> web.Application:
        """The aiohttp application: every route behind `guard`."""
        app = web.Application(middlewares=[self.guard])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/login", self.handle_login_page, name="login"),
                web.post("/login", self.handle_login, name="login-post"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_shutdown.append(self.close_consoles)
        return app

    async def start(self) -> web.AppRunner:
        """Listen on host:port (port 0: any free port, see `runner.addresses`); the
        caller runs the loop and calls `runner.cleanup()` to stop. An engine can
        serve the console from its own event loop this way."""
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=STOP_GRACE)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        return runner

    async def close_consoles(self, app: web.Application) -> None:
        """On shutdown, every browser's console quits (or is killed)."""
        await asyncio.gather(*(console.end() for console in list(self.consoles)))

    # who is asking -------------------------------------------------------------------

    def person(self, request: web.Request) -> str | None:
        """The name this request is signed with, or None when it has not logged in."""
        if self.gate.mode == "local":
            return self.gate.local_name
        if self.gate.mode == "proxy":
            return person_name(request.headers.get(self.gate.user_header, ""))
        return self.sessions.get(request.cookies.get(self.cookie, ""))

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route.name
        if self.gate.mode == "local" and not is_loopback(host_without_port(request.host)):
            # a page elsewhere whose name was re-pointed at 127.0.0.1 (DNS rebinding)
            raise web.HTTPForbidden(text="warroom serve answers only to localhost names\n")
        if route in {"login", "login-post"}:
            return await handler(request)
        if self.gate.mode == "token" and route == "index" and "token" in request.query:
            return self.log_in(request, request.query["token"])
        name = self.person(request)
        if name is None:
            if self.gate.mode == "proxy":
                raise web.HTTPUnauthorized(
                    text=f"no usable {self.gate.user_header} header: come in through the "
                    "authenticating proxy\n"
                )
            if route == "index":
                raise web.HTTPSeeOther("login")
            raise web.HTTPUnauthorized(text="log in first\n")
        if route == "websocket" and not same_origin(request):
            raise web.HTTPForbidden(text="the console's websocket opens only from its own page\n")
        return await handler(request)

    def log_in(self, request: web.Request, token: str) -> web.StreamResponse:
        """A session cookie for the token's holder and a redirect to the console (the
        token left out of its address), or the form again."""
        name = self.gate.holder(token)
        if name is None:
            log.warning("refused a login from %s", request.remote)
            return self.login_page(refused=True)
        session = secrets.token_urlsafe(32)
        self.sessions[session] = name
        log.info("%s logged in from %s", name, request.remote)
        response = web.Response(status=303, headers={"Location": "./"})
        response.set_cookie(
            self.cookie,
            session,
            httponly=True,
            samesite="Strict",
            secure=request.secure or request.headers.get("X-Forwarded-Proto") == "https",
            path="/",
        )
        return response

    def login_page(self, *, refused: bool = False) -> web.Response:
        page = self.pages.get_template("login.html").render(title=self.title, refused=refused)
        return web.Response(text=page, content_type="text/html", status=401 if refused else 200)

    async def handle_login_page(self, request: web.Request) -> web.StreamResponse:
        return self.login_page()

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        if self.gate.mode != "token":
            raise web.HTTPSeeOther("./")
        form = await request.post()
        token = form.get("token")
        return self.log_in(request, token if isinstance(token, str) else "")

    # the page and the console ---------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        page = self.pages.get_template("console.html").render(
            title=self.title,
            person=self.person(request),
            font_size=min(max(to_int(request.query.get("fontsize", "16"), 16), 6), 64),
        )
        return web.Response(
            text=page,
            content_type="text/html",
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's websocket handler, with a console signed by this person."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = min(max(to_int(request.query.get("width", "80"), 80), 20), 1000)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), 500)
        name = self.person(request) or ""  # `guard` let it in: never empty
        console = PersonConsole(
            self.command,
            {**self.environment, "WARROOM_USER": name},
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        await websocket.prepare(request)
        self.consoles.add(console)
        log.info("console opened for %s (%d open)", name, len(self.consoles))
        try:
            await console.start(width, height)
            await self._process_messages(websocket, console)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("the console for %s failed", name)
        finally:
            await console.end()
            self.consoles.discard(console)
            with contextlib.suppress(Exception):
                await websocket.close()
            log.info("console closed for %s (%d open)", name, len(self.consoles))
        return websocket


def same_origin(request: web.Request) -> bool:
    """Whether the websocket was opened by a page of this server: its Origin's host
    and port are the request's Host (a browser always sends Origin on a websocket,
    and a page cannot forge it; a reverse proxy must pass Host on unchanged)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return urlsplit(origin).netloc.lower() == request.host.lower()


def serve_until_stopped(server: ConsoleServer, announce: Callable[[str], None]) -> None:
    """Run `server` until SIGINT or SIGTERM; `announce` is told each address it listens on."""
    asyncio.run(_serve(server, announce))


async def _serve(server: ConsoleServer, announce: Callable[[str], None]) -> None:
    runner = await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    try:
        for address in runner.addresses:
            host, port = address[0], address[1]
            shown = f"[{host}]" if ":" in host else host
            announce(f"http://{shown}:{port}/")
        await stop.wait()
    finally:
        await runner.cleanup()
