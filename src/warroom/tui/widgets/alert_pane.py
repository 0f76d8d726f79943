"""The alerts pane: what monitoring said about the selected incident (`A`).

One entry per alert: its status in words (FIRING, ACKED upstream, resolved: never
by colour alone), where it came from and its title, then its labels, when it was
first and last heard (and when it started, by the sender's clock) and its links.
Firing ones first. Enter shows the bodies it came in, exactly as received
(`AlertPayloadScreen`), read on a worker through the read model.

Everything here came from outside: it is shown literally (`[bold]` as typed),
control characters made visible (`␛`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain.alerts.record import AlertOnRecord, SignalOnRecord
from warroom.domain.timefmt import format_when
from warroom.domain.visible import visible_line
from warroom.store import read_model
from warroom.tui.bridge import Read, bridge_of

# status -> (how the pane says it, its place in the list)
_STATUS = {
    "firing": ("▲ FIRING", 0),
    "acknowledged": ("◆ ACKED upstream", 1),
    "resolved": ("✓ resolved", 2),
}
SIGNALS_SHOWN = 20  # the newest bodies the payload dialog shows


def status_word(status: str) -> str:
    return _STATUS.get(status, (f"? {visible_line(status)}", 3))[0]


def ordered(alerts: list[AlertOnRecord]) -> list[AlertOnRecord]:
    """Firing first, then acknowledged, then resolved; first heard first within each."""
    return sorted(alerts, key=lambda a: (_STATUS.get(a.status, ("", 3))[1], a.id))


class AlertPane(OptionList):
    """Every alert on the selected incident."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "payload", "Raw payload", show=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, tz: dt.tzinfo, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tz = tz
        self.alerts: list[AlertOnRecord] = []
        self._drawn: tuple[object, ...] = ()

    def show(self, alerts: list[AlertOnRecord], now: dt.datetime) -> None:
        """Redraw when the alerts or the day changed; the highlight stays on its alert."""
        alerts = ordered(alerts)
        drawn = (tuple(alerts), now.astimezone(self.tz).date())
        if drawn == self._drawn:
            return
        self._drawn = drawn
        self.alerts = alerts
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        firing = sum(1 for a in alerts if a.status == "firing")
        self.border_title = f"Alerts · {firing} firing of {len(alerts)} · Enter: raw payload"
        options = [Option(self._describe(a, now), id=str(a.id)) for a in alerts]
        if not alerts:
            options.append(
                Option(
                    Text("No alerts on this incident (`warroom ingest` takes them in)."),
                    disabled=True,
                )
            )
        self.set_options(options)
        ids = [str(a.id) for a in alerts]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)
        elif alerts:
            self.highlighted = 0

    def _when(self, at: dt.datetime | None, now: dt.datetime) -> str:
        return format_when(at, now, self.tz) if at is not None else "?"

    def _describe(self, alert: AlertOnRecord, now: dt.datetime) -> Text:
        text = Text(" ")
        text.append(f"{status_word(alert.status):<16} ", style="bold")
        text.append(visible_line(alert.source), style="italic")
        text.append(" · ")
        text.append(visible_line(alert.title), style="" if alert.status == "firing" else "dim")
        if alert.labels:
            text.append("\n    ")
            for n, (name, value) in enumerate(alert.labels.items()):
                text.append(" · " if n else "", style="dim")
                text.append(f"{visible_line(name)}=", style="dim")
                text.append(visible_line(value))
        heard = f"first {self._when(alert.first_seen_at, now)}"
        heard += f" · last {self._when(alert.last_seen_at, now)}"
        heard += " · 1 signal" if alert.signals == 1 else f" · {alert.signals} signals"
        text.append(f"\n    {heard}", style="italic")
        times = [f"started {self._when(alert.starts_at, now)}"] if alert.starts_at else []
        if alert.resolved_at is not None:
            times.append(f"resolved {self._when(alert.resolved_at, now)}")
        if times:  # by the sender's clock (started), and when it said it had ended
            text.append(f"\n    {' · '.join(times)}", style="italic")
        for what, url in alert.links:
            text.append(f"\n    {visible_line(what) or 'link'}: ", style="dim")
            text.append(visible_line(url), style="underline")
        return text

    def _current(self) -> AlertOnRecord | None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        return next((a for a in self.alerts if str(a.id) == option.id), None)

    def action_payload(self) -> None:
        """The bodies this alert came in, as received (read on a worker)."""
        from warroom.tui.dialogs.alert_payload import AlertPayloadScreen

        if (alert := self._current()) is None:
            return

        def read(signals: list[SignalOnRecord]) -> None:
            if self.is_attached:
                self.app.push_screen(AlertPayloadScreen(alert, signals, self.tz, SIGNALS_SHOWN))

        bridge_of(self).read(
            Read(lambda db: read_model.alert_signals(db, alert.id), read, "Cannot show it"), self
        )
