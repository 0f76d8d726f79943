"""The engine's HTTP side (aiohttp): alerts in, and a health answer.

    POST /alerts/alertmanager|grafana|pagerduty|opsgenie|events-v2
        Authorization: Bearer <token>           401 without it or with another
        X-PagerDuty-Signature: v1=<hex>         /alerts/pagerduty, when a signing
                                                secret is configured: 401 if bad
        200  {"source", "outcomes": [...]}      something was declared, updated, logged
        202  {..., "ignored": "ignored: ..."}   nothing in it is an alert warroom takes
        400  the body is not JSON (or not UTF-8 text)
        404  an unknown source
        413  a body over the limit
        422  JSON that is not that source's shape
        503  the database refused the write (busy, read-only, full): send it again
        500  the engine failed on it (logged; the engine goes on)
    GET /healthz                                no token; no paths, no secrets

Every answer is JSON. The body is parsed and taken in on the receiver's own
thread, through the service (`WarRoom.ingest`), as `warroom ingest` does.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from warroom.domain.alerts import MAX_BODY_BYTES, SOURCES, AlertError, parse_body
from warroom.domain.alerts.signature import pagerduty_signed
from warroom.domain.text_files import decode_text
from warroom.domain.visible import visible_line
from warroom.errors import DatabaseRefused, InvalidInput, WarroomError, WriteFailed

if TYPE_CHECKING:
    from warroom.engine.rooms import RoomThread
    from warroom.service import WarRoom
    from warroom.service.alerts import Outcome

log = logging.getLogger("warroom.engine")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def _error(status: int, text: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": text}, status=status, headers=headers)


@web.middleware
async def _answers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer in JSON, and never a crash: a handler's exception is a 500 and a
    line in the log; the engine goes on."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.content_type == "application/json":
            raise
        kept = {k: v for k, v in exc.headers.items() if k in _KEPT_HEADERS}
        return _error(exc.status, exc.reason.lower(), kept)
    except Exception as exc:
        log.error(
            "%s %s failed: %s: %s",
            request.method,
            visible_line(request.path)[:200],
            type(exc).__name__,
            visible_line(str(exc))[:300],
        )
        return _error(500, "the engine failed on this request; its log says why")


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """One signal's outcome, as `warroom ingest --json` shows it."""
    return {
        "action": outcome.action,
        "source": outcome.source,
        "key": outcome.key,
        "item": outcome.item,
        "incident": outcome.incident,
        "incident_resolved": outcome.incident_resolved,
        "reason": outcome.reason,
        "said": outcome.line,
    }


class Receiver:
    """The routes, over one engine: the token senders present, PagerDuty's signing
    secret, the thread alerts are taken in on, and the engine's health answer."""

    def __init__(
        self,
        token: str,
        pagerduty_secret: str | None,
        thread: RoomThread,
        health: Callable[[], dict[str, Any]],
    ) -> None:
        self.token = token.encode("utf-8")
        self.pagerduty_secret = pagerduty_secret
        self.thread = thread
        self.health = health

    def _authorised(self, request: web.Request) -> bool:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not self.token:
            return False
        return hmac.compare_digest(given.strip().encode("utf-8", "replace"), self.token)

    async def alerts(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"})
        source = request.match_info["source"]
        if source not in SOURCES:
            return _error(
                404, f"unknown alert source {source!r} (expected one of: {', '.join(SOURCES)})"
            )
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"the body is larger than {MAX_BODY_BYTES:,} bytes")
        if source == "pagerduty" and self.pagerduty_secret is not None:
            signature = request.headers.get("X-PagerDuty-Signature")
            if not pagerduty_signed(self.pagerduty_secret, body, signature):
                log.warning("pagerduty: refused a body whose signature does not match")
                return _error(401, "the X-PagerDuty-Signature does not match the body")

        def take(room: WarRoom) -> list[Outcome]:
            text = decode_text(body, "the body", InvalidInput, MAX_BODY_BYTES)
            return room.ingest(parse_body(source, text, "the body"), text)

        try:
            outcomes = await self.thread.run(take)
        except AlertError as exc:
            return self._refused(source, 422, str(exc))
        except (WriteFailed, DatabaseRefused) as exc:
            return self._refused(source, 503, str(exc), {"Retry-After": "5"})
        except InvalidInput as exc:
            return self._refused(source, 400, str(exc))
        except WarroomError as exc:
            return self._refused(source, 422, str(exc))
        said = "; ".join(outcome.line for outcome in outcomes) or "nothing in it"
        log.info("%s: %s", source, visible_line(said)[:500])
        answer: dict[str, Any] = {
            "source": source,
            "outcomes": [outcome_json(o) for o in outcomes],
        }
        if any(outcome.action != "ignored" for outcome in outcomes):
            return web.json_response(answer)
        answer["ignored"] = said if outcomes else "ignored: the body holds no alerts"
        return web.json_response(answer, status=202)

    def _refused(
        self, source: str, status: int, reason: str, headers: dict[str, str] | None = None
    ) -> web.Response:
        log.warning("%s: refused (%s): %s", source, status, visible_line(reason)[:300])
        return _error(status, reason, headers)

    async def healthz(self, request: web.Request) -> web.Response:
        answer = self.health()
        return web.json_response(answer, status=200 if answer["ok"] else 503)


def build_app(receiver: Receiver) -> web.Application:
    """The aiohttp application for `receiver`: bodies bounded by the ingest limit."""
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_answers])
    app.router.add_post("/alerts/{source}", receiver.alerts)
    app.router.add_get("/healthz", receiver.healthz)
    return app
