"""`warroom engine`: the long-running process that advances ladders with no console
open and receives alerts over HTTP (see `warroom.engine`)."""

from __future__ import annotations

from pathlib import Path

import click

from warroom.cli.group import Context, pass_ctx
from warroom.errors import InvalidInput

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.option(
    "--listen",
    default="127.0.0.1:9095",
    show_default=True,
    metavar="HOST:PORT",
    help="Where to receive alerts (port 0: any free port).",
)
@click.option(
    "--token-file",
    type=_FILE,
    help="File holding the bearer token senders present (mode 0600)."
    "  [default: DATABASE.engine-token, created with a new token]",
)
@click.option(
    "--pagerduty-secret-file",
    type=_FILE,
    help="File holding the PagerDuty webhook signing secret (mode 0600):"
    " /alerts/pagerduty then refuses bodies without a valid signature.",
)
@pass_ctx
def engine(
    context: Context, listen: str, token_file: Path | None, pagerduty_secret_file: Path | None
) -> None:
    """Run the engine: sweep the clocks every second and receive alerts over HTTP.

    Ladders advance and breaches are recorded with no console open; alerts
    arrive as POST /alerts/alertmanager|grafana|pagerduty|opsgenie|events-v2
    with `Authorization: Bearer TOKEN`; GET /healthz answers without one.
    Stops cleanly on SIGTERM or Ctrl-C.
    """
    import asyncio
    import logging

    from warroom.engine.credentials import read_secret_file, token_for
    from warroom.engine.runner import Engine, EngineSettings, is_loopback, parse_listen

    host, port = parse_listen(listen)
    if context.settings.read_only:
        raise InvalidInput("the engine writes to the file; it cannot run --read-only")
    context.policy  # noqa: B018 - a bad policy stops here with its message
    db_path = context.settings.db_path
    token = token_for(token_file, db_path)
    secret = (
        read_secret_file(pagerduty_secret_file, "PagerDuty secret file")
        if pagerduty_secret_file is not None
        else None
    )
    # creates or upgrades the file, records the policy (or warns it differs), and
    # refuses a file this process cannot write, before anything listens
    with context.room(create=True):
        pass
    logger = logging.getLogger("warroom.engine")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("warroom engine: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if token.created:
        logger.info("made a new token for senders in %s (mode 0600)", token.path)
    logger.info("senders must present the token in %s as Authorization: Bearer", token.path)
    if not is_loopback(host):
        logger.warning(
            "listening beyond this machine on %s: put TLS in front (a reverse proxy)", host
        )
    settings = EngineSettings(host, port, token.token, secret)
    running = Engine(
        db_path,
        context.clock,
        context.settings.actor,
        context.policy,
        settings,
        lambda: context.runbooks,
    )
    asyncio.run(running.serve())
