"""The console in a browser: `warroom serve`.

`access` decides who may come in and under what name (loopback only, a token
file, or an authenticating reverse proxy's header); it imports nothing heavy.
`server` serves the page with textual-serve and runs one real console process
per browser on the same database file, signed by the person who logged in.
"""
