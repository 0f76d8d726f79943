"""`warroom report`: counts, response times and SLA compliance across incidents.

The numbers come from `domain/report.py` (see its module doc for what counts);
this module reads the store, parses `--since` and prints text or JSON
(`json_shapes.report_json`).
"""

from __future__ import annotations

import datetime as dt

import click

from warroom.cli.group import Context, json_option, pass_ctx
from warroom.cli.json_shapes import met_percent, report_json
from warroom.cli.output import echo, echo_json
from warroom.domain.policy_reader import parse_duration
from warroom.domain.report import IncidentReport, build_report
from warroom.domain.timefmt import OutOfRange, format_elapsed, parse_user_time
from warroom.domain.visible import cells, pad, visible_line
from warroom.errors import InvalidInput
from warroom.store import read_model

NONE = "—"


def parse_since(text: str, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """`2026-11-01` (local midnight), an ISO time, or how long ago: `7d`, `2w`, `12h`."""
    try:
        return now - parse_duration(text)
    except OverflowError:
        raise InvalidInput(f"--since {text!r} reaches back further than dates go") from None
    except ValueError:
        pass
    try:
        since = parse_user_time(text, now, tz)
    except OutOfRange as exc:
        raise InvalidInput(f"--since {exc}") from None
    except ValueError:
        raise InvalidInput(
            f"--since {text!r} is not a date or a span (use YYYY-MM-DD, or 7d, 2w, 12h)"
        ) from None
    if since > now:
        raise InvalidInput(f"--since {text!r} is in the future")
    return since


def _span(value: dt.timedelta | None) -> str:
    """A duration as the CLI shows ages (`45s`, `12m`, `1h 04m`, `2d 03h`); `—` if none."""
    return NONE if value is None else format_elapsed(value)


def _moment(at: dt.datetime, tz: dt.tzinfo) -> str:
    local = at.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.strftime('%Z') or 'UTC'}"


def report_text(found: IncidentReport, tz: dt.tzinfo) -> str:
    """The report as a few small tables."""
    start = _moment(found.since, tz) if found.since else "the first incident"
    drills = found.drills_excluded
    excluded = f" ({drills} drill{'s' if drills != 1 else ''} excluded)" if drills else ""
    if found.drills:
        real = found.real_excluded
        excluded = f" ({real} real incident{'s' if real != 1 else ''} excluded)" if real else ""
    what = "Drills" if found.drills else "Incidents"
    names = [visible_line(sev) for t in found.times for sev, _ in t.by_severity]
    sev_width = max([5, *(cells(n) for n in names)])
    statuses = " · ".join(f"{name} {count}" for name, count in found.by_status if count)
    lines = [
        f"{what} declared from {start} to {_moment(found.until, tz)}: {found.incidents}{excluded}",
        "",
        "  by severity  " + " · ".join(f"{name} {count}" for name, count in found.by_severity),
        f"  by status    {statuses or NONE}",
        "",
        f"  {'Time to':<16} {pad('sev', sev_width)} {'n':>4} {'mean':>8} {'median':>8} {'p90':>8}",
    ]
    for measure in found.times:
        rows = [("all", measure.overall), *measure.by_severity]
        for index, (severity, stats) in enumerate(rows):
            label = measure.label if index == 0 else ""
            lines.append(
                f"  {label:<16} {pad(visible_line(severity), sev_width)} {stats.count:>4}"
                f" {_span(stats.mean):>8} {_span(stats.median):>8} {_span(stats.p90):>8}"
            )
    lines += ["", f"  {'SLA timer':<26} {'met':>4} {'breached':>8} {'running':>7} {'met %':>6}"]
    for c in found.sla:
        share = met_percent(c)
        shown = NONE if share is None else f"{share:g}%"
        label = pad(visible_line(c.label), 26)  # a policy's label: CJK takes two cells
        lines.append(f"  {label} {c.met:>4} {c.breached:>8} {c.running:>7} {shown:>6}")
    return "\n".join(line.rstrip() for line in lines)


@click.command()
@click.option(
    "--since",
    "since_text",
    metavar="DATE",
    help="Incidents declared from this day (YYYY-MM-DD, local) or this long ago (7d, 30d).",
)
@click.option("--drills", is_flag=True, help="Measure drills only (real incidents left out).")
@json_option
@pass_ctx
def report(context: Context, since_text: str | None, drills: bool, as_json: bool) -> None:
    """Counts by severity, times to detect, acknowledge, mitigate and resolve, SLA
    compliance; drills excluded (--drills: drills only)."""
    now = context.clock.now()
    tz = context.tz
    since = parse_since(since_text, now, tz) if since_text is not None else None
    with context.database() as db:
        found = [
            i
            for i in read_model.incidents(db, include_ended=True)
            if since is None or i.declared_at >= since
        ]
        counted = [i.id for i in found if i.drill == drills]
        histories = read_model.histories(db, counted)
        breached = {(i, timer) for i, timer, _ in read_model.recorded_breaches(db, counted)}
    result = build_report(found, histories, context.policy, now, since, breached, drills=drills)
    if as_json:
        echo_json(report_json(result))
        return
    echo(report_text(result, tz))
