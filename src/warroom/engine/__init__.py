"""The engine (`warroom engine`): one long-running process on a database that
sweeps the clocks every second (so ladders advance with no console open) and
receives alerts over HTTP.

    runner.py       Engine: start, the per-tick duties, stop on SIGTERM / SIGINT
    receiver.py     the HTTP routes (aiohttp): POST /alerts/SOURCE, GET /healthz
    rooms.py        a worker thread with its own connection and war room
    credentials.py  the bearer token and PagerDuty's signing secret, from private files

An edge like the CLI and the console: it writes only through the service and
reads only through the read model. Only `warroom engine` imports it (aiohttp
is not loaded by any other command).
"""
