"""The engine's secrets: the bearer token senders must present, and PagerDuty's
signing secret. Both come from files only their owner can read, never from the
database, the command line or the policy.

Without `--token-file` the engine still requires a token: it uses the file
`<database>.engine-token` beside the database, and creates it (0600, a fresh
random token) the first time, printing where it is. An engine that accepted
unauthenticated alerts, even on loopback, would let any local process declare
incidents and page people.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from warroom.errors import InvalidInput

MAX_SECRET_BYTES = 4096


@dataclass(frozen=True)
class TokenFile:
    """The token, where it came from, and whether this start created it."""

    token: str
    path: Path
    created: bool = False


def default_token_path(db_path: Path) -> Path:
    """`warroom.db.engine-token` beside `warroom.db`: one token per database."""
    return db_path.with_name(db_path.name + ".engine-token")


def read_secret_file(path: Path, what: str) -> str:
    """The secret in `path` (surrounding whitespace dropped). Refused, in one line
    naming the file, when it is missing, not a regular file, readable or writable by
    group or others, empty, or not text."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise InvalidInput(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InvalidInput(f"{what} {path} is not a regular file")
        if info.st_mode & 0o077:
            raise InvalidInput(
                f"{what} {path} can be read or changed by others"
                f" (mode {stat.S_IMODE(info.st_mode):04o}); run: chmod 600 {path}"
            )
        data = os.read(fd, MAX_SECRET_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_SECRET_BYTES:
        raise InvalidInput(f"{what} {path} is larger than {MAX_SECRET_BYTES} bytes")
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} {path} is not UTF-8 text") from None
    if not text:
        raise InvalidInput(f"{what} {path} is empty")
    if any(c.isspace() or not c.isprintable() for c in text):
        raise InvalidInput(f"{what} {path} holds spaces or control characters inside it")
    return text


def token_for(token_file: Path | None, db_path: Path) -> TokenFile:
    """The token from `token_file`; without one, from the database's own token file,
    created with a fresh token when it does not exist yet."""
    if token_file is not None:
        return TokenFile(read_secret_file(token_file, "token file"), token_file)
    path = default_token_path(db_path)
    created = False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise InvalidInput(f"cannot create token file {path}: {exc.strerror or exc}") from None
    else:
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, (secrets.token_urlsafe(32) + "\n").encode())
        finally:
            os.close(fd)
        created = True
    return TokenFile(read_secret_file(path, "token file"), path, created)
