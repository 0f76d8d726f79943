"""The senders warroom reads alerts from, by the name a policy or a command gives them.

Apart from `record` (the parsers' shared reader, which re-exports it) so that reading
the policy's `alerts:` section imports no parser and no alert record.
"""

from __future__ import annotations

SOURCES: tuple[str, ...] = ("alertmanager", "grafana", "pagerduty", "opsgenie", "events-v2")
