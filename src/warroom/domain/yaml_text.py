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

import yaml

from warroom.domain.text_files import line_of, refuse_unsafe_text
from warroom.errors import WarroomError

# A runbook item nested 25 deep sits at depth 53; nothing real comes near 64.
MAX_DEPTH = 64


class _Refused(Exception):
    """Raised inside the composer; turned into the caller's error type."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class _Composer(yaml.SafeLoader):
    """SafeLoader's composer, refusing aliases and counting depth as it descends."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(line, f"YAML aliases (*{event.anchor}) are not supported")
        if self.depth >= MAX_DEPTH:
            raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1


def compose_yaml(text: str, source: str, error: type[WarroomError]) -> yaml.Node | None:
    """The YAML node tree of `text` (None when it is empty); `error` names `source`:line."""
    refuse_unsafe_text(text, source, error)
    loader = _Composer(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    except _Refused as exc:
        raise error(f"{source}:{exc.line}: {exc.problem}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = str(exc.problem or exc.context)
        if exc.context and problem.startswith("but "):  # "expected a single document, but ..."
            problem = f"{exc.context}, {problem}"
        if "'\\t'" in problem:
            problem += " (YAML indents with spaces, not tabs)"
        raise error(f"{source}{line}: not valid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        problem = f"character U+{exc.character:04X} is not allowed in YAML"
        raise error(f"{source}:{line_of(text, exc.position)}: {problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()
