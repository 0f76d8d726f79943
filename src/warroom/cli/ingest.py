"""`warroom ingest SOURCE [FILE|-]`: take in a monitoring webhook body from a script.

Each alert in the body is one write (the alert, its timeline row, and a new
incident when it opens one); the command prints what each did, one line each:
`declared #12`, `updated #12`, `resolved alert on #12`, `ignored: ...`.
A body that cannot be read is refused in one line naming the file and the field.
"""

from __future__ import annotations

import sys

import click

from warroom.cli.group import INCIDENT_ID, Context, json_option, pass_ctx
from warroom.cli.output import echo, echo_json
from warroom.domain.alerts import MAX_BODY_BYTES, SOURCES, parse_body
from warroom.domain.text_files import decode_text
from warroom.domain.timefmt import format_when
from warroom.domain.visible import visible_line
from warroom.errors import InvalidInput
from warroom.loaders.text_files import read_text_file
from warroom.store import read_model


def _read_body(path: str) -> tuple[str, str]:
    """(text, name for errors) of FILE, or of stdin for `-`, read no further than the limit."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BODY_BYTES + 1)
        return decode_text(data, "<stdin>", InvalidInput, MAX_BODY_BYTES), "<stdin>"
    return read_text_file(path, "alert body", InvalidInput, MAX_BODY_BYTES), path


@click.command()
@click.argument("source", type=click.Choice(SOURCES, case_sensitive=False))
@click.argument("path", metavar="[FILE|-]", default="-")
@json_option
@pass_ctx
def ingest(context: Context, source: str, path: str, as_json: bool) -> None:
    """Take in an alert webhook body (alertmanager, grafana, pagerduty, opsgenie, events-v2):
    declares, updates or logs.

    FILE is the body as the sender posts it, or - (the default) for stdin. Prints
    one line per alert: `declared #12`, `updated #12`, `resolved alert on #12`,
    `ignored: ...`.
    """
    text, origin = _read_body(path)
    signals = parse_body(source.lower(), text, origin)
    with context.room(create=True) as room:
        outcomes = room.ingest(signals, text)
    if as_json:
        from warroom.cli.json_shapes import ingest_json

        echo_json(ingest_json(outcomes))
        return
    for outcome in outcomes:
        echo(visible_line(outcome.line))


@click.command()
@click.argument("incident", type=INCIDENT_ID)
@json_option
@pass_ctx
def alerts(context: Context, incident: int, as_json: bool) -> None:
    """The alerts on an incident: status, labels, links, when first and last heard."""
    now = context.clock.now()
    with context.database() as db:
        read_model.incident(db, incident)  # an unknown id is named
        found = read_model.incident_alerts(db, incident)
    if as_json:
        from warroom.cli.json_shapes import alert_json

        echo_json([alert_json(a) for a in found])
        return
    if not found:
        echo(f"#{incident} has no alerts")
        return
    tz = context.tz
    for alert in found:
        echo(f"{alert.status:<12} {visible_line(alert.source)} {visible_line(alert.key)}")
        echo(f"  {visible_line(alert.title)}")
        times = [
            f"{label} {format_when(at, now, tz)}"
            for label, at in (
                ("started", alert.starts_at),
                ("first heard", alert.first_seen_at),
                ("last heard", alert.last_seen_at),
                ("resolved", alert.resolved_at),
            )
            if at is not None
        ]
        signals = "1 signal" if alert.signals == 1 else f"{alert.signals} signals"
        echo(f"  {' · '.join([*times, signals])}")
        if alert.labels:
            shown = ", ".join(f"{k}={v}" for k, v in alert.labels.items())
            echo(f"  labels: {visible_line(shown)}")
        for what, url in alert.links:
            echo(f"  {visible_line(what)}: {visible_line(url)}")
