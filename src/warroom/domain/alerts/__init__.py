"""Alerts from monitoring, normalised: one parser per sender, one `Alert` record.

    record.py        Alert / Ignored, and the field readers every parser shares
    alertmanager.py  Prometheus Alertmanager webhooks (v4)
    grafana.py       Grafana alerting webhooks (unified and legacy)
    pagerduty.py     PagerDuty webhooks V3 (legacy V2 / V1 leniently)
    opsgenie.py      Opsgenie webhooks
    events_v2.py     PagerDuty Events API v2 bodies
    policy.py        the policy's `alerts:` section: severity, kind and title

`parse_body(source, text, origin)` reads a body (JSON with limits: see
`warroom.domain.json_document`) and returns its signals in order; a body that
cannot be read raises InvalidInput in one line naming `origin` and the field.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from warroom.domain.alerts.sources import SOURCES
from warroom.errors import InvalidInput

if TYPE_CHECKING:
    from warroom.domain.alerts.record import Alert, AlertError, Ignored, Signal

# `record`'s names are imported when first asked for (PEP 562): the policy's
# `alerts:` section (`policy.py`, read by every command) needs none of them
_FROM_RECORD = ("Alert", "AlertError", "Ignored", "Signal")

# A busy Alertmanager group of a few hundred alerts is well under a megabyte;
# 4 MB leaves room for long annotations and still reads in well under a second.
MAX_BODY_BYTES = 4_000_000

# each sender's parser module, imported when a body of its kind is read: the policy's
# `alerts:` section (read by every command) needs only `record`, not five parsers
PARSER_MODULES: dict[str, str] = {
    "alertmanager": "alertmanager",
    "grafana": "grafana",
    "pagerduty": "pagerduty",
    "opsgenie": "opsgenie",
    "events-v2": "events_v2",
}


def parser_for(source: str) -> Callable[[Any], list[Signal]]:
    """The `parse(document)` of `source`'s module."""
    module = importlib.import_module(f"{__name__}.{PARSER_MODULES[source]}")
    parse: Callable[[Any], list[Signal]] = module.parse
    return parse


def parse_body(source: str, text: str, origin: str) -> list[Signal]:
    """The signals in `text`, a `source` webhook body read from `origin` (a file, `-`)."""
    if source not in PARSER_MODULES:
        raise InvalidInput(
            f"unknown alert source {source!r} (expected one of: {', '.join(SOURCES)})"
        )
    from warroom.domain.alerts.record import AlertError
    from warroom.domain.json_document import load_json

    document = load_json(text, origin)
    try:
        return parser_for(source)(document)
    except AlertError as exc:
        raise AlertError(f"{origin}: {exc}") from None


def __getattr__(name: str) -> object:
    """`Alert`, `AlertError`, `Ignored`, `Signal`: from `record`, when first used."""
    if name not in _FROM_RECORD:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.record"), name)
    globals()[name] = value
    return value


__all__ = [
    "MAX_BODY_BYTES",
    "PARSER_MODULES",
    "SOURCES",
    "Alert",
    "AlertError",
    "Ignored",
    "Signal",
    "parse_body",
    "parser_for",
]
