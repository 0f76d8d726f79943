"""Reading a person's text file (policy, runbook, template, update) without surprises.

The size limit is applied while reading (a 10 GB file costs nothing); the
bytes are then checked by `warroom.domain.text_files.decode_text` (UTF-8, no
NUL, a leading byte-order mark dropped), which names the file and the line.
"""

from __future__ import annotations

from pathlib import Path

from warroom.domain.text_files import MAX_TEXT_BYTES, decode_text
from warroom.errors import WarroomError


def read_text_file(
    path: Path | str, what: str, error: type[WarroomError], limit: int = MAX_TEXT_BYTES
) -> str:
    """The UTF-8 text of `path` (a `what`: policy, runbook ...), read no further than `limit`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    return decode_text(data, str(path), error, limit)
