"""Stored text, shown so that no terminal obeys it and columns stay aligned.

Text is stored exactly as typed (or imported). Every place that shows it
(console, CLI text, Markdown) passes it through `visible` or `visible_line`,
so a title holding `ESC ] 52 ; c ; … BEL` (an OSC 52 clipboard write) reads
`␛]52;c;…␇` instead of filling the clipboard, and `ESC [ 2J` reads `␛[2J`
instead of wiping the screen. JSON output keeps the exact text but escapes
what a terminal would act on (`json_text`).

What is made visible, and how:

- C0 controls (U+0000–U+001F) as their Control Picture: `␛` for ESC, `␇`
  for BEL, `␍` for CR, `␀` for NUL; DEL (U+007F) as `␡`.
- C1 controls (U+0080–U+009F, which some terminals read as ESC + a letter,
  U+009B being CSI) and the line and paragraph separators U+2028/U+2029 as
  `⟨U+009B⟩`.
- Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) as
  `⟨U+202E⟩`, so a right-to-left override cannot reorder a row.

`visible` is for text shown on several lines: it keeps newline and tab (and
reads CRLF as a newline). `visible_line` is for one cell of a table or one
line of a list: a newline shows as `␊` and a tab as a space.

Widths are counted in terminal cells (`cells`, `pad`, `fit`), so a wide CJK
character or an emoji counts two columns, as the terminal draws it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.cells import cell_len, set_cell_size

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# what a terminal would act on, or what could reorder or break a line
_OTHERS = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_HIDDEN = re.compile(f"[\x00-\x1f{_OTHERS}]")
_HIDDEN_EXCEPT_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")  # newline, tab kept
# in JSON, C0 is escaped by json.dumps already; these it would write raw
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible_char(char: str) -> str:
    """The visible stand-in for one control character: `␛`, `␡`, `⟨U+009B⟩`."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"⟨U+{code:04X}⟩"


def _shown(match: re.Match[str]) -> str:
    return visible_char(match.group())


def visible(text: str) -> str:
    """`text` for a multi-line display: newlines and tabs kept, every other control
    character (C0, DEL, C1, U+2028/2029, bidi overrides) made visible; CRLF reads as
    a newline."""
    return _HIDDEN_EXCEPT_LINES.sub(_shown, text.replace("\r\n", "\n"))


def visible_line(text: str) -> str:
    """`text` for one line or one table cell: like `visible`, but a newline shows as
    `␊` and a tab as a space, so the text cannot break its row."""
    return _HIDDEN.sub(_shown, text.replace("\t", " "))


def has_hidden(text: str) -> bool:
    """Whether `text` holds anything `visible_line` would change (tabs aside)."""
    return _HIDDEN.search(text.replace("\t", " ")) is not None


def json_text(value: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """`value` as JSON that a terminal can print safely and a parser reads back exactly.

    Non-ASCII text stays readable (`ensure_ascii=False`); C0 controls are
    escaped by `json.dumps`, and DEL, C1, U+2028/2029 and bidi overrides are
    escaped as `\\u0085` too (they can only occur inside strings).
    """
    dumped = json.dumps(value, indent=indent, sort_keys=sort_keys, ensure_ascii=False)
    return json_raw_escaped(dumped)


def json_raw_escaped(dumped: str) -> str:
    """JSON text from `json.dumps(..., ensure_ascii=False)` with what a terminal would act
    on escaped as `json_text` escapes it (DEL, C1, U+2028/2029, bidi overrides)."""
    return _JSON_RAW.sub(_escaped, dumped)


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def cells(text: str) -> int:
    """How many terminal columns `text` takes (wide CJK and emoji count two)."""
    return cell_len(text)


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` cells (`<` left, `>` right); never cut."""
    gap = " " * max(0, width - cell_len(text))
    return gap + text if align == ">" else text + gap


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` cells (ending in `…` when cut), then padded."""
    if cell_len(text) <= width:
        return pad(text, width)
    return set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""
