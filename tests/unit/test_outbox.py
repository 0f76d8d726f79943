"""Pages are written to the outbox with their cause, once, for the right people; a
delivery round claims them under a lease, sends them, and records how it went."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import T0
from warroom import store
from warroom.clock import Clock, FrozenClock
from warroom.domain.models import Actor
from warroom.domain.pages import Page, page_line
from warroom.domain.policy import Policy, parse_policy
from warroom.domain.policy_reader import PolicyError
from warroom.domain.rota import on_call
from warroom.loaders.policy import default_policy_text
from warroom.service import WarRoom, clocks
from warroom.service.pages import queue_event
from warroom.store import outbox_writes, queries, read_model

PEOPLE = ("Ana Lima", "Ben Okafor", "Chen Wei", "Dana Kim", "Eve Adams", "Femi Bello")


def paging_policy(pages: str = "", channels: dict[str, list[str]] | None = None) -> Policy:
    """The default policy, every contact paged through a json:// channel of their own
    (or `channels`), plus a `pages:` section."""
    text = default_policy_text()
    for name in PEOPLE:
        first = name.split()[0].lower()
        chosen = (channels or {}).get(name, [f"json://127.0.0.1:9/{first}"])
        listed = ", ".join(f'"{c}"' for c in chosen)
        text = re.sub(
            rf"(\{{name: {name},[^}}]*)\}}", rf"\1, channels: [{listed}]}}", text, count=1
        )
    return parse_policy(text + ("\n" + pages if pages else ""), "test-policy.yaml")


def room_on(db_path: Path, clock: Clock, policy: Policy, who: str = "Zed") -> WarRoom:
    return WarRoom(store.connect(db_path), clock, Actor(who, who.lower()), policy)


def outbox(room: WarRoom) -> list[Page]:
    return read_model.pages(room.db)


def sent_to(room: WarRoom, event: str) -> list[str]:
    return sorted(p.recipient for p in outbox(room) if p.event == event)


class Recorder:
    """A sender that records what it sent; `fail` decides (by page) whether it fails."""

    def __init__(self, fail: int = 0) -> None:
        self.sent: list[int] = []
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, page: Page, policy: Policy) -> None:
        with self.lock:
            if self.fail:
                self.fail -= 1
                raise ConnectionError("sink said 503 Service Unavailable")
            self.sent.append(page.id)


@pytest.fixture
def policy() -> Policy:
    return paging_policy("pages:\n  subscribers: [Eve Adams]\n")


@pytest.fixture
def room(db_path: Path, clock: FrozenClock, policy: Policy) -> WarRoom:
    return room_on(db_path, clock, policy)


def on_call_now(policy: Policy) -> str:
    assert policy.rota is not None
    return on_call(policy.rota, T0).primary


# -- written with the cause ---------------------------------------------------------


def test_declaring_pages_the_commander_and_subscribers_not_the_declarer(
    room: WarRoom, db_path: Path, clock: FrozenClock
) -> None:
    incident_id = room.declare("API down", "P1", commander="Dana Kim")
    assert sent_to(room, "declared") == ["Dana Kim", "Eve Adams"]
    mine = room_on(db_path, clock, room.policy, who="Dana Kim")
    mine.declare("Disk full", "P3")  # Dana declares and commands: she is not paged for it
    assert sent_to(room, "declared") == ["Dana Kim", "Eve Adams", "Eve Adams"]
    page = outbox(room)[0]
    assert page.incident_id == incident_id and page.state == "pending"
    assert page.subject == f"[warroom] #{incident_id} P1 declared (availability): API down"
    assert page.channel == "json://127.0.0.1:9/dana"


def test_a_rolled_back_cause_leaves_no_page(room: WarRoom) -> None:
    queued_inside: list[int] = []

    def declare_then_fail() -> None:
        with room.unit_of_work() as uow:
            room.declare_in(uow, "API down", "P1", "availability", "", "Dana Kim", False, T0, {})
            queued_inside.append(uow.conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
            raise RuntimeError("the cause failed after its pages were queued")

    with pytest.raises(RuntimeError):
        declare_then_fail()
    assert queued_inside == [2]  # Dana Kim and Eve Adams were queued ... and rolled back
    assert outbox(room) == []
    assert room.db.conn.execute("SELECT count(*) FROM page_events").fetchone()[0] == 0
    assert room.db.conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0


def test_nothing_is_queued_when_no_contact_lists_a_channel(
    db_path: Path, clock: FrozenClock
) -> None:
    plain = parse_policy(default_policy_text(), "default.yaml")
    room = room_on(db_path, clock, plain)
    room.declare("API down", "P0")
    room.sweep()
    clock.step(hours=2)
    room.sweep()
    assert outbox(room) == []
    assert room.db.conn.execute("SELECT count(*) FROM page_events").fetchone()[0] == 0


def test_a_rung_reached_pages_its_person_once_however_many_sweep(
    room: WarRoom, db_path: Path, clock: FrozenClock
) -> None:
    incident_id = room.declare("API down", "P1")
    other = room_on(db_path, clock, room.policy, who="Yan")
    room.sweep()
    other.sweep()
    room.sweep()
    escalated = [p for p in outbox(room) if p.event == "escalated"]
    assert [p.recipient for p in escalated] == [on_call_now(room.policy)]
    assert escalated[0].subject.startswith(f"[warroom] #{incident_id} P1 escalated to level 1:")
    values = dict(escalated[0].hook_values)
    assert values["level"] == "1" and values["who"] == "On-call"


def test_manual_escalation_pages_the_rung(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P0")
    room.sweep()  # On-call and Eng lead (Dana Kim) at 0m
    room.escalate(incident_id)  # CTO: Eve Adams
    assert sent_to(room, "escalated") == sorted([on_call_now(room.policy), "Dana Kim", "Eve Adams"])


def test_a_timer_about_to_breach_pages_once_then_its_breach_pages(
    room: WarRoom, clock: FrozenClock
) -> None:
    room.declare("API down", "P1", commander="Dana Kim")  # ack 15m, warn_before 25%
    room.sweep()
    on_call_person = on_call_now(room.policy)
    clock.step(minutes=11)  # 4m left: not yet inside the last quarter (3m45s)
    room.sweep()
    assert sent_to(room, "warning") == []
    clock.step(seconds=16)
    room.sweep()
    room.sweep()
    assert sent_to(room, "warning") == sorted(["Dana Kim", on_call_person])
    assert sent_to(room, "update_due") == sorted(["Dana Kim", on_call_person])
    warning = next(p for p in outbox(room) if p.event == "warning")
    assert "SLA about to breach: Acknowledge by" in warning.subject
    clock.step(minutes=4)
    room.sweep()
    room.sweep()
    breaches = [p for p in outbox(room) if p.event == "breach"]
    # ack and first update, each to the commander and the on-call, once
    assert sorted(p.recipient for p in breaches) == sorted(["Dana Kim", on_call_person] * 2)
    assert all(" P1 SLA breached: " in p.subject for p in breaches)


def test_an_idle_sweep_takes_no_write_lock_once_warnings_are_paged(
    room: WarRoom, clock: FrozenClock
) -> None:
    room.declare("API down", "P1")
    clock.step(minutes=12)
    room.sweep()
    before = room.db.conn.total_changes
    room.sweep()
    assert room.db.conn.total_changes == before


def test_resolving_pages_commander_subscribers_and_everyone_called(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P0", commander="Ben Okafor")
    room.sweep()
    room.set_status(incident_id, "resolved")
    assert sent_to(room, "resolved") == sorted(
        {"Ben Okafor", "Eve Adams", on_call_now(room.policy), "Dana Kim"}
    )


def test_an_event_key_queues_once(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1", commander="Dana Kim")
    for _ in range(2):
        with room.unit_of_work() as uow:
            queued = queue_event(
                uow, room.policy, incident_id, "warning", "k", "about to", ["Ana Lima"]
            )
    assert queued == 0
    keys = [r[0] for r in room.db.conn.execute("SELECT idempotency_key FROM outbox")]
    assert len(keys) == len(set(keys))
    with pytest.raises(sqlite3.IntegrityError):
        room.db.conn.execute(
            "INSERT INTO outbox (incident_id, event_id, idempotency_key, event, recipient,"
            " channel, subject, body, created_at, next_attempt_at)"
            " SELECT incident_id, event_id, idempotency_key, event, recipient, channel, subject,"
            " body, created_at, next_attempt_at FROM outbox LIMIT 1"
        )


# -- delivery -------------------------------------------------------------------------


def test_a_round_delivers_each_due_page_once_and_records_it(room: WarRoom) -> None:
    incident_id = room.declare("API down", "P1", commander="Dana Kim")
    sender = Recorder()
    done = room.deliver_pages(sender, "w1")
    assert done.claimed == 2 and len(sender.sent) == 2
    assert room.deliver_pages(sender, "w1").claimed == 0
    assert {p.state for p in outbox(room)} == {"delivered"}
    assert all(p.delivered_at == T0 and p.attempts == 1 for p in outbox(room))
    logged = [e.text for e in queries.timeline(room.db, incident_id) if e.kind == "page"]
    assert logged == [
        f"Paged Dana Kim via json: [warroom] #{incident_id} P1 declared (availability): API down",
        f"Paged Eve Adams via json: [warroom] #{incident_id} P1 declared (availability): API down",
    ]


def test_a_failed_send_backs_off_then_is_failed_loudly(db_path: Path, clock: FrozenClock) -> None:
    policy = paging_policy(
        "pages:\n  subscribers: [Eve Adams]\n  retry: [30s, 1m, 2m]\n  max_attempts: 5\n"
    )
    room = room_on(db_path, clock, policy)
    incident_id = room.declare("API down", "P1", commander="Eve Adams")
    sender = Recorder(fail=100)
    waits = []
    for _ in range(5):
        done = room.deliver_pages(sender, "w1")
        assert done.claimed == 1
        page = outbox(room)[0]
        waits.append((page.next_attempt_at - clock.now()).total_seconds())
        assert room.deliver_pages(sender, "w1").claimed == 0  # not before its back-off
        if page.state == "pending":
            clock.step(seconds=waits[-1] - 1)
            assert room.deliver_pages(sender, "w1").claimed == 0
            clock.step(seconds=1)
    assert waits[:4] == [30, 60, 120, 120]  # the last wait repeats
    page = outbox(room)[0]
    assert page.state == "failed" and page.attempts == 5
    assert page.last_error == "sink said 503 Service Unavailable"
    assert page_line(page) == (
        "page to Eve Adams via json (declared) FAILED after 5 attempts:"
        " sink said 503 Service Unavailable"
    )
    assert [p.id for p in read_model.failed_pages(room.db)] == [page.id]
    logged = [e.text for e in queries.timeline(room.db, incident_id) if e.kind == "page"]
    assert logged == [
        "⚠ Page to Eve Adams via json FAILED after 5 attempts: sink said 503 Service Unavailable"
    ]
    clock.step(hours=1)
    assert room.deliver_pages(sender, "w1").claimed == 0  # FAILED is final


def test_a_claimed_page_is_not_taken_until_its_lease_runs_out(
    room: WarRoom, db_path: Path, clock: FrozenClock
) -> None:
    room.declare("API down", "P1", commander="Dana Kim")
    with room.unit_of_work() as uow:  # a deliverer claims both, then dies mid-send
        held = outbox_writes.claim(uow, "dead", dt.timedelta(seconds=60), 10)
    assert len(held) == 2
    other = room_on(db_path, clock, room.policy, who="Yan")
    sender = Recorder()
    assert other.deliver_pages(sender, "alive").claimed == 0
    clock.step(seconds=59)
    assert other.deliver_pages(sender, "alive").claimed == 0
    clock.step(seconds=1)
    assert other.deliver_pages(sender, "alive").claimed == 2
    assert sorted(sender.sent) == sorted(p.id for p in held)
    with room.unit_of_work() as uow:  # the dead one's late word changes nothing
        assert not outbox_writes.delivered(uow, held[0].id, "dead")
        assert not outbox_writes.attempt_failed(uow, held[0].id, "dead", "x", None)
    assert {p.state for p in outbox(room)} == {"delivered"}


def test_two_deliverers_on_one_file_send_each_page_once(
    room: WarRoom, db_path: Path, clock: FrozenClock
) -> None:
    for n in range(30):
        room.declare(f"incident {n}", "P2", commander="Dana Kim")  # 2 pages each
    sender = Recorder()
    sender_lock_sleep = threading.Event()

    def slow_sender(page: Page, policy: Policy) -> None:
        sender_lock_sleep.wait(0.002)
        sender(page, policy)

    def run(name: str) -> None:
        worker = room_on(db_path, clock, room.policy, who=name)
        while worker.deliver_pages(slow_sender, name, limit=3).claimed:
            pass

    threads = [threading.Thread(target=run, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sender.sent) == 60
    assert Counter(sender.sent).most_common(1)[0][1] == 1
    assert {p.state for p in outbox(room)} == {"delivered"}


# -- the policy -----------------------------------------------------------------------


def test_a_channel_that_is_not_one_is_refused_with_its_line() -> None:
    with pytest.raises(PolicyError, match=r"test-policy.yaml:\d+: contacts\[0\].channels\[0\]"):
        paging_policy(channels={"Ana Lima": ["ana@example.com"]})


def test_the_hook_channel_needs_a_notify_hook() -> None:
    with pytest.raises(PolicyError, match='Ana Lima is paged through "hook"'):
        paging_policy(channels={"Ana Lima": ["hook"]})


def test_a_subscriber_must_be_a_contact() -> None:
    with pytest.raises(PolicyError, match=r'pages.subscribers\[0\]: "Nobody" is not in contacts'):
        paging_policy("pages:\n  subscribers: [Nobody]\n")


def test_a_rung_whose_person_has_no_channel_is_a_failed_page_not_a_silence(
    db_path: Path, clock: FrozenClock
) -> None:
    policy = paging_policy()
    on_call_person = on_call_now(policy)
    text = default_policy_text().replace(
        'chat: "@dana"}', 'chat: "@dana", channels: ["json://127.0.0.1:9/dana"]}'
    )
    room = room_on(db_path, clock, parse_policy(text, "p.yaml"))
    incident_id = room.declare("API down", "P0", commander="Zed")
    room.sweep()  # On-call (no channels) and Eng lead (Dana, paged)
    pages = {p.recipient: p for p in outbox(room)}
    assert pages["Dana Kim"].state == "pending"
    lost = pages[on_call_person]
    assert lost.state == "failed" and lost.attempts == 0
    assert page_line(lost) == (
        f"page to {on_call_person} (escalated) FAILED: nobody can page {on_call_person}:"
        " no channels in the policy's contacts"
    )
    assert [p.recipient for p in read_model.failed_pages(room.db)] == [on_call_person]
    logged = [e.text for e in queries.timeline(room.db, incident_id) if e.kind == "page"]
    assert logged == [
        f"⚠ Cannot page {on_call_person} (escalated to level 1: On-call ({on_call_person})):"
        " no channels in the policy's contacts"
    ]
    assert room.deliver_pages(Recorder(), "w").claimed == 1  # Dana's only


def test_a_drill_says_so_in_every_page(room: WarRoom) -> None:
    incident_id = room.declare("Game day", "P2", commander="Dana Kim", drill=True)
    (page, _) = outbox(room)
    assert page.subject == f"[warroom DRILL] #{incident_id} P2 declared (availability): Game day"


def test_channels_show_their_kind_and_hide_secrets_written_in_clear() -> None:
    from warroom.domain.channels import channel_kind, expand, redacted

    assert channel_kind("mailto://a:b@host?to=x@y") == "mailto"
    assert channel_kind("hook") == "hook"
    assert redacted("mailto://bob:hunter2@mail.x?to=a@b") == "mailto://bob:***@mail.x?to=a@b"
    assert redacted("mailto://bob:${PW}@mail.x") == "mailto://bob:${PW}@mail.x"
    assert redacted("mailto://127.0.0.1:25?to=a@b&mode=insecure") == (
        "mailto://127.0.0.1:25?to=a@b&mode=insecure"
    )
    assert redacted("json://h/x?token=abc&a=1") == "json://h/x?token=***&a=1"
    env = {"PW": "s3cret"}
    assert expand("mailto://bob:${PW}@m/${PW}", env.get) == "mailto://bob:s3cret@m/s3cret"
    with pytest.raises(KeyError, match="NOPE"):
        expand("json://h/${NOPE}", env.get)


def test_a_round_told_to_stop_claims_no_more(room: WarRoom) -> None:
    for n in range(3):
        room.declare(f"incident {n}", "P3", commander="Dana Kim")  # 2 pages each
    sender = Recorder()

    def keep_going() -> bool:  # a stop asked for once two pages went out
        return len(sender.sent) < 2

    done = room.deliver_pages(sender, "w", keep_going=keep_going)
    assert done.claimed == 2 and len(sender.sent) == 2
    assert [p.state for p in outbox(room)].count("pending") == 4


def test_warnings_are_paged_for_every_chunk_of_a_sweep(
    room: WarRoom, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep reads the warnings on record a chunk of incidents at a time: each
    incident's warning is paged once, whichever chunk it is in."""
    monkeypatch.setattr(clocks, "SWEEP_CHUNK", 1)
    first = room.declare("API down", "P1", commander="Dana Kim")
    second = room.declare("Search down", "P1", commander="Dana Kim")
    room.sweep()
    clock.step(minutes=11, seconds=16)  # both inside the last quarter of their ack time
    room.sweep()
    room.sweep()
    warned = [p for p in outbox(room) if p.event == "warning"]
    assert sorted(p.subject.split()[1] for p in warned) == sorted([f"#{first}", f"#{second}"] * 2)
