"""The console's TCSS is parsed once and kept between starts (tui/kept_css.py): a
kept parse is used only for the very same source, place, way of applying it and
theme variables, and a source with errors is parsed (and reported) every time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.css import stylesheet as textual_stylesheet

from warroom.tui.kept_css import KeptStylesheet

SHEET = """
#incidents { height: 10; }
#detail { color: $accent; }
"""
PLACE = ("/x/warroom.tcss", "")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources Textual's parser really parsed."""
    seen: list[str] = []
    parse = textual_stylesheet.parse

    def counted(scope: str, css: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        seen.append(css)
        return parse(scope, css, *args, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counted)
    return seen


def rules_css(sheet: KeptStylesheet, css: str = SHEET, place: Any = PLACE) -> str:
    return "\n".join(rule.css for rule in sheet._parse_rules(css, place))  # noqa: SLF001


def test_a_second_start_reads_the_kept_parse(parses: list[str]) -> None:
    first = rules_css(KeptStylesheet(variables={"accent": "red"}))
    again = rules_css(KeptStylesheet(variables={"accent": "red"}))  # a new process, as it were
    assert again == first
    assert "height: 10" in again
    assert parses == [SHEET]  # parsed once, then read back


def test_an_edited_sheet_is_parsed_again(parses: list[str]) -> None:
    rules_css(KeptStylesheet(variables={"accent": "red"}))
    edited = SHEET.replace("height: 10", "height: 12")
    shown = rules_css(KeptStylesheet(variables={"accent": "red"}), edited)
    assert "height: 12" in shown and "height: 10" not in shown
    assert parses == [SHEET, edited]


def test_other_theme_variables_or_another_place_parse_again(parses: list[str]) -> None:
    red = rules_css(KeptStylesheet(variables={"accent": "red"}))
    blue = rules_css(KeptStylesheet(variables={"accent": "blue"}))
    assert red != blue
    rules_css(KeptStylesheet(variables={"accent": "red"}), place=("/y/other.tcss", ""))
    assert len(parses) == 3


def test_a_sheet_with_errors_is_never_kept(parses: list[str]) -> None:
    bad = "#detail { colour: red; }"
    for _ in range(2):
        rules = KeptStylesheet(variables={})._parse_rules(bad, PLACE)  # noqa: SLF001
        assert any(rule.errors for rule in rules)
    assert parses == [bad, bad]


def test_without_a_cache_it_parses_as_textual_does(
    parses: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WARROOM_NO_CACHE", "1")
    rules_css(KeptStylesheet(variables={"accent": "red"}))
    rules_css(KeptStylesheet(variables={"accent": "red"}))
    assert parses == [SHEET, SHEET]


def test_css_from_no_file_is_not_kept(parses: list[str], tmp_path: Path) -> None:
    """Textual names such a source by `hash(css)`, salted per process: kept, it would
    add a cache file on every start."""
    for _ in range(2):
        rules_css(KeptStylesheet(variables={"accent": "red"}), place=("", str(hash(SHEET))))
    assert parses == [SHEET, SHEET]
    assert not list((tmp_path / "cache").glob("tcss-*"))
