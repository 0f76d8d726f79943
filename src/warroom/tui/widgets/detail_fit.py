"""The incident header when it does not fit: what a commander must always see.

The header (`IncidentDetail`) is laid out in full when there is room. On a small
terminal (80×24 gives it three rows) the full layout would be cut at the bottom,
where the impact is, and a long roles line would push the commander off. Then
it is laid out compact instead, one row each, in cells (wide text counts two):

1. the title, cut with `…` so that `[DRILL]` stays;
2. severity, status, NOT ACKNOWLEDGED, the commander (always), then whatever
   else fits whole (age, other roles, kind, channel);
3. rows to spare: the summary, then when it was declared and acked;
4. the impact, last: users, services and business each cut to a fair share of
   the row (a short value gives its room to the others), never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text

from warroom.domain.visible import cells, fit


@dataclass(frozen=True)
class HeaderParts:
    """What the header says, each piece already made visible (`visible_line`)."""

    number: str  # "#12"
    title: str
    drill: bool
    severity: str  # "P0 Critical"
    status: str  # "FIXING"
    acknowledged: str | None  # "acked 08:14 UTC"; None: not acknowledged
    declared: str  # "Declared 08:13 UTC"
    commander: str  # "" when nobody holds it
    other_roles: tuple[tuple[str, str], ...]  # (short role name, people)
    age: str
    kind: str
    channel: str
    summary: str
    impact: tuple[tuple[str, str], ...]  # (short label, value or "?")


LONG_LABELS = {"svc": "services", "biz": "business"}  # the impact's labels with room


def _cut(text: str, width: int) -> str:
    """`text` cut to `width` cells (with `…`), not padded."""
    return fit(text, width).rstrip() if cells(text) > width else text


def share_out(values: list[str], width: int) -> list[str]:
    """Cut `values` to fit `width` cells together: each gets an equal share, and a
    value shorter than its share gives what it does not use to the longer ones."""
    cut = list(values)
    left, waiting = width, sorted(range(len(values)), key=lambda i: cells(values[i]))
    while waiting:
        share = max(1, left // len(waiting))
        index = waiting.pop(0)
        cut[index] = _cut(values[index], share)
        left -= cells(cut[index])
    return cut


def _title_row(parts: HeaderParts, width: int) -> Text:
    row = Text(no_wrap=True, overflow="crop")
    drill = "  [DRILL]" if parts.drill else ""
    row.append(f"{parts.number} ", style="bold")
    room = width - cells(parts.number) - 1 - cells(drill)
    row.append(_cut(parts.title, max(1, room)), style="bold")
    if drill:
        row.append(drill[:2])
        row.append(drill[2:], style="reverse")
    return row


def _state_row(parts: HeaderParts, width: int, *, acked: bool = True) -> Text:
    """Severity, status and the commander always; the rest while it fits whole."""
    must: list[tuple[str, str, str]] = [(parts.severity, "", "bold"), (parts.status, "", "")]
    if parts.acknowledged is None:
        must.append(("NOT ACKNOWLEDGED", "", "bold reverse"))
    commander = parts.commander or "nobody"
    fixed = sum(cells(text) + cells(label) for text, label, _ in must) + 3 * len(must) + 4
    if fixed + cells(commander) > width:  # the severity's label goes before the name is cut
        short = parts.severity.split(" ")[0]
        fixed -= cells(parts.severity) - cells(short)
        must[0] = (short, "", "bold")
    must.append((_cut(commander, max(8, width - fixed)), "IC: ", ""))
    extras = [(f"age {parts.age}", "", ""), *((p, f"{r}: ", "") for r, p in parts.other_roles)]
    extras += [(parts.kind, "", ""), (parts.channel, "", "")]
    if parts.acknowledged is not None and acked:
        extras.insert(1, (parts.acknowledged, "", ""))
    row = Text(no_wrap=True, overflow="crop")
    used = 0
    for text, label, style in must + [e for e in extras if e[0]]:
        piece = cells(text) + cells(label) + (3 if used else 0)
        if used and used + piece > width and (text, label, style) not in must:
            continue
        if used:
            row.append(" · ")
        if label:
            row.append(label, style="dim")
        row.append(text, style=style)
        used += piece
    return row


def impact_row(parts: HeaderParts, width: int) -> Text:
    """`Impact users: … · svc: … · biz: …` in one row, each value cut to its share."""
    head = "Impact "
    labels = [f"{'' if i == 0 else ' · '}{label}: " for i, (label, _) in enumerate(parts.impact)]
    room = width - cells(head) - sum(cells(label) for label in labels)
    values = share_out([value for _, value in parts.impact], max(len(labels), room))
    row = Text(no_wrap=True, overflow="crop")
    row.append(head, style="bold")
    for label, value in zip(labels, values, strict=True):
        row.append(label, style="dim")
        row.append(value)
    return row


def impact_whole(parts: HeaderParts) -> Text:
    """The impact with nothing cut (wrapped where it is drawn)."""
    text = Text()
    text.append("Impact ", style="bold")
    for i, (label, value) in enumerate(parts.impact):
        text.append(f"{'' if i == 0 else ' · '}{LONG_LABELS.get(label, label)}: ", style="dim")
        text.append(value)
    return text


def compact(parts: HeaderParts, width: int, rows: int, rows_of: Callable[[Text], int]) -> Text:
    """The header in `rows` rows of `width` cells (see the module's order); `rows_of`:
    how many rows a text wraps to at that width."""
    impact = impact_whole(parts)
    spare = rows - 2 - rows_of(impact)
    if spare < 0:  # not whole: one row, each value cut to its share
        impact, spare = impact_row(parts, width), rows - 3
    middle: list[Text] = []
    if parts.summary and spare > 0:
        line = Text(no_wrap=True, overflow="crop")
        line.append("Summary ", style="bold")
        line.append(_cut(" ".join(parts.summary.split()), max(1, width - 8)))
        middle.append(line)
    declared = spare > len(middle)
    if declared:
        said = f"{parts.declared} · {parts.acknowledged or 'NOT ACKNOWLEDGED'}"
        middle.append(Text(_cut(said, width), no_wrap=True, overflow="crop"))
    lines = [_title_row(parts, width), _state_row(parts, width, acked=not declared), *middle]
    lines.append(impact)
    if rows < 3:  # fewer than three rows: the commander and the impact stay
        lines = lines[1:] if rows == 2 else lines[-1:]
    return Text("\n").join(lines)
