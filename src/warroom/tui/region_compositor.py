"""A compositor that draws, for a partial update, only the widgets the update touches.

Textual's partial update (one widget changed: another console's entry in the
timeline) crops to the changed region, but picks the widgets to draw by their
*clip* (their container's area), not by where they are: every child of the screen
and of each container around the changed widget is drawn whole, then all but the
changed lines are thrown away. In the war room that was thirteen widgets for each
entry, the incident list among them, for one changed timeline.

Here a widget is drawn only when the part of it that shows (its region within its
clip) meets the crop, and only its lines within the crop's lines (whole width: the
cuts a line is divided at are the widgets' edges). What is left out adds nothing
to the update: those cells lie wholly outside the crop, on lines or columns the
update does not write, and take no cell from another widget there (the first
widget drawn for a cut wins, cut by cut). Whole-screen renders (no crop) are
Textual's own.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor  # the kind a Screen makes for itself
from textual.geometry import Region
from textual.strip import Strip


class RegionCompositor(Compositor):
    """Textual's compositor; a partial update draws only the widgets it meets."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if not crop:
            yield from super()._get_renders(crop)
            return
        top, bottom = crop.y, crop.bottom
        left, right = crop.x, crop.right
        for widget, (region, clip) in self.visible_widgets.items():
            x, y, width, height = region.intersection(clip)  # the part that shows
            if x >= right or x + width <= left or not width:
                continue
            first, end = max(y, top), min(y + height, bottom)
            if first >= end:
                continue
            # its lines within the crop, whole width (the screen's cuts are where widgets'
            # edges are); given as its clip, the part `_render_chops` places them in
            lines = Region(x, first, width, end - first)
            yield (
                region,
                lines,
                widget.render_lines(Region(x - region.x, first - region.y, width, end - first)),
            )
