"""Start-up does no work for what is not shown: the footer is built again only when
what it shows changes, and the dialogs, the service and the palette provider load
when first used (the console still opens them)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey, FooterLabel

from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.keys_footer import KeysFooter


def footer_keys(app: WarRoomApp) -> list[FooterKey]:
    return list(app.war_room.query_one(KeysFooter).query(FooterKey))


def footer_label(app: WarRoomApp) -> str:
    labels = app.war_room.query_one(KeysFooter).query(FooterLabel)
    return str(labels.first().render()) if labels else ""


async def test_the_footer_is_rebuilt_only_when_what_it_shows_changes(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    room.declare("Checkout errors", "P1")
    room.declare("Slow search", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: footer_label(app) == "keys → incident list")
        before = footer_keys(app)
        assert {"acknowledge", "escalate"} <= {key.action for key in before}
        # the bindings may have changed (Textual says so on focus, resume, ...): they
        # did not, so the very same keys stay
        screen = app.war_room
        screen.bindings_updated_signal.publish(screen)
        await pilot.press("j")
        await pilot.pause()
        assert footer_keys(app) == before
        # the focus moves: the footer says where and offers what applies there
        await pilot.press("l")
        await wait_for(pilot, lambda: footer_label(app).startswith("✎ TYPING"))
        assert "acknowledge" not in {key.action for key in footer_keys(app)}
        await pilot.press("escape")
        await wait_for(pilot, lambda: footer_label(app) == "keys → incident list")
        assert {"acknowledge", "escalate"} <= {key.action for key in footer_keys(app)}


def test_opening_the_console_module_loads_no_dialog_service_or_palette() -> None:
    probe = textwrap.dedent(
        """
        import sys
        import warroom.tui.app
        late = ("warroom.service", "warroom.tui.palette", "warroom.tui.dialogs.composer",
                "warroom.tui.dialogs.declare", "warroom.tui.dialogs.form", "warroom.composer",
                "warroom.notify",
                # the watcher's thread loads ctypes (inotify) once the first frame is out;
                # YAML and sqlite-utils come only with a parse or a migration
                "ctypes", "yaml", "sqlite_utils")
        print(",".join(name for name in late if name in sys.modules))
        """
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


async def test_footer_keys_are_styled_once_when_the_footer_is_built(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A footer key used to be restyled twice as it mounted (its own `compact`
    default, then the footer's value bound to it): ~40 style passes per rebuild."""
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    room.declare("Checkout errors", "P1")
    restyled: list[FooterKey] = []
    update_node_styles = FooterKey.update_node_styles

    def counted(key: FooterKey, animate: bool = True) -> None:
        restyled.append(key)
        update_node_styles(key, animate=animate)

    monkeypatch.setattr(FooterKey, "update_node_styles", counted)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: footer_label(app) == "keys → incident list")
        keys = footer_keys(app)
        assert keys
        assert [key for key in restyled if not key.has_class("-command-palette")] == []
        # the footer is not compact, nor are its keys (the palette's own key keeps its
        # compact look: it is not bound to the footer)
        bound = [key for key in keys if not key.has_class("-command-palette")]
        assert bound and not any(key.has_class("-compact") for key in bound)
        # the footer's compactness still reaches its keys
        footer = app.war_room.query_one(KeysFooter)
        footer.compact = True
        await pilot.pause()
        assert all(key.compact and key.has_class("-compact") for key in footer_keys(app))


async def test_a_second_console_start_parses_no_tcss(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console's sheet and its widgets' default CSS are parsed once and kept
    (tui/kept_css.py); the console looks the same from the kept parse."""
    from textual.css import stylesheet as textual_stylesheet

    parsed: list[str] = []
    parse = textual_stylesheet.parse

    def counted(scope: str, css: str, *args: object, **kwargs: object) -> object:
        parsed.append(css)
        return parse(scope, css, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(textual_stylesheet, "parse", counted)
    WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy()).declare(
        "Checkout errors", "P1"
    )
    looks = []
    for start in range(2):
        app = make_app(db_path, clock)
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            looks.append(app.war_room.query_one(KeysFooter).styles.background)
            if start == 0:
                assert parsed  # the first start parsed them
                parsed.clear()
    assert parsed == []
    assert looks[0] == looks[1]


@pytest.mark.parametrize("ready_event", [True, False])
async def test_collecting_paused_for_start_up_runs_again_with_or_without_ready(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, ready_event: bool
) -> None:
    """`warroom` pauses the collector before the console's imports; the first frame
    (the app's Ready, or the screen's first refresh if Ready did not come) turns it on."""
    import gc

    from warroom.tui import start_up_gc

    WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy()).declare(
        "Checkout errors", "P1"
    )
    if not ready_event:
        monkeypatch.setattr(WarRoomApp, "on_ready", lambda app: None)
    app = make_app(db_path, clock)
    start_up_gc.pause_collections()  # as `warroom` does before the console's imports
    try:
        assert not gc.isenabled()
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            assert app.war_room.table.order
            assert gc.isenabled()
    finally:
        start_up_gc.resume_collections()
        start_up_gc.release_full_collections()
        gc.unfreeze()
