"""Sending one page: through Apprise (an URL per channel) or the notify hook.

Apprise is imported only here, when a page is sent. A channel's `${NAME}`s are
filled at send time from the environment, else from the policy's secrets file
(`NAME=value` lines), which must belong to this user and be readable by nobody
else: a group- or world-readable file is refused, and the page fails with a
sentence saying how to fix it. Filled-in secrets are never stored, and are
masked in any error text that is.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from warroom.domain.channels import HOOK, addressed, expand, redacted
from warroom.domain.pages import Page
from warroom.domain.policy import Policy
from warroom.errors import InvalidInput
from warroom.notify import run_hook

# how each event looks where the channel shows a kind (a Slack colour, an ntfy tag)
_NOTIFY_TYPES = {"breach": "FAILURE", "resolved": "SUCCESS", "declared": "WARNING"}


class SendFailed(Exception):
    """The page did not get through; the text says why (it is recorded)."""


def read_secrets_file(path_text: str) -> dict[str, str]:
    """The `NAME=value` lines of the secrets file; InvalidInput if it is missing, not
    this user's, or readable by its group or the world."""
    path = Path(path_text).expanduser()
    try:
        info = path.stat()
    except OSError as exc:
        raise InvalidInput(f"secrets file {path}: {exc.strerror or exc}") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(
            f"secrets file {path} is readable by others (mode {stat.S_IMODE(info.st_mode):04o});"
            f" refusing it: chmod 600 {path}"
        )
    if info.st_uid != os.getuid():
        raise InvalidInput(f"secrets file {path} belongs to another user; refusing it")
    secrets: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"{path}:{number}: expected NAME=value")
        secrets[name.strip().removeprefix("export ").strip()] = value.strip()
    return secrets


def filled_channel(template: str, policy: Policy) -> tuple[str, list[str]]:
    """The channel with its secrets filled, and the secret values (to mask in errors)."""
    file_secrets: dict[str, str] | None = None
    used: list[str] = []

    def lookup(name: str) -> str | None:
        nonlocal file_secrets
        if name in os.environ:
            value: str | None = os.environ[name]
        else:
            if file_secrets is None:
                path = policy.pages.secrets_file
                file_secrets = read_secrets_file(path) if path else {}
            value = file_secrets.get(name)
        if value:
            used.append(value)
        return value

    try:
        return expand(template, lookup), used
    except KeyError as exc:
        where = " or the secrets file" if policy.pages.secrets_file else ""
        raise SendFailed(
            f"{redacted(template)} needs ${{{exc.args[0]}}}: not set in the environment{where}"
        ) from None
    except InvalidInput as exc:
        raise SendFailed(str(exc)) from None


def send_page(page: Page, policy: Policy) -> None:
    """Send one page; SendFailed with the reason when it did not get through."""
    if page.channel == HOOK:
        if policy.notify_hook is None:
            raise SendFailed("the policy has no notify_hook for the hook channel")
        outcome = run_hook(policy.notify_hook, dict(page.hook_values))
        if outcome.failed:
            raise SendFailed(outcome.text)
        return
    url, secrets = filled_channel(page.channel, policy)
    contact = policy.contact(page.recipient)
    if contact is not None and contact.email:  # an e-mail channel with no `to=`: theirs
        url = addressed(url, contact.email)
    import apprise  # only when a page is sent: heavy, and most commands never do

    notifier = apprise.Apprise()
    with apprise.LogCapture(level=apprise.logging.WARNING) as log:  # type: ignore[no-untyped-call]
        if not notifier.add(url):
            said = _last_line(log.getvalue(), secrets)
            why = f": {said}" if said else ""
            raise SendFailed(f"Apprise cannot use the channel {redacted(page.channel)}{why}")
        sent = notifier.notify(
            title=page.subject,
            body=page.body,
            body_format=apprise.NotifyFormat.TEXT,
            notify_type=getattr(apprise.NotifyType, _NOTIFY_TYPES.get(page.event, "WARNING")),
        )
    if not sent:
        raise SendFailed(_last_line(log.getvalue(), secrets) or "Apprise could not deliver it")


def _last_line(logged: str, secrets: list[str]) -> str:
    """Apprise's last warning, without its time stamp, secrets masked."""
    said = [line.split(" - ", 2)[-1] for line in logged.splitlines() if line.strip()]
    reason = said[-1].strip() if said else ""
    for secret in secrets:
        reason = reason.replace(secret, "***")
    return reason
