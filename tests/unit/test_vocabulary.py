"""What people type is understood, and what is refused is named."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from warroom.domain import lifecycle
from warroom.domain.entries import parse_typed_entry
from warroom.domain.timefmt import format_age, format_when, parse_user_time
from warroom.domain.vocabulary import parse_role, parse_status, split_entry_prefix
from warroom.errors import InvalidInput

NOW = dt.datetime(2026, 11, 23, 0, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("Tech Lead", "tech-lead"),
        ("tech_lead", "tech-lead"),
        ("IC", "commander"),
        ("Incident Commander", "commander"),
        ("comms-lead", "comms-lead"),
        ("SME", "sme"),
    ],
)
def test_roles_as_people_say_them(typed: str, role: str) -> None:
    assert parse_role(typed) == role


def test_unknown_values_list_the_accepted_ones() -> None:
    with pytest.raises(
        InvalidInput, match=r"unknown status 'done' \(expected one of: investigating"
    ):
        parse_status("done")
    with pytest.raises(InvalidInput, match="unknown role 'janitor'"):
        parse_role("janitor")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("d: roll back", ("decision", "roll back")),
        ("A: restart pods", ("action", "restart pods")),
        ("todo: check billing", ("todo", "check billing")),
        ("f: 5xx at 40%", ("finding", "5xx at 40%")),
        ("see http://x: y", ("note", "see http://x: y")),
        ("a:b", ("note", "a:b")),
        ("[bold]x[/] done", ("note", "[bold]x[/] done")),
    ],
)
def test_entry_prefixes(typed: str, expected: tuple[str, str]) -> None:
    assert split_entry_prefix(typed) == expected


def test_leading_time_backdates_to_the_most_recent_such_moment() -> None:
    entry = parse_typed_entry("23:50 f: saw 5xx spike", NOW, dt.UTC)
    assert entry.kind == "finding" and entry.text == "saw 5xx spike"
    assert entry.at == dt.datetime(2026, 11, 22, 23, 50, tzinfo=dt.UTC)
    same_day = parse_typed_entry("00:05 note", NOW, dt.UTC)
    assert same_day.at == dt.datetime(2026, 11, 23, 0, 5, tzinfo=dt.UTC)
    assert parse_typed_entry("no time here", NOW, dt.UTC).at is None


def test_local_time_zone_is_used_for_typed_times() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    at = parse_user_time("09:30", dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC), berlin)
    assert at == dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="not a time"):
        parse_user_time("half past", NOW, dt.UTC)


def test_times_show_zone_and_date_only_when_not_today() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    assert format_when(dt.datetime(2026, 11, 23, 8, 2, 5, tzinfo=dt.UTC), now, berlin) == (
        "09:02:05 CET"
    )
    assert format_when(dt.datetime(2026, 11, 22, 8, 2, tzinfo=dt.UTC), now, berlin) == (
        "2026-11-22 09:02 CET"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45s"), (12 * 60, "12m"), (3600 + 4 * 60, "1h 04m"), (2 * 86400 + 3 * 3600, "2d 03h")],
)
def test_ages(seconds: int, text: str) -> None:
    assert format_age(NOW - dt.timedelta(seconds=seconds), NOW) == text


def test_lifecycle_allows_reopen_but_not_after_close() -> None:
    assert "fixing" in lifecycle.allowed_next("resolved")
    assert lifecycle.allowed_next("closed") == []
    with pytest.raises(InvalidInput, match="cannot go from investigating to closed"):
        lifecycle.check_transition("investigating", "closed")


def test_machine_zone_follows_tz_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from warroom.loaders.zone import local_zone

    monkeypatch.setenv("TZ", "Europe/Berlin")
    zone = local_zone()
    summer = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC).astimezone(zone)
    winter = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC).astimezone(zone)
    assert (summer.strftime("%Z"), winter.strftime("%Z")) == ("CEST", "CET")
    with pytest.raises(KeyError):  # ZoneInfoNotFoundError: the CLI names it
        local_zone("Mars/Olympus")
