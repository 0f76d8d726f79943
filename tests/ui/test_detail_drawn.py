"""The incident header draws its rows itself (`ShownLines.show_text`): each row is
what Textual drew from the header's text, character for character and style for
style (the offset a mouse selection reads too), for titles that wrap, wide and
combining characters, text that looks like markup, no roles, the compact header,
after a theme change and a resize; a selection still copies what it covers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content

from tests.ui.drawn_rows import assert_drawn_as_textual_draws, drawn
from tests.ui.helpers import HEADER_T0, make_app, ready, wait_for
from tests.ui.helpers import header_incident as incident
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor, Incident, RoleAssignment
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.shown_lines import ShownLines

T0 = HEADER_T0
NOW = T0 + dt.timedelta(hours=1, minutes=7)
LONG = "Checkout API returning 503 for EU customers paying by card since the 08:10 deploy"
WIDE = "決済APIが応答しない 🔥 カード決済の失敗が続いている ⚠️ 東京リージョン全体"


def role(name: str, person: str) -> RoleAssignment:
    return RoleAssignment(7, name, person, T0, "dana")


ROLES = [role("commander", "Dana"), role("scribe", "Tom Okafor"), role("comms-lead", "Sam Novak")]

HEADERS: dict[str, tuple[Incident | None, list[RoleAssignment]]] = {
    "plain": (incident(summary="Card payments fail", impact_users="EU"), ROLES),
    "a title that wraps": (incident(title=LONG + " of the payments gateway"), ROLES),
    "wide characters": (
        incident(title=WIDE, summary="東京で障害 📉", impact_users="全ユーザー 👥"),
        [role("commander", "佐藤 花子")],
    ),
    "wide characters that wrap": (incident(title=WIDE * 2), ROLES),
    "combining characters": (incident(title="e\u0301" * 40 + " café"), ROLES),
    "markup as typed": (
        incident(
            title="[bold]ledger[/bold] down [link=https://x]",
            impact_services="[red]checkout[/red]",
            summary="[reverse]not[/reverse] markup",
        ),
        [role("commander", "[i]Bo[/i]")],
    ),
    "no roles": (incident(), []),
    "drill, acknowledged": (
        incident(drill=True, acknowledged_at=T0 + dt.timedelta(minutes=4)),
        ROLES,
    ),
    "control characters": (incident(title="evil\x1b[2J\x9b2J\r\x07 title", summary="a\tb"), ROLES),
    "a summary of lines": (incident(summary="first\n\n\tthird line, indented"), ROLES),
    "no incident": (None, []),
}


class HeaderHost(App[None]):
    """The header alone, with the console's rules for it (`.short`: 80×24's rows)."""

    CSS = """
    IncidentDetail { height: auto; max-height: 6; padding: 0 1; }
    .short IncidentDetail { max-height: 3; }
    """

    def compose(self) -> ComposeResult:
        yield IncidentDetail(policy=load_policy(), tz=dt.UTC)


@pytest.mark.parametrize("name", HEADERS)
async def test_each_header_is_drawn_as_textual_draws_its_text(name: str) -> None:
    shown, roles = HEADERS[name]
    app = HeaderHost()
    async with app.run_test(size=(100, 12)) as pilot:
        detail = app.query_one(IncidentDetail)
        for size, short in (((100, 12), False), ((60, 12), False), ((100, 12), True)):
            await pilot.resize_terminal(*size)
            app.screen.set_class(short, "short")
            detail.show(shown, roles, NOW)
            await pilot.pause()
            await pilot.pause()
            rows = "\n".join(row.text for row in drawn(detail))
            assert rows.strip()
            if name == "markup as typed":
                assert "[bold]ledger[/bold] down" in rows
            assert_drawn_as_textual_draws(detail)


async def test_a_header_whose_lines_fit_is_drawn_without_wrapping_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Textual wrapped and formatted the whole header again for each incident; a line
    that fits is drawn as it is, and a line that does not is wrapped alone."""
    wrapped: list[str] = []
    real = Content._wrap_and_format  # noqa: SLF001

    def counted(self: Content, *args: object, **kwargs: object) -> object:
        wrapped.append(self.plain)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Content, "_wrap_and_format", counted)
    app = HeaderHost()
    async with app.run_test(size=(100, 12)) as pilot:
        detail = app.query_one(IncidentDetail)
        detail.show(incident(), ROLES, NOW)  # (laid out: its height measured from its text)
        await pilot.pause()
        wrapped.clear()
        detail.show(incident(id=8, title="Checkout 504s"), ROLES, NOW)  # as many rows
        await pilot.pause()
        assert drawn(detail)[0].text.startswith("#8 Checkout 504s")
        assert wrapped == []
        detail.show(incident(title=LONG + " of the gateway"), ROLES, NOW)
        await pilot.pause()
        wrapped.clear()
        title = LONG + " of the ledger and of the gateway"
        detail.show(incident(id=8, title=title), ROLES, NOW)
        await pilot.pause()
        rows = [row.text.rstrip() for row in drawn(detail)]
        assert rows[1] and " ".join(rows[:2]) == "#8 " + title
        # the title's line alone is wrapped to draw it (the height is measured from
        # the whole text, as Textual measures a text with a line that wraps)
        assert [plain for plain in wrapped if "\n" not in plain] == ["#8 " + title]


