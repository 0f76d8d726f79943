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

from textual.widget import Widget


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
