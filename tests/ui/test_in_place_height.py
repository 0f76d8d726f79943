"""A pane's height is measured from its lines when none can wrap (no second wrap per
`j`/`k`): the same height Textual measures, and a pane that grows is laid out again
(its new lines shown, not cut to the old height). The header shows its text so
(`ShownLines.show_text`), the SLA and ladder panes their lines (`show_lines`)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Size

from warroom.tui.widgets.in_place import fitted_height
from warroom.tui.widgets.shown_lines import ShownLines

TEXTS = [
    "SLA\nAck by        in 4m          13:00",
    "one",
    "",
    "a\n\nb",
    "x" * 30,  # exactly the width
    "x" * 31,  # wraps: measured by Textual
    "界" * 15,  # double width, exactly fits
    "界" * 16,  # does not fit
    "short\n" + "y" * 45 + "\nend",
    "tab\there",
]


def cell_len_fits(plain: str, width: int) -> bool:
    return "\t" not in plain and all(cell_len(line) <= width for line in plain.split("\n"))


class Pane(App[None]):
    CSS = "ShownLines { width: 30; height: auto; }"

    def compose(self) -> ComposeResult:
        yield ShownLines(id="p")


async def test_fitted_height_is_textuals_and_growth_lays_out() -> None:
    app = Pane()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one("#p", ShownLines)
        width = pane.content_region.width
        assert width == 30
        for plain in TEXTS:
            text = Text(plain)
            pane.show_text(text)
            measured = pane.get_content_height(Size(0, 0), Size(0, 0), width)
            fitted = fitted_height(text, width)
            assert fitted in (None, measured), plain
            # the header's fit check (IncidentDetail.fitted) counts rows the same way
            assert fitted in (None, len(text.wrap(app.console, width))), plain
            if cell_len_fits(plain, width):
                assert fitted == measured  # lines that fit take the shortcut
        pane.show_text(Text("first incident"))
        await pilot.pause()
        assert pane.size.height == 1
        pane.show_text(Text("second incident\nrow two\nrow three"))
        await pilot.pause()
        assert pane.size.height == 3
        assert "row three" in "\n".join(
            "".join(s.text for s in pane.render_lines(pane.region.reset_offset)[i : i + 1])
            for i in range(3)
        )


class Column(App[None]):
    """A pane with a box of its own size (the ladder: the rest of the clocks column)."""

    CSS = "ShownLines { width: 30; height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield ShownLines(id="p")


async def test_a_pane_whose_box_keeps_its_size_is_repainted_not_laid_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = Column()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one("#p", ShownLines)
        pane.show_text(Text("ladder of three\n1\n2"))
        await pilot.pause()
        asked: list[bool] = []
        repaint = pane.refresh

        def refresh(*regions: object, layout: bool = False, **kwargs: object) -> object:
            asked.append(layout)
            return repaint(*regions, layout=layout, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(pane, "refresh", refresh)
        pane.show_text(Text("ladder of five\n1\n2\n3\n4"))
        await pilot.pause()
        assert asked and not any(asked)  # repainted, never laid out again
        assert pane.size.height == 20  # the box as it was
        lines = pane.render_lines(pane.region.reset_offset)
        assert "".join(s.text for s in lines[4]).startswith("4")  # its new lines shown


async def test_a_pane_redrawn_while_hidden_is_measured_again_once_shown() -> None:
    """z hides the clocks column; j/k meanwhile redraws its panes: back in view, the
    next text of the old height lays the pane out again (it stayed cut off)."""
    app = Pane()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one("#p", ShownLines)
        pane.show_text(Text("five\n1\n2\n3\n4"))
        await pilot.pause()
        assert pane.size.height == 5
        pane.display = False
        await pilot.pause()
        pane.show_text(Text("three\n1\n2"))  # j while hidden
        await pilot.pause()
        pane.display = True
        await pilot.pause()
        assert pane.size.height == 3
        pane.show_text(Text("five\n1\n2\n3\n4"))  # k: back to the first
        await pilot.pause()
        assert pane.size.height == 5


class Lines(App[None]):
    CSS = "ShownLines { width: 30; height: auto; }"

    def compose(self) -> ComposeResult:
        yield ShownLines(id="p")


async def test_a_line_pane_redrawn_while_hidden_is_measured_again_once_shown() -> None:
    """The SLA and ladder panes (`show_lines`): as the header's text above."""
    app = Lines()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one("#p", ShownLines)
        five = [("five", ""), ("1", ""), ("2", ""), ("3", ""), ("4", "")]
        pane.show_lines(five)
        await pilot.pause()
        assert pane.size.height == 5
        pane.display = False
        await pilot.pause()
        pane.show_lines([("three", ""), ("1", ""), ("2", "")])  # j while hidden
        await pilot.pause()
        pane.display = True
        await pilot.pause()
        assert pane.size.height == 3
        pane.show_lines(five)  # k: back to the first
        await pilot.pause()
        assert pane.size.height == 5
