"""Edit the impact: users, services and business affected, and when it was
detected and when customer impact started and ended (times as HH:MM or ISO)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from warroom.domain.timefmt import read_user_time
from warroom.tui.dialogs.form import HINT, FormScreen

FIELDS = (
    ("users", "Users affected", "e.g. ~40% of EU checkout sessions"),
    ("services", "Services affected", "e.g. checkout-api, payments-gateway"),
    ("business", "Business impact", "e.g. EUR 40k/h of orders at risk"),
)
# incident column -> label; blank leaves the recorded time as it is
TIMES = (
    ("detected_at", "Detected at (an alert's start; HH:MM or ISO)"),
    ("impact_started_at", "Customer impact started"),
    ("impact_ended_at", "Customer impact ended"),
)


@dataclass(frozen=True)
class ImpactForm:
    """What changed: impact text (users/services/business) and times (column -> moment)."""

    text: dict[str, str] = field(default_factory=dict)
    times: dict[str, dt.datetime] = field(default_factory=dict)


def _shown(at: dt.datetime | None, tz: dt.tzinfo) -> str:
    return "" if at is None else f"{at.astimezone(tz):%Y-%m-%d %H:%M}"


class ImpactScreen(FormScreen[ImpactForm | None, dict[str, str]]):
    """The fields; Enter moves down them and saves from the last; ctrl+s saves what changed.

    Kept after Esc: every field as typed (`typed()`, field id -> text).
    """

    def __init__(
        self,
        current: dict[str, str],
        times: dict[str, dt.datetime | None] | None = None,
        *,
        now: dt.datetime | None = None,
        tz: dt.tzinfo = dt.UTC,
        draft: dict[str, str] | None = None,
        keep: Callable[[dict[str, str] | None], None] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        self.current = current
        self.times = {k: _shown(v, tz) for k, v in (times or {}).items()}
        self.now = now
        self.tz = tz
        self.draft = draft or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label("Impact", classes="form-title")
            for key, label, hint in FIELDS:
                yield Label(label)
                yield Input(
                    self.draft.get(key, self.current.get(key, "")),
                    placeholder=hint,
                    id=f"impact-{key}",
                    compact=True,
                )
            if self.now is not None:
                for key, label in TIMES:
                    yield Label(label)
                    yield Input(
                        self.draft.get(key, self.times.get(key, "")),
                        placeholder="HH:MM or 2026-11-23 08:40",
                        id=f"impact-{key}",
                        compact=True,
                    )
            yield Label(HINT, classes="form-hint")
            yield Label("", id="form-error", classes="form-error")

    def typed(self) -> dict[str, str] | None:
        typed = {i.id.removeprefix("impact-"): i.value for i in self.fields() if i.id}
        before = {**self.current, **self.times}
        changed = any(v.strip() != before.get(k, "").strip() for k, v in typed.items())
        return typed if changed else None

    def action_submit(self) -> None:
        values = {
            key: self.query_one(f"#impact-{key}", Input).value.strip() for key, _, _ in FIELDS
        }
        changed = {k: v for k, v in values.items() if v != self.current.get(k, "")}
        times: dict[str, dt.datetime] = {}
        if self.now is not None:
            for key, label in TIMES:
                typed = self.query_one(f"#impact-{key}", Input).value.strip()
                if not typed or typed == self.times.get(key, ""):
                    continue
                try:
                    times[key] = read_user_time(typed, self.now, self.tz).at
                except ValueError as exc:
                    self.query_one("#form-error", Label).update(f"{label.split(' (')[0]}: {exc}")
                    return
        self.finish(ImpactForm(changed, times) if changed or times else None)
