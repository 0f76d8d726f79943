"""Writing Markdown that shows people's text exactly as they typed it.

Checked against a CommonMark + GFM renderer (tables, strikethrough): what a
person typed, `[#33]`, `[bold]x[/]`, `*stars*`, `a | b`, `<b>`, `# 1`, comes
out of the renderer as the same text, never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from warroom.domain.visible import visible_line

_ALWAYS = frozenset("\\`*[<|~$")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])")


def markdown_text(text: str) -> str:
    """User text as inline Markdown that renders exactly as typed, on one line.

    Backslash-escapes what could become markup: ``\\ ` * [ < | ~ $`` everywhere,
    `_` unless inside a word (`snake_case` stays readable), `&` only where it
    would spell an entity, and a leading `# > - + =` or `1.`. So `[#33]` is
    written `\\[#33]` and renders `[#33]`. Line breaks become `<br>`, so a
    table cell or a list item stays whole. Control characters are made visible
    (`warroom.domain.visible`), so `cat` on the file cannot drive the terminal.
    """
    lines = text.strip().replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = []
    for line in map(visible_line, lines):  # ESC, BEL, C1... as `␛`, `␇`, `⟨U+009B⟩`
        out = []
        for i, ch in enumerate(line):
            in_word = 0 < i < len(line) - 1 and line[i - 1].isalnum() and line[i + 1].isalnum()
            if ch in _ALWAYS or (ch == "_" and not in_word):
                out.append("\\" + ch)
            elif ch == "&" and _ENTITY.match(line, i):
                out.append("\\&")
            else:
                out.append(ch)
        escaped.append("".join(out))
    joined = "<br>".join(escaped)
    if joined[:1] in ("#", ">", "-", "+", "="):
        return "\\" + joined
    return _LIST_NUMBER.sub(r"\1\\\2", joined)


def heading_text(text: str) -> str:
    """Text for a `#` heading: a trailing `#` would otherwise read as a closing sequence."""
    found = markdown_text(text)
    return found[:-1] + "\\#" if found.endswith("#") else found


def table(header: Iterable[str], rows: Iterable[Iterable[str]], empty: str = "") -> list[str]:
    """A GFM table's lines (cells already Markdown, see `markdown_text`); `empty` if no rows."""
    head, body = list(header), ["| " + " | ".join(row) + " |" for row in rows]
    if not body and empty:
        return [empty]
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *body]


def bullets(items: list[str], prompt: str) -> list[str]:
    """A bullet list, or an italic prompt asking for what is missing."""
    return [f"- {i}" for i in items] if items else [f"_Nothing recorded yet: {prompt}_"]
