"""A scrollbar as drawn, and as a repaint of it would draw it (the steady-scrollbar tests
compare the two after each change)."""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Region
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar


def bar_drawn(bar: ScrollBar) -> list[list[Segment]]:
    width, height = bar.outer_size
    strips = bar.render_lines(Region(0, 0, width, height))
    return [[Segment(s.text, s.style) for s in strip] for strip in strips]


async def repainted(pilot: Pilot[None], bar: ScrollBar) -> list[list[Segment]]:
    bar.refresh()
    await pilot.pause()
    return bar_drawn(bar)


class Repaints:
    """Counts the times a scrollbar's content is drawn again (`count`; a test may set it
    back to leave its own repaints out)."""

    def __init__(self, bar: ScrollBar) -> None:
        self.count = 0
        real = bar._render_content  # noqa: SLF001 - what a repaint runs

        def counted() -> None:
            self.count += 1
            real()

        bar._render_content = counted  # type: ignore[method-assign]  # noqa: SLF001
