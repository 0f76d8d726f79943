"""`warroom deliver`: send the outbox's pages; `warroom pages`: who was paged, how it went.

`deliver` runs delivery rounds (every second, or `--once`) on the same file as
the consoles: each round claims due pages under a lease, sends them through
Apprise or the notify hook outside any transaction, and records the outcome, so
two deliverers (or a deliverer and the engine) never send the same page, and a
deliverer killed mid-send leaves its pages to the next one once the lease ends.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from typing import TYPE_CHECKING, Any

import click

from warroom.cli.group import INCIDENT_ID, Context, json_option, pass_ctx
from warroom.cli.output import echo, echo_json
from warroom.domain.channels import channel_kind, redacted
from warroom.domain.pages import EVENTS, Page, paging_on
from warroom.domain.timefmt import format_when, to_iso
from warroom.domain.visible import pad, visible_line
from warroom.errors import WriteFailed
from warroom.store import read_model

if TYPE_CHECKING:
    from warroom.service.pages import DeliveryRound


@click.command()
@click.option("--once", is_flag=True, help="Run one round and exit.")
@click.option(
    "--interval", default=1.0, show_default=True, type=click.FloatRange(0.05), help="Seconds."
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="Per round.")
@click.option(
    "--lease",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1),
    help="Seconds a claimed page is held before another deliverer may take it over.",
)
@click.option("--sweep", "also_sweep", is_flag=True, help="Also sweep the clocks each round.")
@click.option("--worker", default=None, help="This deliverer's name in leases (default: unique).")
@json_option
@pass_ctx
def deliver(
    context: Context,
    once: bool,
    interval: float,
    limit: int,
    lease: float,
    also_sweep: bool,
    worker: str | None,
    as_json: bool,
) -> None:
    """Send the outbox's pages, with retries and back-off, until stopped (or --once).

    Prints one line per page sent or failed. SIGTERM or Ctrl-C stops it after the
    round in progress. A secrets file that others can read is refused here.
    """
    from warroom.delivery import read_secrets_file
    from warroom.service.pages import new_worker_id

    policy = context.policy
    if policy.pages.secrets_file:
        read_secrets_file(policy.pages.secrets_file)  # refused before anything is sent
    if not paging_on(policy.contacts):
        click.echo("warning: no contact in the policy lists channels: nothing is paged", err=True)
    worker = worker or new_worker_id()
    stopping: list[int] = []
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, _frame: stopping.append(number))
    with context.database() as database:
        room = context.war_room(database)
        while True:
            try:
                if also_sweep:
                    room.run_notify_hook(room.sweep().engaged)
                done = room.deliver_pages(
                    worker_id=worker,
                    limit=limit,
                    lease=dt.timedelta(seconds=lease),
                    keep_going=lambda: not stopping,
                )
            except WriteFailed as exc:  # busy for longer than the timeout: the next round
                if once:
                    raise
                click.echo(f"warning: {exc}", err=True)
                done = None
            if done is not None:
                if as_json and once:
                    echo_json(_round_json(done))
                for line in [] if as_json else done.lines():
                    echo(visible_line(line))
            if once or stopping:
                return
            if done is not None and done.claimed == limit:
                continue  # more are waiting: no pause
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.05, interval))
            if stopping:
                return


def _round_json(done: DeliveryRound) -> dict[str, Any]:
    return {
        "worker": done.worker,
        "claimed": done.claimed,
        "delivered": [p.id for p in done.delivered],
        "retrying": [{"id": p.id, "error": why} for p, why in done.retrying],
        "failed": [{"id": p.id, "error": why} for p, why in done.failed],
    }


def page_json(page: Page) -> dict[str, Any]:
    """One page in `warroom pages --json`."""
    return {
        "id": page.id,
        "incident_id": page.incident_id,
        "event": page.event,
        "recipient": page.recipient,
        "via": channel_kind(page.channel),
        "channel": redacted(page.channel),
        "subject": page.subject,
        "state": page.state,
        "attempts": page.attempts,
        "queued_at": to_iso(page.created_at),
        "next_attempt_at": to_iso(page.next_attempt_at) if page.state == "pending" else None,
        "last_attempt_at": to_iso(page.last_attempt_at) if page.last_attempt_at else None,
        "delivered_at": to_iso(page.delivered_at) if page.delivered_at else None,
        "error": page.last_error,
    }


@click.command()
@click.argument("incident", type=INCIDENT_ID, required=False)
@click.option("--failed", "only_failed", is_flag=True, help="Only pages that FAILED for good.")
@json_option
@pass_ctx
def pages(context: Context, incident: int | None, only_failed: bool, as_json: bool) -> None:
    """Who was paged, through what, when, after how many attempts, and how it went.

    With INCIDENT, that incident's pages; else every page. States: delivered,
    pending (not sent yet, or failed and waiting to try again), FAILED (gave up).
    """
    now = context.clock.now()
    with context.database() as database:
        if incident is not None:
            read_model.incident(database, incident)  # an unknown id: one line naming it
        found = read_model.pages(database, incident)
    if only_failed:
        found = [page for page in found if page.failed]
    if as_json:
        echo_json([page_json(page) for page in found])
        return
    if not found:
        on = f" on #{incident}" if incident is not None else ""
        echo(f"no page FAILED{on}" if only_failed else f"nobody was paged{on}")
        return
    tz = context.tz
    for page in found:
        when = page.delivered_at or page.last_attempt_at or page.created_at
        state = {"delivered": "delivered", "failed": "FAILED"}.get(page.state, "pending")
        tries = f"{page.attempts} attempt{'s' if page.attempts != 1 else ''}"
        line = (
            f"{pad(str(page.id), 4)} #{page.incident_id} {pad(state, 9)}"
            f" {pad(EVENTS.get(page.event, page.event), 19)}"
            f" {visible_line(page.recipient)} via {channel_kind(page.channel)}"
            f" · {format_when(when, now, tz)} · {tries}"
        )
        if page.state == "pending" and page.attempts:
            line += f" · next try {format_when(page.next_attempt_at, now, tz)}"
        if page.last_error and page.state != "delivered":
            line += f" · {visible_line(page.last_error)}"
        echo(line)
