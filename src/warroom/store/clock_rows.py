"""Which timeline rows the clocks derive from, as SQL conditions: shared by the schema
(db.py: the change log's triggers, the partial index) and the reads (queries.py)."""

from __future__ import annotations

# the timeline rows the clocks derive from (the change log's triggers watch these)
CLOCK_ROWS = "kind IN ('severity', 'status')"
# of those, the ones that can move a clock: every severity change, and the status moves
# into or out of `resolved` (a superset by text; the reader decides on the parsed row).
# Queries repeat it word for word so that SQLite uses the partial index on it.
CLOCK_MOVES = "(kind = 'severity' OR (kind = 'status' AND data LIKE '%resolved%'))"
