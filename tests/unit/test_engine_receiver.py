"""The engine's HTTP receiver, against a real engine on 127.0.0.1 (a free port): every
real payload and every repo fixture POSTed is taken in exactly as `warroom ingest`
takes it (or ignored with its reason); the token, the size limit, bad bodies, unknown
sources, PagerDuty signatures, /healthz, and a handler that fails."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tests.engine_support import AUTH, TOKEN, get, post, running_engine, source_of
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.alerts import MAX_BODY_BYTES, parse_body
from warroom.domain.alerts.signature import pagerduty_signature
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.errors import WriteFailed
from warroom.service import WarRoom

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
REAL = SHARED / "realdata"
REAL_FILES = sorted(
    p
    for folder in ("alertmanager", "pagerduty", "opsgenie_grafana")
    if (REAL / folder).is_dir()
    for p in (REAL / folder).glob("*.json")
)
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")
FIRING = FIXTURES / "alertmanager_firing.json"
SECRET = "pd-signing-secret"


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _said_directly(tmp_path: Path, clock: FrozenClock, policy: Policy, files: list[Path]):
    """What `warroom ingest` says for the same bodies, in order, on a file of its own."""
    room = WarRoom(store.connect(tmp_path / "direct.db"), clock, Actor("Ana", "ana"), policy)
    said = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        said.append([o.line for o in room.ingest(parse_body(source_of(path), text, "x"), text)])
    room.db.conn.close()
    return said


async def _post_all(
    db_path: Path, clock: FrozenClock, policy: Policy, files: list[Path]
) -> list[tuple[int, dict[str, object]]]:
    answers = []
    async with running_engine(db_path, clock, policy) as engine:
        for path in files:
            status, answer, _ = await post(engine, f"/alerts/{source_of(path)}", path.read_bytes())
            answers.append((status, answer))
    return answers


def _check_answers(answers, expected) -> None:
    for (status, answer), lines in zip(answers, expected, strict=True):
        assert [o["said"] for o in answer["outcomes"]] == lines
        taken = any(not line.startswith("ignored: ") for line in lines)
        assert status == (200 if taken else 202), answer
        if not taken:
            assert answer["ignored"].startswith("ignored: ")


# -- every payload we have ------------------------------------------------------------


@needs_real
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
async def test_every_real_payload_posted_is_taken_in_as_the_cli_takes_it(
    db_path: Path, clock: FrozenClock, policy: Policy, tmp_path: Path, path: Path
) -> None:
    answers = await _post_all(db_path, clock, policy, [path])
    _check_answers(answers, _said_directly(tmp_path, clock, policy, [path]))
    taken = [o for o in answers[0][1]["outcomes"] if o["action"] != "ignored"]  # type: ignore[union-attr]
    payloads = _rows(db_path, "SELECT payload FROM alert_signals")
    assert len(payloads) == len(taken)
    # the body is kept exactly as it came (tabs, escapes, 19-digit numbers and all)
    assert all(p == (path.read_text(encoding="utf-8"),) for p in payloads)


@needs_real
async def test_real_payloads_in_a_row_dedupe_and_resolve_over_http(
    db_path: Path, clock: FrozenClock, policy: Policy, tmp_path: Path
) -> None:
    am = REAL / "alertmanager"
    files = [am / "zulip_alert_firing_2alerts.json", am / "zulip_single_alert_resolved.json"]
    files += [am / "zulip_alert_firing_2alerts.json"]
    answers = await _post_all(db_path, clock, policy, files)
    expected = _said_directly(tmp_path, clock, policy, files)
    assert expected == [["declared #1", "updated #1"], ["resolved alert on #1"], ["updated #1"] * 2]
    _check_answers(answers, expected)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
async def test_every_repo_payload_posted_is_taken_in_as_the_cli_takes_it(
    db_path: Path, clock: FrozenClock, policy: Policy, tmp_path: Path, path: Path
) -> None:
    answers = await _post_all(db_path, clock, policy, [path])
    _check_answers(answers, _said_directly(tmp_path, clock, policy, [path]))


async def test_firing_then_resolved_fixtures_in_order(
    db_path: Path, clock: FrozenClock, policy: Policy, tmp_path: Path
) -> None:
    files = [FIRING, FIXTURES / "alertmanager_resolved_db1.json"]
    files += [FIXTURES / "alertmanager_resolved_db2.json"]
    answers = await _post_all(db_path, clock, policy, files)
    expected = _said_directly(tmp_path, clock, policy, files)
    assert expected[0] == ["declared #1", "updated #1"]
    _check_answers(answers, expected)


# -- who may post, and what ----------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": "Bearer "},
    ],
    ids=["none", "wrong", "longer", "basic", "no-scheme", "empty"],
)
async def test_without_the_token_nothing_is_taken(
    db_path: Path, clock: FrozenClock, policy: Policy, headers: dict[str, str]
) -> None:
    async with running_engine(db_path, clock, policy) as engine:
        status, answer, said = await post(
            engine, "/alerts/alertmanager", FIRING.read_bytes(), headers
        )
        assert status == 401
        assert said["WWW-Authenticate"] == "Bearer"
        assert "token" in answer["error"]
        # an unknown source is not even named to a caller without the token
        status, _, _ = await post(engine, "/alerts/nagios", "{}", headers)
        assert status == 401
    assert _rows(db_path, "SELECT count(*) FROM incidents") == [(0,)]


async def test_the_scheme_is_case_insensitive(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    async with running_engine(db_path, clock, policy) as engine:
        headers = {"Authorization": f"bearer {TOKEN}"}
        status, answer, _ = await post(engine, "/alerts/alertmanager", FIRING.read_bytes(), headers)
    assert status == 200, answer


async def test_an_oversized_body_is_refused_with_413_and_the_engine_goes_on(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    async with running_engine(db_path, clock, policy) as engine:
        await engine.tick()
        status, answer, _ = await post(engine, "/alerts/alertmanager", b" " * (MAX_BODY_BYTES + 1))
        assert status == 413
        assert "larger than" in answer["error"]
        status, answer, _ = await post(engine, "/alerts/alertmanager", FIRING.read_bytes())
        assert status == 200, answer
        assert (await get(engine, "/healthz"))[0] == 200


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        (b"<html>502 Bad Gateway</html>", 400, "the body is not JSON (line 1"),
        (b"", 400, "the body is not JSON"),
        (b'{"alerts": [}', 400, "the body is not JSON"),
        (b'{"status": "firing"}\xff', 400, "not UTF-8 text"),
        (b"[1, 2, 3]", 422, "the body: alertmanager"),
        (b'{"receiver": "x", "status": "firing"}', 422, "alerts is missing"),
        (b'{"alerts": "many"}', 422, "the body: alertmanager"),
    ],
    ids=["html", "empty", "broken", "not-utf8", "a-list", "no-alerts", "alerts-not-a-list"],
)
async def test_bad_bodies_get_a_clear_4xx_and_write_nothing(
    db_path: Path, clock: FrozenClock, policy: Policy, body: bytes, status: int, said: str
) -> None:
    async with running_engine(db_path, clock, policy) as engine:
        got, answer, _ = await post(engine, "/alerts/alertmanager", body)
        assert (got, said in answer["error"]) == (status, True), answer
        assert "Traceback" not in answer["error"]
        got, _, _ = await post(engine, "/alerts/alertmanager", FIRING.read_bytes())
        assert got == 200  # still taking alerts
    assert _rows(db_path, "SELECT count(*) FROM incidents") == [(1,)]


async def test_unknown_sources_and_routes_answer_404_in_json(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    async with running_engine(db_path, clock, policy) as engine:
        status, answer, _ = await post(engine, "/alerts/nagios", FIRING.read_bytes())
        assert status == 404
        assert answer["error"].startswith("unknown alert source 'nagios' (expected one of: ")
        status, answer, _ = await post(engine, "/alerts", "{}")
        assert (status, answer) == (404, {"error": "not found"})
        status, answer = await get(engine, "/alerts/alertmanager")
        assert status == 405 and answer == {"error": "method not allowed"}


# -- PagerDuty signatures ------------------------------------------------------------


PD_BODY = FIXTURES / "pagerduty_v3_triggered.json"


@pytest.mark.parametrize(
    ("signature", "status"),
    [
        (lambda body: pagerduty_signature(SECRET, body), 200),
        (lambda body: f"v1=00ff,{pagerduty_signature(SECRET, body)}", 200),  # while rotating
        (lambda body: pagerduty_signature("another-secret", body), 401),
        (lambda body: pagerduty_signature(SECRET, body + b" "), 401),
        (lambda body: pagerduty_signature(SECRET, body).replace("v1=", "v0="), 401),
        (lambda body: "", 401),
        (None, 401),
    ],
    ids=["good", "one-of-two", "other-secret", "other-body", "other-version", "empty", "missing"],
)
async def test_pagerduty_bodies_must_carry_a_valid_signature_when_a_secret_is_set(
    db_path: Path, clock: FrozenClock, policy: Policy, signature, status: int
) -> None:
    body = PD_BODY.read_bytes()
    headers = dict(AUTH)
    if signature is not None:
        headers["X-PagerDuty-Signature"] = signature(body)
    async with running_engine(db_path, clock, policy, pagerduty_secret=SECRET) as engine:
        got, answer, _ = await post(engine, "/alerts/pagerduty", body, headers)
        assert got == status, answer
        if status == 401:
            assert "X-PagerDuty-Signature" in answer["error"]
        # other senders are not asked for one
        assert (await post(engine, "/alerts/alertmanager", FIRING.read_bytes()))[0] == 200
    incidents = _rows(db_path, "SELECT title FROM incidents ORDER BY id")
    assert len(incidents) == (2 if status == 200 else 1)


async def test_without_a_secret_pagerduty_bodies_need_only_the_token(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    async with running_engine(db_path, clock, policy) as engine:
        status, answer, _ = await post(engine, "/alerts/pagerduty", PD_BODY.read_bytes())
    assert status == 200 and answer["outcomes"][0]["action"] == "declared"


# -- health, and failures --------------------------------------------------------------


async def test_healthz_answers_without_a_token_and_tells_no_secrets(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    async with running_engine(db_path, clock, policy, pagerduty_secret=SECRET) as engine:
        status, answer = await get(engine, "/healthz")
        assert status == 503  # listening, but not swept yet
        assert answer["ok"] is False and answer["last_sweep_at"] is None
        await engine.tick()
        status, answer = await get(engine, "/healthz")
        assert status == 200
        assert answer == {
            "ok": True,
            "db": "ok",
            "started_at": "2026-11-23T09:00:00Z",
            "last_sweep_at": "2026-11-23T09:00:00Z",
            "version": answer["version"],
        }
        shown = str(answer)
        assert TOKEN not in shown and SECRET not in shown and str(db_path) not in shown
        clock.step(seconds=11)  # no sweep for 11 s: not healthy
        status, answer = await get(engine, "/healthz")
        assert (status, answer["ok"]) == (503, False)


async def test_a_failing_handler_is_a_500_and_a_log_line_and_the_engine_lives(
    db_path: Path,
    clock: FrozenClock,
    policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real_ingest = WarRoom.ingest
    calls = []

    def broken_once(self, signals, payload):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug in the service")
        return real_ingest(self, signals, payload)

    monkeypatch.setattr(WarRoom, "ingest", broken_once)
    caplog.set_level(logging.INFO, logger="warroom.engine")
    async with running_engine(db_path, clock, policy) as engine:
        status, answer, _ = await post(engine, "/alerts/alertmanager", FIRING.read_bytes())
        assert status == 500
        assert "a bug" not in answer["error"]  # the log says why, not the caller
        status, answer, _ = await post(engine, "/alerts/alertmanager", FIRING.read_bytes())
        assert status == 200 and answer["outcomes"][0]["said"] == "declared #1"
    failed = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert failed == ["POST /alerts/alertmanager failed: RuntimeError: a bug in the service"]


async def test_a_busy_database_is_a_503_the_sender_retries(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(self, signals, payload):
        raise WriteFailed(
            "the database is busy (another console holds the lock); nothing was saved"
        )

    monkeypatch.setattr(WarRoom, "ingest", busy)
    async with running_engine(db_path, clock, policy) as engine:
        status, answer, headers = await post(engine, "/alerts/alertmanager", FIRING.read_bytes())
    assert status == 503 and headers["Retry-After"] == "5"
    assert answer["error"].startswith("the database is busy")


async def test_http_answers_while_a_sweep_waits_on_the_file(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep's blocking work runs on its own thread: a sweep stuck on the lock
    does not hold back /healthz or an alert."""
    release = threading.Event()
    real_sweep = WarRoom.sweep

    def slow_sweep(self, incident_ids=None):
        release.wait(10)
        return real_sweep(self, incident_ids)

    monkeypatch.setattr(WarRoom, "sweep", slow_sweep)
    async with running_engine(db_path, clock, policy) as engine:
        tick = asyncio.ensure_future(engine.tick())
        await asyncio.sleep(0.05)
        assert not tick.done()
        assert (await get(engine, "/healthz"))[0] == 503
        status, _, _ = await post(engine, "/alerts/alertmanager", FIRING.read_bytes())
        assert status == 200
        assert not tick.done()
        release.set()
        await tick
        assert (await get(engine, "/healthz"))[0] == 200
