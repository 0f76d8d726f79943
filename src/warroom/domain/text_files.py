"""Checking a person's text (policy, runbook, template, update) without surprises.

Every file warroom reads is UTF-8 text of a sane size. Anything else is
refused with one line that names the file and where the problem is, never a
traceback: a file that is not UTF-8 (`p.yaml:3: not UTF-8 text (byte 0xff at
offset 41)`), a NUL byte (a binary file, most likely), a file over the size
limit (`warroom.loaders.text_files` reads no further than the limit, so a
10 GB file costs nothing). A leading byte-order mark is dropped. Nothing here
opens a file: these functions take the bytes or the text.
"""

from __future__ import annotations

import re

from warroom.errors import WarroomError

# A hand-written policy, runbook or template is a few kilobytes; 1 MB is
# thousands of items, and the YAML reader gets through it in about a second.
MAX_TEXT_BYTES = 1_000_000
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def _size(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"


def line_of(data: bytes | str, offset: int) -> int:
    """The 1-based line that `offset` (a byte or character index) falls on."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def decode_text(
    data: bytes, source: str, error: type[WarroomError], limit: int = MAX_TEXT_BYTES
) -> str:
    """UTF-8 text from `data`, or `error` naming `source`, the line and the byte."""
    if len(data) > limit:
        raise error(f"{source}: the file is larger than {_size(limit)}; warroom refuses it")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise error(
            f"{source}:{line_of(data, nul)}: a NUL byte at offset {nul} "
            "(is this a binary file?); warroom reads text files only"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"{source}:{line_of(data, exc.start)}: not UTF-8 text "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def unsafe_character(text: str) -> tuple[int, str] | None:
    """(index, description) of the first NUL or lone surrogate in `text`, if any."""
    found = _UNSAFE.search(text)
    if found is None:
        return None
    char = found.group(0)
    problem = "a NUL character" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"
    return found.start(), problem


def refuse_unsafe_text(text: str, source: str, error: type[WarroomError]) -> None:
    """`error` if `text` holds a NUL or a lone surrogate (neither can be stored or shown)."""
    found = unsafe_character(text)
    if found is not None:
        index, problem = found
        raise error(f"{source}:{line_of(text, index)}: {problem}; warroom reads text only")
