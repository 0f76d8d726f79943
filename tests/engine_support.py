"""Running a real engine in a test: on 127.0.0.1, a free port, the test's clock;
and posting to it with aiohttp's client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.engine.runner import Engine, EngineSettings

TOKEN = "s3cret-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@asynccontextmanager
async def running_engine(
    db_path: Path, clock: FrozenClock, policy: Policy, **settings: Any
) -> AsyncIterator[Engine]:
    """A started engine (listening, on record); stopped cleanly at the end."""
    engine = Engine(
        db_path,
        clock,
        Actor("engine", "svc"),
        policy,
        EngineSettings(**({"host": "127.0.0.1", "port": 0, "token": TOKEN} | settings)),
    )
    await engine.start()
    try:
        yield engine
    finally:
        await engine.close()


async def post(
    engine: Engine,
    path: str,
    body: bytes | str,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """(status, JSON answer, headers) of one POST to the engine."""
    data = body.encode() if isinstance(body, str) else body
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://{engine.address}{path}",
            data=data,
            headers=AUTH if headers is None else headers,
        ) as answer,
    ):
        return answer.status, json.loads(await answer.text()), dict(answer.headers)


async def get(engine: Engine, path: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://{engine.address}{path}") as answer,
    ):
        return answer.status, json.loads(await answer.text())


def source_of(path: Path) -> str:
    """The sender a payload file is from, by its folder or name."""
    name = path.name
    for prefix, source in (
        ("alertmanager", "alertmanager"),
        ("events_v2", "events-v2"),
        ("grafana", "grafana"),
        ("opsgenie", "opsgenie"),
        ("pagerduty", "pagerduty"),
        ("zulip_grafana", "grafana"),
        ("zulip_opsgenie", "opsgenie"),
        ("zulip_pd", "pagerduty"),
        ("zulip_alert", "alertmanager"),
        ("zulip_single_alert", "alertmanager"),
    ):
        if name.startswith(prefix):
            return source
    raise AssertionError(f"no source known for {name}")
