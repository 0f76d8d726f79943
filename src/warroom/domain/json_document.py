"""Reading a JSON document someone else wrote (an export, an alert webhook) safely.

Nothing in the text can crash or hang the reader: nesting past MAX_DEPTH (Python's
own parser would hit its recursion limit), integers of thousands of digits, NUL
characters and lone surrogates (`\\u0000`, `\\ud800`, which SQLite or a terminal
cannot take) are refused with one line naming the source, the line or the field.
The size limit is the caller's (`warroom.domain.text_files.decode_text`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from warroom.errors import InvalidInput

# An export is 5 levels deep and a webhook about 6; 64 leaves room and stays far
# from Python's recursion limit.
MAX_DEPTH = 64
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")


def line_too_deep(text: str) -> int:
    """The line where `text` first opens more than MAX_DEPTH arrays or objects (0: nowhere)."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group(0)
        depth += 1 if bracket in "[{" else -1 if bracket in "]}" else 0
        if depth > MAX_DEPTH:
            return text.count("\n", 0, token.start()) + 1
    return 0


def refuse_unsafe_values(document: Any, text: str, source: str) -> None:
    """InvalidInput naming the field when the document nests too deep or holds a NUL or a
    lone surrogate (`\\u0000`, `\\ud800`), which SQLite or a terminal cannot take."""
    pending: list[tuple[Any, str, int]] = [(document, "", 0)]
    while pending:
        value, where, depth = pending.pop()
        if depth > MAX_DEPTH:
            line = line_too_deep(text)
            raise InvalidInput(f"{source}:{line}: JSON nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str):
            found = UNSAFE_TEXT.search(value)
            if found:
                char = f"U+{ord(found.group(0)):04X}"
                kind = "a NUL character" if char == "U+0000" else f"a lone surrogate ({char})"
                raise InvalidInput(f"{source}: {where or 'the document'} holds {kind}")
        elif isinstance(value, dict):
            for key, item in value.items():
                pending.append((key, f"{where} (a field name)", depth + 1))
                pending.append((item, f"{where}.{key}" if where else str(key), depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))


def load_json(text: str, source: str) -> Any:
    """The JSON value in `text`, checked as above; InvalidInput names `source` and the problem."""
    text = text.removeprefix("\ufeff")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source} is not JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        line = line_too_deep(text)
        raise InvalidInput(
            f"{source}:{line}: JSON nested more than {MAX_DEPTH} levels deep"
        ) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise InvalidInput(f"{source} is not usable JSON (a number is too long)") from None
    refuse_unsafe_values(document, text, source)
    return document
