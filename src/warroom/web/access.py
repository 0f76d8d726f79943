"""Who may open the console in a browser, and under which name.

Three ways in, chosen by `warroom serve`'s options:

- `local`: no token; only loopback addresses may be bound and only loopback
  Host names are answered (a web page elsewhere cannot reach the console by
  re-pointing its DNS at 127.0.0.1). Every console signs as the person who ran
  `warroom serve`.
- `token`: a token file maps each person's token to their name; the browser
  logs in once and carries a session cookie. Tokens are compared in constant time.
- `proxy`: an authenticating reverse proxy in front sets a header (such as
  `X-Forwarded-User`) with the person's name; warroom believes it, so the
  server must be reachable only through that proxy.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from warroom.domain.visible import has_hidden, visible_line
from warroom.domain.vocabulary import SYSTEM_AUTHOR
from warroom.errors import InvalidInput

MIN_TOKEN_LENGTH = 16
MAX_NAME_LENGTH = 80
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})

Mode = Literal["local", "token", "proxy"]


@dataclass(frozen=True)
class Gate:
    """How a browser proves who it is (see the module's docstring)."""

    mode: Mode
    local_name: str = ""  # `local`: everyone is the person who started the server
    tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (token, name)
    user_header: str = ""  # `proxy`: the header naming the person

    def holder(self, offered: str) -> str | None:
        """The name of the person whose token is `offered`, or None.

        Every token is compared, each in constant time, so the time taken does
        not tell how much of a token was right or which line it matched.
        """
        found: str | None = None
        given = offered.encode("utf-8", "surrogateescape")
        for token, name in self.tokens:
            if hmac.compare_digest(token.encode("utf-8"), given):
                found = name
        return found


def person_name(text: str) -> str | None:
    """`text` as a person's name (trimmed), or None when it cannot sign an entry."""
    name = text.strip()
    if not name or len(name) > MAX_NAME_LENGTH or has_hidden(name):
        return None
    if name.casefold() == SYSTEM_AUTHOR:
        return None
    return name


def load_tokens(path: Path) -> tuple[tuple[str, str], ...]:
    """The token file: one `NAME: TOKEN` a line; blank lines and `#` comments skipped.

    A bad line stops everything with `file:line` and what is wrong with it (the
    token itself is never printed).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise InvalidInput(f"{path}: cannot read the token file ({reason})") from None
    pairs: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path}:{number}"
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        raw_name, colon, token = stripped.rpartition(":")
        token = token.strip()
        if not colon:
            raise InvalidInput(f"{where}: expected `NAME: TOKEN`, found no colon")
        name = person_name(raw_name)
        if name is None:
            raise InvalidInput(
                f"{where}: {visible_line(raw_name.strip())!r} cannot sign entries (a name of up to "
                f"{MAX_NAME_LENGTH} visible characters, not {SYSTEM_AUTHOR!r})"
            )
        if len(token) < MIN_TOKEN_LENGTH or has_hidden(token) or " " in token:
            raise InvalidInput(
                f"{where}: {name}'s token must be at least {MIN_TOKEN_LENGTH} characters with "
                "no spaces (make one with: python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(24))')"
            )
        if token in seen:
            raise InvalidInput(f"{where}: {name}'s token is also on line {seen[token]}")
        seen[token] = number
        pairs.append((token, name))
    if not pairs:
        raise InvalidInput(f"{path}: the token file names nobody (one `NAME: TOKEN` a line)")
    return tuple(pairs)


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address, `[::1]` bracketed or not) is this machine only."""
    bare = host.strip().strip("[]").lower()
    if bare in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def host_without_port(host_header: str) -> str:
    """`127.0.0.1:8000` → `127.0.0.1`, `[::1]:8000` → `::1`, `localhost` → `localhost`."""
    value = host_header.strip()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def choose_gate(
    host: str, local_name: str, token_file: Path | None, user_header: str | None
) -> Gate:
    """The gate for these options; refuses a non-loopback host that nothing guards."""
    if token_file is not None and user_header:
        raise InvalidInput(
            "--token-file and --proxy-user-header are two ways of logging in: choose one"
        )
    if token_file is not None:
        return Gate("token", tokens=load_tokens(token_file))
    if user_header:
        header = user_header.strip()
        if not header or not all(c.isalnum() or c in "-_" for c in header):
            raise InvalidInput(f"--proxy-user-header {user_header!r} is not a header name")
        return Gate("proxy", user_header=header)
    if not is_loopback(host):
        raise InvalidInput(
            f"--host {host} is reachable from other machines: give --token-file, or "
            "--proxy-user-header when an authenticating reverse proxy is in front"
        )
    return Gate("local", local_name=local_name)
