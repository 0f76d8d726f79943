"""The on-call rota: hand-over to the second, across DST and seen from other zones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.rota import Contact, Rota, RotaWeek, find_contact, on_call, worked_out
from warroom.loaders.policy import check_policy_file, load_policy

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
SEC = dt.timedelta(seconds=1)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"

# Hand-over Monday 09:00 Berlin time; Ana's week starts Monday 2026-03-16.
ROTA = Rota(
    name="On-call",
    zone="Europe/Berlin",
    handover_day=0,
    handover_time=dt.time(9, 0),
    start=dt.date(2026, 3, 16),
    weeks=(RotaWeek("Ana", "Ben"), RotaWeek("Ben", "Chen"), RotaWeek("Chen", "Ana")),
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def test_hand_over_happens_exactly_at_the_hour() -> None:
    handover = dt.datetime(2026, 3, 23, 9, 0, tzinfo=BERLIN)  # CET, 08:00 UTC
    assert on_call(ROTA, handover - SEC).primary == "Ana"
    at = on_call(ROTA, handover)
    assert (at.primary, at.secondary) == ("Ben", "Chen")
    assert at.since == utc(2026, 3, 23, 8, 0)
    assert on_call(ROTA, handover + SEC).primary == "Ben"


def test_the_dst_week_is_an_hour_short_and_hands_over_at_local_nine() -> None:
    # Berlin springs forward on Sunday 2026-03-29: Monday 30th 09:00 CEST is 07:00 UTC.
    week = on_call(ROTA, utc(2026, 3, 26, 12, 0))
    assert week.primary == "Ben"
    assert week.until == utc(2026, 3, 30, 7, 0)
    assert week.until - week.since == dt.timedelta(hours=167)
    assert on_call(ROTA, utc(2026, 3, 30, 6, 59, 59)).primary == "Ben"
    assert on_call(ROTA, utc(2026, 3, 30, 7, 0, 0)).primary == "Chen"


def test_the_autumn_week_is_an_hour_long() -> None:
    # Berlin falls back on Sunday 2026-10-25: Monday 26th 09:00 CET is 08:00 UTC.
    week = on_call(ROTA, utc(2026, 10, 22, 12, 0))
    assert week.until == utc(2026, 10, 26, 8, 0)
    assert week.until - week.since == dt.timedelta(hours=169)
    before, after = on_call(ROTA, utc(2026, 10, 26, 7, 59, 59)), on_call(ROTA, utc(2026, 10, 26, 8))
    assert before.primary != after.primary
    assert after.since == utc(2026, 10, 26, 8, 0)


def test_any_zone_asks_the_same_question() -> None:
    # Monday 2026-03-23 17:00 in Tokyo is 09:00 Berlin: the new week has begun.
    assert on_call(ROTA, dt.datetime(2026, 3, 23, 17, 0, tzinfo=TOKYO)).primary == "Ben"
    assert on_call(ROTA, dt.datetime(2026, 3, 23, 16, 59, 59, tzinfo=TOKYO)).primary == "Ana"
    # and 03:00 New York time (EDT since 8 March) is 08:00 Berlin: still Ana
    assert on_call(ROTA, dt.datetime(2026, 3, 23, 3, 0, tzinfo=NEW_YORK)).primary == "Ana"


def test_a_rota_kept_in_new_york() -> None:
    # The fixture's rota hands over Wednesdays at 10:00 New York time.
    policy = check_policy_file(FIXTURES / "sev5.yaml")
    assert policy.rota is not None
    wednesday = dt.datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)  # EST: 15:00 UTC
    before, after = on_call(policy.rota, wednesday - SEC), on_call(policy.rota, wednesday)
    assert (before.primary, after.primary) == ("Tom Berg", "Priya Nair")
    assert after.since == utc(2026, 11, 25, 15, 0)
    assert after.until == utc(2026, 12, 2, 15, 0)


def test_weeks_repeat_and_run_back_before_the_start() -> None:
    assert on_call(ROTA, utc(2026, 4, 7, 12)).primary == "Ana"  # three weeks on
    assert on_call(ROTA, utc(2026, 3, 10, 12)).primary == "Chen"  # the week before start
    assert on_call(ROTA, utc(2025, 12, 24, 12)).primary in {"Ana", "Ben", "Chen"}


def test_the_default_rota_names_someone_for_any_moment() -> None:
    policy = load_policy()
    assert policy.rota is not None
    names = {w.primary for w in policy.rota.weeks}
    start = utc(2026, 1, 1)
    seen = {
        on_call(policy.rota, start + dt.timedelta(hours=h)).primary for h in range(0, 24 * 30, 7)
    }
    assert seen == names


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        on_call(ROTA, dt.datetime(2026, 3, 23, 9, 0))


def test_contacts_are_found_by_name_in_any_case() -> None:
    people = (Contact("Ana Lima", phone="+44 1"), Contact("Ben Okafor", chat="@ben"))
    assert find_contact(people, "  ana LIMA ") == people[0]
    assert find_contact(people, "Ana") is None
    assert people[1].reach() == "@ben"


@pytest.mark.parametrize(
    ("zone", "day", "time"),
    [
        ("Europe/Berlin", 0, dt.time(9, 0)),
        ("America/New_York", 6, dt.time(2, 30)),  # Sunday 02:30: skipped and repeated
        ("Australia/Lord_Howe", 6, dt.time(1, 45)),  # half-hour DST
        ("Pacific/Apia", 4, dt.time(0, 0)),  # a zone that skipped a whole day (2011)
    ],
)
def test_the_kept_pair_is_the_pair_worked_out_afresh(zone: str, day: int, time: dt.time) -> None:
    """`on_call` keeps the last pair while `at` is inside its hand-overs: asked in any
    order, around DST changes, it answers what working it out again would."""
    rota = Rota("On-call", zone, day, time, dt.date(2011, 1, 3), ROTA.weeks)
    other = Rota("Backup", zone, (day + 3) % 7, time, dt.date(2011, 1, 3), ROTA.weeks[:2])
    moments = [
        start + dt.timedelta(minutes=step * 17)
        for start in (utc(2011, 12, 25), utc(2026, 3, 5), utc(2026, 10, 20))
        for step in range(0, 60 * 24 * 40 // 17)
    ]
    for order in (moments, moments[::-1], moments[::7] + moments[3::5]):
        for at in order:
            for each in (rota, other):
                assert on_call(each, at) == worked_out(each, at.astimezone(dt.UTC))
