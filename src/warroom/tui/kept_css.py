"""The console's stylesheet, parsed once and kept between starts.

Textual parses every TCSS source it meets (the console's sheet, each widget's
DEFAULT_CSS) on every start: 22 sources, ~15 ms of the console's thread before its
first frame (a minimal app parses 9, ~7 ms). What a source parses to depends only on
its text, where it was read from, how it is applied (default rules, tie breaker,
scope), the theme's variables and Textual itself, so the parsed rules are kept in
the user's cache folder (`loaders.parse_cache`: private folder, pickles read only
when nobody else can write them) under a digest of all of these; a source that
reports errors is parsed (and reported) every time. Unpickling the console's sheet
takes ~1.4 ms where parsing it took ~10 ms.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import rich
import textual
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

from warroom.loaders.parse_cache import cached_parse


class KeptStylesheet(Stylesheet):
    """A `Stylesheet` whose sources' parsed rules are kept between runs."""

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        cache_key = (css, read_from, is_default_rules, tie_breaker, scope)
        try:
            return self._parse_cache[cache_key]  # this process parsed it already
        except KeyError:
            pass
        if not read_from[0]:  # named by no file (Textual then names it by a salted hash)
            return super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        variables = "\0".join(f"{name}={value}" for name, value in sorted(self._variables.items()))
        applied = (
            f"{_parser_build()}\0{read_from!r}\0"
            f"{is_default_rules}\0{tie_breaker}\0{scope}\0{variables}\0"
        )

        parse_here = super()._parse_rules

        def parse(text: str, source: str) -> list[RuleSet]:
            return parse_here(css, read_from, is_default_rules, tie_breaker, scope)

        rules = cached_parse("tcss", applied + css, "tcss", parse, list, keep=_no_errors)
        self._parse_cache[cache_key] = rules
        return rules

    def copy(self) -> KeptStylesheet:
        """A copy that keeps its parses too (Textual copies it to re-read changed files)."""
        stylesheet = KeptStylesheet(variables=self._variables.copy())
        stylesheet.source = self.source.copy()
        return stylesheet


def _no_errors(rules: list[RuleSet]) -> bool:
    return not any(rule.errors for rule in rules)


@functools.cache
def _parser_build() -> str:
    """Python's version and the size and modification time of the modules that parse
    TCSS and make what it parses to (Textual's and Rich's own, its css and layouts),
    looked at once a process: an upgraded or edited Textual never reads an old parse.
    (`textual.__version__` reads the package metadata on each use: ~1.5 ms a source.)"""
    found = [sys.version]
    for package in (textual, rich):
        root = Path(package.__file__ or "").parent
        for folder in (root, root / "css", root / "layouts"):
            if not folder.is_dir():
                continue
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    stat_ = entry.stat()
                    found.append(f"{entry.path}:{stat_.st_size}:{stat_.st_mtime_ns}")
    return "\0".join(found)
