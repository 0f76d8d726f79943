"""The one way warroom reads YAML: a node tree, refused early when it is not sane.

Policies and runbooks are composed (not constructed) so every complaint can
name its line. This reader also refuses, with `file:line: problem`:

- aliases (`*name`): a 790-byte file of nested aliases expands to billions
  of nodes when walked, and no warroom file needs them (anchors alone are
  harmless and allowed);
- nesting deeper than `MAX_DEPTH` levels, long before Python's recursion
  limit is reached;
- NUL characters and lone surrogates, which YAML itself rejects but without
  naming the line.

Size and encoding are checked when the file is read (`text_files`).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from warroom.domain.text_files import line_of, refuse_unsafe_text, unsafe_character
from warroom.errors import WarroomError

# A runbook item nested 25 deep sits at depth 53; nothing real comes near 64.
MAX_DEPTH = 64


class _Refused(Exception):
    """Raised inside the composer; turned into the caller's error type."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class _PythonEvents(Reader, Scanner, Parser):
    """PyYAML's own parser, for when libyaml is not installed."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)


_Events: Any
try:  # libyaml parses the same events about three times faster
    from yaml._yaml import CParser as _Events
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Events = _PythonEvents


class _Composer(Composer, Resolver):
    """SafeLoader's composer (no constructor runs), refusing aliases and counting depth."""

    def __init__(self, text: str) -> None:
        self.events = _Events(text)
        Composer.__init__(self)
        Resolver.__init__(self)
        self.depth = 0

    def check_event(self, *choices: type[yaml.Event]) -> bool:
        return bool(self.events.check_event(*choices))

    def peek_event(self) -> Any:
        return self.events.peek_event()

    def get_event(self) -> Any:
        return self.events.get_event()

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(line, f"YAML aliases (*{event.anchor}) are not supported")
        if isinstance(event, yaml.ScalarEvent):  # "\0" or "\ud800" written as an escape
            unsafe = unsafe_character(event.value)
            if unsafe is not None:
                raise _Refused(line, f"{unsafe[1]} (written as an escape); warroom reads text only")
        if self.depth >= MAX_DEPTH:
            raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _tab_at(text: str, line: int) -> bool:
    """Whether the 0-based `line` of `text` is indented with a tab."""
    lines = text.split("\n", line + 1)
    return line < len(lines) and "\t" in lines[line][: len(lines[line]) - len(lines[line].lstrip())]


def compose_yaml(text: str, source: str, error: type[WarroomError]) -> yaml.Node | None:
    """The YAML node tree of `text` (None when it is empty); `error` names `source`:line."""
    refuse_unsafe_text(text, source, error)
    loader = _Composer(text)
    try:
        return loader.get_single_node()
    except _Refused as exc:
        raise error(f"{source}:{exc.line}: {exc.problem}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = str(exc.problem or exc.context)
        if exc.context and problem.startswith("but "):  # "expected a single document, but ..."
            problem = f"{exc.context}, {problem}"
        if "maximum nesting depth" in problem:  # libyaml's own limit, met while reading ahead
            raise error(f"{source}{line}: nested more than {MAX_DEPTH} levels deep") from None
        if "cannot start any token" in problem and mark and _tab_at(text, mark.line):
            problem += " (YAML indents with spaces, not tabs)"
        raise error(f"{source}{line}: not valid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        problem = f"character U+{exc.character:04X} is not allowed in YAML"
        # libyaml counts bytes of the UTF-8 text, PyYAML characters
        where = text.encode() if _Events is not _PythonEvents else text
        raise error(f"{source}:{line_of(where, exc.position)}: {problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from None
