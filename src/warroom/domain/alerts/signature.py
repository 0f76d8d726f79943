"""PagerDuty webhooks V3 signatures: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]`,
each an HMAC-SHA256 of the raw body keyed with a subscription's signing secret.
While PagerDuty rotates a secret it signs with both, so any one matching is enough.
"""

from __future__ import annotations

import hashlib
import hmac


def pagerduty_signature(secret: str, body: bytes) -> str:
    """The `v1=<hex>` PagerDuty would send for `body` signed with `secret`."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def pagerduty_signed(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` carries a valid signature of `body` (compared in constant time)."""
    if not header:
        return False
    expected = pagerduty_signature(secret, body).encode("ascii")
    found = False
    for part in header.split(","):
        given = part.strip().encode("utf-8", "replace")
        # every candidate is compared, so the time taken says nothing about which matched
        found |= hmac.compare_digest(given, expected)
    return found
