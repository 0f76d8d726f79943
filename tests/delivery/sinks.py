"""Local receivers for delivery tests: an HTTP sink for Apprise's json:// posts and an
SMTP server (aiosmtpd) for its mailto://, both on 127.0.0.1 at free ports."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class HttpSink:
    """What the sink got: accepted posts (path, JSON body) and how many it refused."""

    port: int = 0
    fail_first: int = 0  # answer 503 to this many posts before accepting
    delay: float = 0.0  # seconds each post takes (a slow receiver)
    accepted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def titles(self) -> list[str]:
        with self.lock:
            return [body["title"] for _, body in self.accepted]


@contextmanager
def http_sink(fail_first: int = 0, delay: float = 0.0) -> Iterator[HttpSink]:
    """A ThreadingHTTPServer on a free port, shut down when the block ends."""
    sink = HttpSink(fail_first=fail_first, delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            time.sleep(sink.delay)
            with sink.lock:
                refuse = sink.fail_first > 0
                if refuse:
                    sink.fail_first -= 1
                    sink.refused += 1
                else:
                    sink.accepted.append((self.path, json.loads(body)))
            self.send_response(503 if refuse else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MailSink:
    port: int
    password: bytes
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)


@contextmanager
def smtp_server(password: str) -> Iterator[MailSink]:
    """aiosmtpd on a free port, plain SMTP (no TLS), AUTH with `password`."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    sink = MailSink(free_port(), password.encode())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            sink.messages.append(message)  # type: ignore[arg-type]
            return "250 OK"

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        sink.logins.append((data.login, data.password))
        return AuthResult(success=data.password == sink.password)

    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=sink.port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
