"""A compositor that draws, for a partial update, only the widgets the update shows.

Textual's partial update (one widget changed: another console's entry in the
timeline) crops to the changed region, but picks the widgets to draw by their
*clip* (their container's area), not by where they are: every child of the screen
and of each container around the changed widget is drawn whole, then all but the
changed lines are thrown away. In the war room that was thirteen widgets for each
entry, the incident list among them, for one changed timeline.

Here, for a partial update, a widget is drawn only when the part of it that shows
(its region within its clip) meets the crop, only its lines within the crop's lines
(whole width: a line is divided at the widgets' edges, its cuts), and only when it
would still fill a piece of the screen inside the crop. The screen is filled front
to back and the first widget to fill a piece (a line between two cuts) wins, so a
container whose pieces in the crop are all filled by its children already adds
nothing. What is left out lies wholly outside the crop or under what was drawn:
cells the update does not write. Whole-screen renders are Textual's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from textual._compositor import Compositor  # the kind a Screen makes for itself
from textual.geometry import Region
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget


class RegionCompositor(Compositor):
    """Textual's compositor; a partial update draws only the widgets it shows."""

    def __init__(self) -> None:
        super().__init__()
        # the visible widgets they were worked out for, and each one's part that shows
        self._parts: tuple[object, list[tuple[Widget, Region, int, int, int, int]]] | None = None

    def clear(self) -> None:
        """Textual's clear; the parts kept go too (they hold the old widgets)."""
        super().clear()
        self._parts = None

    def _showing(self) -> list[tuple[Widget, Region, int, int, int, int]]:
        """Front to back: each visible widget, its region and the part of it that shows
        (x, y, width, height), worked out once per arrangement (Textual makes a new
        `visible_widgets` for each, never changing one in place), not once per frame."""
        widgets = self.visible_widgets
        kept = self._parts
        if kept is None or kept[0] is not widgets:
            parts = []
            for widget, (region, clip) in widgets.items():
                x, y, width, height = region.intersection(clip)
                if width and height:
                    parts.append((widget, region, x, y, width, height))
            kept = self._parts = (widgets, parts)
        return kept[1]

    def _meeting(self, crop: Region) -> Iterator[tuple[Widget, Region, Region]]:
        """Front to back: each widget that shows inside `crop`, with its region and
        the part of it to draw (its lines within the crop's lines, whole width)."""
        top, bottom = crop.y, crop.bottom
        left, right = crop.x, crop.right
        for widget, region, x, y, width, height in self._showing():
            if x >= right or x + width <= left:
                continue
            first, end = max(y, top), min(y + height, bottom)
            if first < end:
                yield widget, region, Region(x, first, width, end - first)

    def _render_chops(
        self, crop: Region, is_rendered_line: Callable[[int], bool]
    ) -> Sequence[Mapping[int, Strip]]:
        if crop == self.size.region:
            return super()._render_chops(crop, is_rendered_line)
        cuts = self.cuts
        top, bottom = crop.y, crop.bottom  # the update reads only the lines it crops to
        chops: list[dict[int, Strip | None]] = [
            dict.fromkeys(line[:-1]) if top <= y < bottom else {} for y, line in enumerate(cuts)
        ]
        left, right = crop.x, crop.right
        for widget, region, part in self._meeting(crop):
            x, first, width, height = part
            end_x = x + width
            lines = [y for y in range(first, first + height) if is_rendered_line(y)]
            if all(_filled(chops[y], cuts[y], x, end_x, left, right) for y in lines):
                continue  # everything it would show here is drawn over already
            strips = widget.render_lines(Region(x - region.x, first - region.y, width, height))
            # as Textual fills them (`Compositor._render_chops`)
            for y, strip in zip(range(first, first + height), strips, strict=False):
                if not is_rendered_line(y):
                    continue
                line = chops[y]
                at = [cut for cut in cuts[y] if end_x >= cut >= x]
                for cut, piece in zip(at, strip.divide([cut - x for cut in at[1:]]), strict=False):
                    if line.get(cut) is None:
                        line[cut] = piece
        return chops  # type: ignore[return-value]  # every piece in the crop is filled


def _filled(
    line: dict[int, Strip | None], cuts: list[int], x: int, end_x: int, left: int, right: int
) -> bool:
    """Whether every piece of `line` from `x` to `end_x` that lies in the crop's columns
    (`left` to `right`) is filled already."""
    for cut, after in pairwise(cuts):
        if cut >= end_x or cut >= right:
            return True
        if cut >= x and after > left and line[cut] is None:
            return False
    return True
