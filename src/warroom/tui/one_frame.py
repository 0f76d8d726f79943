"""What one action changes on the screen goes out in one frame.

Textual hands a widget's repaint to its screen from the widget's own task: the
widget is refreshed, its queue runs dry, its Idle posts `Update` to the screen,
and the screen's frame timer can fire in between. A j/k moves the list's cursor
first (the list's repaint reaches the screen before the selection does), then the
screen fills the detail, deadlines and timeline of the incident now selected; the
frame went out with the cursor on the new row beside the old incident, and the new
incident was drawn one or two frames later (in a pty on a slow day: the cursor
15 ms after the key, the incident 37-63 ms).

`hand_over` does for a pane now what each widget's Idle would do later (Textual's
`Widget._check_refresh`): a repaint, layout or scroll asked for is posted to the
screen at once. Called from the screen's own task, the screen takes those messages
before it yields, so its next frame draws them with the cursor. A widget's Idle
finds nothing left to hand over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


def hand_over(pane: Widget) -> None:
    """Post what `pane` and the widgets in it were asked to draw to their screen now."""
    for widget in pane.walk_children(Widget, with_self=True):
        # (the flags `_check_refresh` looks at, read first: it finds the screen first,
        # a walk up the tree, for each widget of each snapshot)
        if (
            widget._repaint_required  # noqa: SLF001
            or widget._layout_required  # noqa: SLF001
            or widget._scroll_required  # noqa: SLF001
            or widget._refresh_styles_required  # noqa: SLF001
        ):
            widget._check_refresh()  # noqa: SLF001 - what the widget's own Idle runs


def draw_soon(screen: Screen[Any]) -> None:
    """Draw what the screen was handed, once it has taken it (the `Update` and `Layout`
    messages `hand_over` posted come first in its queue), not at its frame timer's
    next tick.

    For what arrives just after a frame went out: a key's incident read for it (not held
    ahead) comes a few ms after the frame that moved the cursor. Textual's frame timer,
    paused while nothing changes, ticks at once when something does; but the tick after
    that, past a pause, is one to two frames away, not at most one (its skip over the
    ticks missed counts one tick too many): the incident was drawn 23-36 ms after the
    key, where the read took ~1 ms. One frame more per key, at most.
    """
    screen.call_later(_draw_now, screen)


def _draw_now(screen: Screen[Any]) -> None:
    if not screen.is_current or screen.app._batch_count:  # noqa: SLF001 - as the timer
        return  # a batch under way: its end asks for the frame
    if (
        screen._layout_required  # noqa: SLF001 - what the frame timer's tick looks at
        or screen._scroll_required  # noqa: SLF001
        or screen._repaint_required  # noqa: SLF001
        or screen._dirty_widgets  # noqa: SLF001
    ):
        screen._on_timer_update()  # noqa: SLF001 - the frame timer's own tick