async def test_a_line_shown_again_at_its_place_is_the_same_row() -> None:
    """The next incident's header often repeats a line (the impact not known yet):
    that row is the one drawn before, so its finish is kept too (`KeptStrips`)."""
    app = HeaderHost()
    async with app.run_test(size=(100, 12)) as pilot:
        detail = app.query_one(IncidentDetail)
        detail.show(incident(summary="one"), ROLES, NOW)
        await pilot.pause()
        before = drawn(detail)
        detail.show(incident(id=8, summary="two"), ROLES, NOW)
        await pilot.pause()
        after = drawn(detail)
        assert after[0] is not before[0] and after[0].text.startswith("#8")
        assert after[4].text.startswith("Impact   users: ?")
        assert after[4] is before[4]


def declared(db_path: Path, clock: FrozenClock) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    first = room.declare(
        LONG,
        "P1",
        summary="Checkout requests in eu-west fail with 503 since the 08:10 deploy.",
        drill=True,
        impact={"users": "every EU customer paying by card", "services": "[bold]ledger[/bold]"},
    )
    room.assign_role(first, "scribe", "Tom Okafor")
    room.assign_role(first, "comms-lead", "Sam Novak")
    room.declare(WIDE, "P2", summary="東京で障害 📉", impact={"users": "全ユーザー 👥"})
    room.declare("Checkout errors at the EU edge", "P3", commander="[i]Bo[/i]")


def header_rows(app: WarRoomApp) -> list[str]:
    return [row.text for row in drawn(app.war_room.query_one(IncidentDetail))]


async def test_the_consoles_header_is_drawn_as_textual_draws_it(
    db_path: Path, clock: FrozenClock
) -> None:
    """j/k through the incidents at 80×24 (compact), 100×30 and 120×36, then a theme."""
    declared(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        detail = app.war_room.query_one(IncidentDetail)
        for size in ((80, 24), (120, 36), (100, 30)):
            await pilot.resize_terminal(*size)
            for key in ("j", "j", "k", "k"):
                await pilot.pause()
                await pilot.pause()
                assert_drawn_as_textual_draws(detail)
                if size == (80, 24):  # compact: three rows
                    assert len([row for row in header_rows(app) if row.strip()]) == 3
                await pilot.press(key)
        await pilot.pause()
        before = drawn(detail)[0]
        app.theme = "gruvbox"
        await pilot.pause()
        after = drawn(detail)[0]
        assert_drawn_as_textual_draws(detail)
        assert [s.style for s in after] != [s.style for s in before]  # its colours changed


async def test_a_selection_across_the_header_copies_what_it_covers(
    db_path: Path, clock: FrozenClock
) -> None:
    """A drag from the title's third word to the second line's status: the offsets the
    drawn rows carry say where the selection starts and ends."""
    declared(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        detail = app.war_room.query_one(IncidentDetail)
        await wait_for(pilot, lambda: header_rows(app)[0].startswith("#1 Checkout API"))
        start = header_rows(app)[0].index("returning") + 1  # (the padding's column)
        end = header_rows(app)[1].index("INVESTIGATING") + len("INVESTIGATING")  # its last letter
        await pilot.mouse_down(detail, offset=(start, 0))
        await pilot.hover(detail, offset=(end, 1))
        await pilot.mouse_up(detail, offset=(end, 1))
        await pilot.pause()
        assert detail.text_selection is not None
        assert_drawn_as_textual_draws(detail)  # a selection: drawn as Static draws it
        await pilot.press("ctrl+c")
        assert app.clipboard == LONG[13:] + "  [DRILL]\nP1 High · INVESTIGATING"


def overlapping() -> Text:
    text = Text("red over blue, bold under dim\nthe second line", style="italic")
    text.stylize("blue", 0, 20)
    text.stylize("red", 4, 34)  # (over the newline: on both lines)
    text.stylize("bold", 0, 40)
    text.stylize("dim", 10, 12)
    text.stylize("underline", 5, 5)  # (nothing under it)
    return text


def spanned_text(plain: str, *spans: tuple[int, int, str | Style]) -> Text:
    text = Text(plain)
    for start, end, style in spans:
        text.stylize(style, start, end)
    return text


TEXTS = {
    "overlapping spans": overlapping(),
    "blank lines": spanned_text("a\n\n  \nb  \n", (0, 3, "bold"), (5, 9, "reverse")),
    "spans over a wrap": spanned_text("word " * 20, (3, 48, "bold"), (30, 90, "on red")),
    "a tab": spanned_text("a\tb\tc", (0, 3, "bold")),
    "a Rich style": spanned_text("click me", (0, 5, Style(bold=True, meta={"@click": "bell"}))),
    "a carriage return": spanned_text("a\rb\ncd", (4, 6, "bold")),  # (Rich drops it: "d")
    "empty": Text(""),
}


class TextPane(App[None]):
    CSS = "ShownLines { height: auto; padding: 0 1; width: 42; }"

    def compose(self) -> ComposeResult:
        yield ShownLines()


@pytest.mark.parametrize("name", TEXTS)
async def test_a_text_is_drawn_as_textual_draws_it(name: str) -> None:
    """`show_text` reads a `Text` as `Content` does: overlapping spans (the later
    over the earlier), the text's own style under them, spans cut at lines and
    wraps; a text it does not read (a Rich style on a span) is drawn Textual's way."""
    app = TextPane()
    async with app.run_test(size=(60, 12)) as pilot:
        pane = app.query_one(ShownLines)
        pane.show_text(TEXTS[name])
        await pilot.pause()
        assert pane.content is TEXTS[name]
        assert_drawn_as_textual_draws(pane)
