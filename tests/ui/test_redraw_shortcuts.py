"""What another console's entry no longer redoes, and that the screen still shows
what a full repaint would: a long timeline's page read again after an append keeps
its entries' line counts and is repainted once (by the scroll), the timeline's
title is not set again when it reads the same, and the incident header is not
described again from the same inputs. Each check compares what is drawn (Textual's
cached lines) with what the view draws after a forced repaint, or reads the text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot

from tests.ui.helpers import HEADER_T0
from tests.ui.helpers import header_incident as incident
from warroom.domain.models import RoleAssignment, TimelineEntry
from warroom.domain.timeline_state import ShownEntry
from warroom.loaders.policy import load_policy
from warroom.store.read_model import PageRequest, TimelinePage
from warroom.tui.screens.timeline_tools import TimelineTools
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.timeline_view import TimelineView

T0 = HEADER_T0
TODAY = dt.date(2026, 11, 24)
HELD = 150  # entries a page holds


def item(number: int, **data: object) -> ShownEntry:
    at = T0 + dt.timedelta(seconds=number)
    text = f"entry {number}"
    entry = TimelineEntry(number, 1, at, at, "Ana", "ana", "note", text, dict(data), None)
    return ShownEntry(entry, pinned=False)


def newest_page(entries: tuple[ShownEntry, ...], total: int) -> TimelinePage:
    keys = tuple((e.entry.at.isoformat(), e.entry.id) for e in entries)
    newest = max(e.entry.id for e in entries)
    return TimelinePage(PageRequest(1), total, total - len(entries), entries, keys, newest)


def appended(page: TimelinePage, *added: ShownEntry) -> TimelinePage:
    """The newest page as the store reads it after rows were appended: the same
    entries (the same objects), the oldest dropped for the new ones."""
    entries = (*page.entries, *added)[-HELD:]
    return newest_page(entries, page.total + len(added))


class Host(App[None]):
    CSS: ClassVar[str] = "TimelineView { height: 14; border: round white; }"

    def compose(self) -> ComposeResult:
        yield TimelineView(tz=dt.UTC, today=TODAY)


def drawn(view: TimelineView) -> list[str]:
    """The rows as Textual holds them drawn (a row not marked dirty stays as it was)."""
    width, height = view.outer_size
    return [strip.text for strip in view.render_lines(Region(0, 0, width, height))]


async def repainted(pilot: Pilot[None], view: TimelineView) -> list[str]:
    view.refresh()
    await pilot.pause()
    return drawn(view)


async def test_appends_to_a_long_timeline_show_as_a_repaint_would() -> None:
    app = Host()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(TimelineView)
        page = newest_page(tuple(item(n) for n in range(51, 201)), 200)
        view.open_pages(page)
        await pilot.pause()
        await pilot.pause()
        for number in range(201, 207):
            page = appended(page, item(number))
            view.show_page(page)
            await pilot.pause()
            lines = drawn(view)
            assert lines == await repainted(pilot, view)
            content = [line for line in lines if "entry" in line]
            # the newest on the bottom line, marked; the one before it no longer is
            assert f"entry {number}" in content[-1] and content[-1].lstrip("│ ")[0] == "▶"
            assert f"entry {number - 1}" in content[-2] and "▶" not in content[-2]
            assert view.scroll_y == view.max_scroll_y
            assert view.virtual_size.height == view.max_scroll_y + view._height()  # noqa: SLF001

        # an entry struck in place keeps its id and wraps to more lines: counted again
        struck = dataclasses.replace(
            page.entries[-1].entry, data={"struck": True, "reason": "wrong host " * 12}
        )
        page = newest_page((*page.entries[:-1], ShownEntry(struck, pinned=False)), page.total)
        view.show_page(page)
        await pilot.pause()
        lines = drawn(view)
        assert lines == await repainted(pilot, view)
        content = [line for line in lines if "─" not in line[1:-1]]
        # the whole reason, down to its last word on the bottom line
        shown = " ".join(line.strip("│ ") for line in content)
        assert "entry 206  ✗ struck by Ana: wrong host" in shown
        assert shown.count("host") == 12 and content[-1].strip("│ ") == "host"

        # scrolled away with the cursor: appends leave the screen where it is
        view.action_cursor(-20)
        await pilot.pause()
        before = [line for line in drawn(view) if "entry" in line]
        page = appended(page, item(207), item(208))
        view.show_page(page)
        await pilot.pause()
        lines = drawn(view)
        assert lines == await repainted(pilot, view)
        assert [line for line in lines if "entry" in line] == before
        assert "entry 208" not in "".join(lines)
        view.action_cursor_to(-1)  # back to the newest: the end shows again
        await pilot.pause()
        assert "entry 208" in drawn(view)[-2]


async def test_the_title_is_set_again_only_when_it_reads_otherwise() -> None:
    app = Host()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(TimelineView)
        console = SimpleNamespace(timeline=view, zone_label="UTC", search_text="")
        TimelineTools.retitle(console)  # type: ignore[arg-type]
        await pilot.pause()
        repaints = 0
        real = view.refresh

        def counted(*args: object, **kwargs: object) -> TimelineView:
            nonlocal repaints
            repaints += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        view.refresh = counted  # type: ignore[method-assign]
        TimelineTools.retitle(console)  # type: ignore[arg-type]
        assert repaints == 0 and view.border_title == "Timeline · times in UTC"
        view.filter_name = "pinned"
        TimelineTools.retitle(console)  # type: ignore[arg-type]
        assert repaints == 1 and "showing pinned" in str(view.border_title)
        view.border_title = "set elsewhere"  # whatever set it, retitle sets it again
        view.filter_name = "all"
        TimelineTools.retitle(console)  # type: ignore[arg-type]
        assert view.border_title == "Timeline · times in UTC"
        await pilot.pause()
        assert "Timeline · times in UTC" in drawn(view)[0]


class HeaderHost(App[None]):
    def compose(self) -> ComposeResult:
        yield IncidentDetail(policy=load_policy(), tz=dt.UTC)


def header(detail: IncidentDetail) -> str:
    width, height = detail.outer_size
    return " ".join(strip.text for strip in detail.render_lines(Region(0, 0, width, height)))


async def test_the_header_shows_each_change_of_what_it_describes() -> None:
    app = HeaderHost()
    async with app.run_test(size=(100, 12)) as pilot:
        detail = app.query_one(IncidentDetail)
        roles = [RoleAssignment(7, "commander", "Dana", T0, "dana")]
        now = T0 + dt.timedelta(hours=1)
        detail.show(incident(), roles, now)
        await pilot.pause()
        described = 0
        real = detail.describe

        def counted(when: dt.datetime) -> object:
            nonlocal described
            described += 1
            return real(when)

        detail.describe = counted  # type: ignore[method-assign]
        # another console's entry: the same incident, roles, age and day
        detail.show(incident(), list(roles), now + dt.timedelta(seconds=2))
        assert described == 0
        # another console resolves it: the status shows
        detail.show(incident(status="resolved", resolved_at=now), roles, now)
        await pilot.pause()
        assert described == 1 and "RESOLVED" in header(detail)
        # a hand-off: the new commander shows
        handed = [*roles, RoleAssignment(7, "commander", "Priya", now, "dana")]
        detail.show(incident(status="resolved", resolved_at=now), handed, now)
        await pilot.pause()
        assert "Priya" in header(detail)
        # the next day the declaration is shown with its date
        tomorrow = now + dt.timedelta(days=1)
        detail.show(incident(status="resolved", resolved_at=now), handed, tomorrow)
        await pilot.pause()
        assert "Declared 2026-11-24 08:00" in header(detail)
