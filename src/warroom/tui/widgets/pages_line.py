"""Who the selected incident paged, through what, when, and how it went: one line
under the incident's detail, and a FAILED page said loudly.

It takes no room until the incident has pages (a policy without channels never
shows it). It renders what the screen hands it; it never reads.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import Static

from warroom.domain.channels import channel_kind
from warroom.domain.pages import Page, page_line
from warroom.domain.timefmt import format_when
from warroom.domain.visible import visible_line

MAX_SHOWN = 6  # the newest pages; `warroom pages ID` lists them all


class PagesLine(Static):
    """`Pages: ✓ Ana Lima via json 09:01 · … Ben via mailto pending · ⚠ … FAILED`."""

    DEFAULT_CSS = """
    PagesLine {
        height: auto;
        max-height: 3;
        padding: 0 1;
        display: none;
    }
    PagesLine.-failed {
        color: $error;
    }
    """

    def __init__(self, *, tz: dt.tzinfo, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.tz = tz
        self._drawn: Text | None = None

    def show(self, pages: list[Page], now: dt.datetime) -> None:
        """Show `pages` (one incident's, oldest first); nothing at all when there are none."""
        self.display = bool(pages)
        failed = [p for p in pages if p.failed]
        self.set_class(bool(failed), "-failed")
        text = describe(pages, now, self.tz)
        if text != self._drawn:
            self._drawn = text
            self.update(text)


def describe(pages: list[Page], now: dt.datetime, tz: dt.tzinfo) -> Text:
    """The line: FAILED pages first (in words), then the newest others."""
    text = Text(no_wrap=False)
    if not pages:
        return text
    text.append("Pages ", style="bold")
    for page in [p for p in pages if p.failed]:
        text.append("⚠ " + visible_line(page_line(page)), style="bold reverse")
        text.append("  ")
    others = [p for p in pages if not p.failed][-MAX_SHOWN:]
    hidden = len([p for p in pages if not p.failed]) - len(others)
    if hidden:
        text.append(f"(+{hidden} earlier) ", style="dim")
    for index, page in enumerate(others):
        if index:
            text.append(" · ", style="dim")
        via = channel_kind(page.channel)
        if page.state == "delivered" and page.delivered_at is not None:
            text.append(f"✓ {visible_line(page.recipient)} via {via} ")
            text.append(format_when(page.delivered_at, now, tz), style="dim")
        else:
            tries = f", {page.attempts} failed" if page.attempts else ""
            text.append(f"… {visible_line(page.recipient)} via {via} pending{tries}")
    return text


def failed_summary(failed: list[Page]) -> str | None:
    """The top bar's word on FAILED pages across incidents: the newest one in words."""
    if not failed:
        return None
    newest = failed[0]
    more = f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""
    return f"#{newest.incident_id} {page_line(newest)}{more}"


class FailedPages:
    """Which FAILED pages were already popped up: each new one is, once. Those that
    failed before the console opened are not (the top bar says them)."""

    def __init__(self) -> None:
        self._said: set[int] = set()
        self._primed = False

    def fresh(self, failed: list[Page]) -> list[Page]:
        """The pages in `failed` not popped up before (none on the first call)."""
        new = [page for page in failed if page.id not in self._said]
        self._said.update(page.id for page in failed)
        if not self._primed:
            self._primed = True
            return []
        return new
