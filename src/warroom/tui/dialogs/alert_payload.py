"""One alert's raw payloads: every body it came in, newest first, scrollable.

A body that is JSON is shown indented (`json_text`: the same values, control
characters escaped as JSON escapes them, non-ASCII as it is), one that is not
is shown as received with control characters made visible. The text is a
read-only TextArea: nothing in it is markup, it scrolls both ways, and a
selection can be copied (ctrl+c). Esc closes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from warroom.domain.alerts.record import AlertOnRecord, SignalOnRecord
from warroom.domain.visible import json_text, visible, visible_line


def readable_body(payload: str) -> str:
    """A body indented when it is JSON; as received (made visible) when it is not."""
    try:
        return json_text(json.loads(payload), indent=2)
    except ValueError:
        return visible(payload)


def payload_text(signals: list[SignalOnRecord], tz: dt.tzinfo, limit: int) -> str:
    """The newest `limit` signals' bodies, each under a line saying when and what."""
    parts = []
    for signal in signals[:limit]:
        when = signal.received_at.astimezone(tz) if signal.received_at else None
        heard = f"{when:%Y-%m-%d %H:%M:%S %Z}" if when else "?"
        said = [f"heard {heard}", visible_line(signal.status)]
        if signal.event:
            said.append(f"event {visible_line(signal.event)}")
        if signal.item:
            said.append(f"this alert: {visible_line(signal.item)}")
        parts.append(f"── {' · '.join(said)} ──\n{readable_body(signal.payload)}")
    if len(signals) > limit:
        parts.append(f"── {len(signals) - limit} older signals not shown ──")
    return "\n\n".join(parts) if parts else "(no body was kept for this alert)"


class AlertPayloadScreen(ModalScreen[None]):
    """The raw bodies of one alert."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    def __init__(
        self, alert: AlertOnRecord, signals: list[SignalOnRecord], tz: dt.tzinfo, limit: int
    ) -> None:
        super().__init__()
        self.alert = alert
        self.signals = signals
        self.tz = tz
        self.limit = limit

    def compose(self) -> ComposeResult:
        alert = self.alert
        heard = "1 signal" if len(self.signals) == 1 else f"{len(self.signals)} signals"
        title = Text(style="bold")
        title.append(f"Alert {visible_line(alert.source)} {visible_line(alert.key)} · {heard}")
        with Vertical(classes="form alert-payload"):
            yield Static(title, classes="form-title")
            yield Static(Text(visible_line(alert.title)), classes="form-hint")
            yield TextArea(
                payload_text(self.signals, self.tz, self.limit),
                read_only=True,
                soft_wrap=False,
                show_line_numbers=False,
                id="alert-payload",
            )
            yield Static("↑↓ ←→ PgUp PgDn scroll · ctrl+c copies a selection · Esc closes")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_close(self) -> None:
        self.dismiss(None)
