"""`warroom serve`: the console in browsers, one console process per browser."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from warroom.cli.group import Context, pass_ctx


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port; the address is printed).",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="`NAME: TOKEN` lines: a browser logs in with its token and signs as NAME.",
)
@click.option(
    "--proxy-user-header",
    metavar="HEADER",
    help="An authenticating reverse proxy is in front and names the person in HEADER "
    "(e.g. X-Forwarded-User); only that proxy must reach this port.",
)
@pass_ctx
def serve(
    context: Context, host: str, port: int, token_file: Path | None, proxy_user_header: str | None
) -> None:
    """Serve the console to browsers: each browser is a console of its own.

    Every console runs on this database file, so browsers and terminals see each
    other live. Loopback only unless --token-file or --proxy-user-header says who people are;
    each console signs what it writes with the logged-in person's name (on
    loopback without either, with yours: --as or WARROOM_USER).
    """
    from warroom.web.access import choose_gate

    gate = choose_gate(host, context.settings.actor.name, token_file, proxy_user_header)
    if token_file is not None and os.stat(token_file).st_mode & 0o077:
        click.echo(f"warning: {token_file} is readable by others: chmod 600 it", err=True)
    context.policy  # noqa: B018 - a bad policy stops here, not in every browser
    with context.database(create=True, check_policy=False):
        pass  # a foreign file is refused now, before anyone opens a page
    from warroom.web.server import ConsoleServer, console_environment, serve_until_stopped

    logging.basicConfig(level=logging.INFO, format="warroom serve: %(message)s")
    server = ConsoleServer(
        gate,
        console_environment(context.settings),
        host=host,
        port=port,
        title=f"warroom: {context.settings.db_path.name}",
    )
    who = {
        "local": f"this machine only; every console signs as {gate.local_name}",
        "token": f"log in with a token from {token_file} ({len(gate.tokens)} people)",
        "proxy": f"the reverse proxy's {gate.user_header} header names each person",
    }[gate.mode]

    def announce(url: str) -> None:
        click.echo(f"warroom serve: {url} ({who}); ctrl+c stops", err=True)

    try:
        serve_until_stopped(server, announce)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
