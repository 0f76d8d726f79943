"""Channel addresses: how a page reaches a person, as the policy writes it.

A channel is an Apprise URL (`mailto://...`, `json://...`, `slack://...`,
`ntfy://...`) or the word `hook` (the policy's notify hook: argv and
environment, never a shell). Secrets are never written in the policy or the
database: a URL names them as `${NAME}`, filled at send time from the
environment or the owner-only secrets file (`warroom.channels`). What the
database keeps is the template as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

HOOK = "hook"
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://\S+$", re.IGNORECASE)
SECRET = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# query parameters whose value is a secret when written in clear (Apprise's names)
_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)([^:/@?#\s]*):([^@/?#\s]*)@", re.IGNORECASE)
_SECRET_PARAMS = re.compile(
    r"([?&](?:pass|password|token|apikey|api_key|key|secret|webhook)=)([^&]*)", re.IGNORECASE
)


def channel_problem(text: str) -> str | None:
    """Why `text` is not a channel (None when it is one), for the policy reader."""
    if text == HOOK:
        return None
    if not _SCHEME.match(text):
        return f'"{text}" is not a channel (an Apprise URL such as mailto://..., or hook)'
    return None


def channel_kind(template: str) -> str:
    """What a person calls the channel: its URL scheme (`mailto`, `json`) or `hook`."""
    match = _SCHEME.match(template)
    return match.group(1).lower() if match else template


def secret_names(template: str) -> list[str]:
    """The `${NAME}`s a channel needs filled, in order."""
    return SECRET.findall(template)


def expand(template: str, lookup: Callable[[str], str | None]) -> str:
    """The channel with every `${NAME}` filled by `lookup`; KeyError(NAME) for the first
    one it cannot fill."""

    def fill(match: re.Match[str]) -> str:
        value = lookup(match.group(1))
        if value is None:
            raise KeyError(match.group(1))
        return value

    return SECRET.sub(fill, template)


def redacted(template: str) -> str:
    """The channel as shown to people: a password or token written in clear is masked
    (`${NAME}` placeholders stay, they are not secrets)."""

    def userinfo(match: re.Match[str]) -> str:
        user, password = match.group(2), match.group(3)
        shown = password if SECRET.fullmatch(password) else "***"
        return f"{match.group(1)}{user}:{shown}@"

    text = _USERINFO.sub(userinfo, template)

    def param(match: re.Match[str]) -> str:
        value = match.group(2)
        return match.group(1) + (value if SECRET.fullmatch(value) or not value else "***")

    return _SECRET_PARAMS.sub(param, text)


def addressed(url: str, email: str) -> str:
    """A `mailto://` (or `mailtos://`) channel that names no `to=`, addressed to the
    contact's own e-mail; any other channel, or one that names its recipients, as it is.
    (Without `to=`, Apprise would write to the sending account's own address.)"""
    from urllib.parse import quote

    scheme, sep, rest = url.partition("://")
    email = email.strip()
    if not sep or scheme.lower() not in ("mailto", "mailtos") or not email:
        return url
    query = rest.partition("?")[2]
    if any(part.split("=", 1)[0].lower() == "to" for part in query.split("&") if part):
        return url
    return f"{url}{'&' if '?' in rest else '?'}to={quote(email, safe='@+')}"
