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
from typing import Any

from warroom.domain.alerts.record import SOURCES, Alert, AlertError, Ignored, Signal
from warroom.domain.json_document import load_json
from warroom.errors import InvalidInput

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
    document = load_json(text, origin)
    try:
        return parser_for(source)(document)
    except AlertError as exc:
        raise AlertError(f"{origin}: {exc}") from None


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
