"""A demo war room: a handful of live incidents so the console is alive.

Everything is written through the service layer, exactly as people would have
typed it, on a clock stepped back to when each thing happened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.runbooks import Runbook
from warroom.errors import DatabaseRefused
from warroom.service import WarRoom


@dataclass(frozen=True)
class _Step:
    minutes_ago: float
    who: str
    # log:<kind> | status | severity | ack | assign:<role> | impact:<field> | update:<audience>
    # | tick (value: item key) | answer:<item key>   (both skipped without runbooks)
    # | pin | correct | promote:<owner>   (act on the entry logged last)
    # | followup:<owner> (value: text)
    action: str
    value: str = ""


@dataclass(frozen=True)
class _Story:
    title: str
    severity: str
    kind: str
    summary: str
    commander: str
    declared_minutes_ago: float
    steps: tuple[_Step, ...]
    drill: bool = False


# `{-50m}` in a story's text: the local clock time that many minutes before now,
# so "since the 08:10 deploy" stays true whenever the demo is seeded
_MINUTES_AGO = re.compile(r"\{-(\d+)m\}")

STORIES: tuple[_Story, ...] = (
    _Story(
        "Checkout API returning 503 for EU customers",
        "P0",
        "availability",
        "Checkout requests in eu-west fail with 503 since the {-50m} deploy of checkout-api.",
        "Maya Chen",
        47,
        (
            _Step(46, "Maya Chen", "ack"),
            # acknowledging and declaring tick initial-response items 1 and 2 themselves
            _Step(45, "Maya Chen", "tick", "initial-response/take-the-incident/3"),
            _Step(44, "Tom Okafor", "tick", "initial-response/open-the-channel/1"),
            _Step(
                41,
                "Priya Raman",
                "answer:rapid-assessment/triage-questions/1",
                "checkout-api in eu-west",
            ),
            _Step(
                40,
                "Maya Chen",
                "answer:rapid-assessment/triage-questions/2",
                "~60% of EU checkout sessions",
            ),
            _Step(45, "Maya Chen", "assign:scribe", "Tom Okafor"),
            _Step(45, "Maya Chen", "assign:tech-lead", "Priya Raman"),
            _Step(
                44,
                "Tom Okafor",
                "log:finding",
                "Error rate on checkout-api eu-west at 62%, started {-49m}",
            ),
            _Step(
                42,
                "Priya Raman",
                "log:finding",
                "Deploy 2026.11.23-3 went out at {-50m}; only eu-west pods affected",
            ),
            _Step(40, "Maya Chen", "impact:users", "~60% of EU checkout sessions fail"),
            _Step(40, "Maya Chen", "impact:services", "checkout-api, payments-gateway (eu-west)"),
            _Step(39, "Maya Chen", "impact:business", "about EUR 40k/h of orders at risk"),
            _Step(38, "Maya Chen", "status", "identified"),
            _Step(
                36, "Maya Chen", "log:decision", "Roll back checkout-api to 2026.11.23-2 in eu-west"
            ),
            _Step(35, "Maya Chen", "assign:comms-lead", "Sam Novak"),
            _Step(
                34,
                "Priya Raman",
                "log:action",
                "Rollback started: kubectl rollout undo deploy/checkout-api -n eu-west",
            ),
            _Step(
                33,
                "Sam Novak",
                "update:external",
                "We are currently investigating errors at checkout for customers in Europe.",
            ),
            _Step(30, "Maya Chen", "status", "fixing"),
            _Step(
                24,
                "Priya Raman",
                "log:finding",
                "Rollback blocked: migration 0412 already applied; old pods crash-loop",
            ),
            _Step(
                20,
                "Maya Chen",
                "log:decision",
                "Hot-fix forward instead of rollback; [#4411] reverts the config flag",
            ),
            _Step(19, "Tom Okafor", "pin"),
            _Step(
                18,
                "Sam Novak",
                "update:internal",
                "INCIDENT UPDATE: hot-fix forward chosen over rollback; ETA 30 min",
            ),
            _Step(
                12,
                "Tom Okafor",
                "log:todo",
                "Check whether payments-gateway retries double-charged anyone",
            ),
            _Step(11, "Maya Chen", "promote:Priya Raman"),
            _Step(
                6, "Priya Raman", "log:action", "Hot-fix 2026.11.23-4 rolling out, 3/12 pods ready"
            ),
            _Step(
                5,
                "Tom Okafor",
                "log:root-cause",
                "Config flag checkout.eu_routing defaulted on by the {-50m} deploy",
            ),
            _Step(5, "Maya Chen", "pin"),
        ),
    ),
    _Story(
        "Suspicious admin logins from unknown ASN",
        "P1",
        "security",
        "Six successful admin logins from AS-unknown in 10 minutes; accounts have MFA.",
        "Jordan Blake",
        22,
        (
            _Step(21, "Jordan Blake", "assign:security-lead", "Ines Duarte"),
            _Step(
                18,
                "Ines Duarte",
                "log:finding",
                "All six sessions used the same user agent and a valid MFA push",
            ),
            _Step(
                15,
                "Ines Duarte",
                "log:decision",
                "Revoke all admin sessions and force re-authentication",
            ),
            _Step(
                12,
                "Ines Duarte",
                "log:action",
                "Admin sessions revoked; preserved auth logs to evidence bucket",
            ),
            _Step(10, "Jordan Blake", "update:internal", "Admin sessions revoked as a precaution."),
            _Step(
                5,
                "Jordan Blake",
                "log:todo",
                "Confirm with the six admins whether they approved the MFA pushes",
            ),
        ),
    ),
    _Story(
        "Search latency p99 above 4 s",
        "P1",
        "performance",
        "Search p99 latency rose from 300 ms to 4.2 s after the index rebuild at 06:00.",
        "Priya Raman",
        190,
        (
            _Step(186, "Priya Raman", "ack"),
            _Step(
                178, "Priya Raman", "update:external", "Search is slower than usual; we are on it."
            ),
            _Step(148, "Priya Raman", "update:internal", "Shard imbalance found on search-7."),
            _Step(118, "Priya Raman", "update:internal", "Rebalance done, latency dropping."),
            _Step(88, "Priya Raman", "update:external", "Search speed is back to normal."),
            _Step(58, "Priya Raman", "update:internal", "Monitoring: p99 stable at 420 ms."),
            _Step(27, "Priya Raman", "update:internal", "Monitoring: still stable."),
            _Step(180, "Priya Raman", "impact:users", "all users; searches slow but succeed"),
            _Step(
                170,
                "Priya Raman",
                "log:finding",
                "Index rebuild left 3 shards unbalanced on node search-7",
            ),
            _Step(160, "Priya Raman", "status", "identified"),
            _Step(150, "Priya Raman", "log:action", "Rebalanced shards; throttled the reindex job"),
            _Step(120, "Priya Raman", "status", "fixing"),
            _Step(90, "Priya Raman", "log:finding", "p99 back to 420 ms"),
            _Step(88, "Priya Raman", "status", "monitoring"),
        ),
    ),
    _Story(
        "Nightly billing export missing rows for 2 tenants",
        "P2",
        "data",
        "The 02:00 billing export skipped rows for tenants acme and globex.",
        "Lee Park",
        380,
        (
            _Step(350, "Lee Park", "ack"),
            _Step(345, "Lee Park", "update:internal", "Billing export incomplete for 2 tenants."),
            _Step(229, "Lee Park", "update:internal", "Cause found: lagging replica."),
            _Step(111, "Lee Park", "update:internal", "Re-run scheduled after the backup window."),
            _Step(340, "Lee Park", "impact:business", "invoices for 2 tenants delayed"),
            _Step(
                320,
                "Lee Park",
                "log:finding",
                "Export query used a stale replica that lagged 40 min",
            ),
            _Step(300, "Lee Park", "status", "identified"),
            _Step(
                240, "Lee Park", "log:todo", "Re-run export for acme and globex from the primary"
            ),
        ),
    ),
    _Story(
        "Status page widget shows stale component state",
        "P3",
        "availability",
        "The embedded status widget caches component state for 6 h instead of 60 s.",
        "Sam Novak",
        75,
        (
            _Step(
                60,
                "Sam Novak",
                "log:note",
                "Reported by support; affects the widget only, not the page",
            ),
        ),
    ),
    _Story(
        "Login emails delayed up to 20 minutes",
        "P2",
        "performance",
        "Transactional email provider queued login emails.",
        "Lee Park",
        26 * 60,
        (
            _Step(26 * 60 - 5, "Lee Park", "ack"),
            _Step(25 * 60, "Lee Park", "status", "monitoring"),
            _Step(
                25 * 60 + 30, "Lee Park", "log:finding", "Provider queue depth at 14k, normal 200"
            ),
            _Step(25 * 60 + 20, "Lee Park", "correct", "Provider queue depth at 41k, normal 200"),
            _Step(24 * 60, "Lee Park", "status", "resolved"),
            _Step(23 * 60, "Lee Park", "log:went-well", "Support spotted it within 5 minutes"),
            _Step(23 * 60, "Lee Park", "log:went-wrong", "No alert on email delivery latency"),
            _Step(23 * 60, "Lee Park", "log:lesson", "Watch the provider's queue, not only ours"),
            _Step(23 * 60, "Lee Park", "followup:Lee Park", "Alert when login email p95 > 2 min"),
        ),
    ),
)


def _play(
    db: sqlite_utils.Database,
    policy: Policy,
    now: dt.datetime,
    story: _Story,
    runbooks: Sequence[Runbook],
    tz: dt.tzinfo,
) -> int:
    clock = FrozenClock(now - dt.timedelta(minutes=story.declared_minutes_ago))

    def told(text: str) -> str:
        """`{-50m}` in a story is the local clock time 50 minutes before now."""

        def clock_time(match: re.Match[str]) -> str:
            return f"{(now - dt.timedelta(minutes=int(match.group(1)))).astimezone(tz):%H:%M}"

        return _MINUTES_AGO.sub(clock_time, text)

    def as_(who: str) -> WarRoom:
        return WarRoom(db, clock, Actor(who, "demo"), policy, runbooks)

    incident_id = as_(story.commander).declare(
        story.title, story.severity, story.kind, told(story.summary), drill=story.drill
    )
    as_(story.commander).sweep([incident_id])  # 0-minute rungs are called at once
    last_entry = 0
    for step in sorted(story.steps, key=lambda s: -s.minutes_ago):  # in the order it happened
        clock.set(now - dt.timedelta(minutes=step.minutes_ago))
        room = as_(step.who)
        verb, _, arg = step.action.partition(":")
        value = told(step.value)
        if verb == "log":
            last_entry = room.log(incident_id, value, arg)
        elif verb == "pin":
            room.pin(last_entry)
        elif verb == "correct":
            last_entry = room.correct(last_entry, value)
        elif verb == "promote":
            room.promote(last_entry, owner=arg, due=(clock.now() + dt.timedelta(days=2)).date())
        elif verb == "followup":
            room.add_follow_up(
                incident_id, value, owner=arg, due=(clock.now() + dt.timedelta(days=7)).date()
            )
        elif verb == "status":
            room.set_status(incident_id, value)
        elif verb == "ack":
            room.acknowledge(incident_id)
        elif verb == "assign":
            room.assign_role(incident_id, arg, value)
        elif verb == "impact":
            room.set_impact(incident_id, **{arg: value})
        elif verb == "update":
            room.post_update(incident_id, value, audience=arg)
        elif verb == "tick" and runbooks:
            room.tick(incident_id, value)
        elif verb == "answer" and runbooks:
            room.answer(incident_id, arg, value)
        room.sweep([incident_id])  # what fell due by then is on the record, dated right
    clock.set(now)
    as_(story.commander).sweep([incident_id])
    return incident_id


def seed_demo(
    path: Path,
    policy: Policy,
    now: dt.datetime,
    runbooks: Sequence[Runbook] = (),
    tz: dt.tzinfo = dt.UTC,
) -> list[int]:
    """Create a fresh demo database at `path`; returns the incident ids.

    An existing demo database there is replaced; any other file is refused.
    """
    if path.exists() and path.stat().st_size > 0:
        existing = store.connect(path, create=False)
        try:
            if not store.is_demo(existing):
                raise DatabaseRefused(
                    f"{path} already holds a warroom database that is not a demo; "
                    "refusing to replace it (choose another --db)"
                )
        finally:
            existing.conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = store.connect(path)
    try:
        store.mark_demo(db)
        return [_play(db, policy, now, story, runbooks, tz) for story in STORIES]
    finally:
        db.conn.close()
