"""Each incident's next deadline as the list shows it, kept in the file (migration
019's `next_due`), so `warroom list` need not work out every incident's clocks.

A kept row is the deadline `domain.next_due.worked_out` found (see there), with
what it was worked out from: the incident's change number in `incident_changes`
(which the file's triggers move on every change to the incident row, its roles,
updates, ladder calls, breaches and clock rows, whoever writes them) and `rules`,
a digest of the policy text and of the code that derives deadlines. A reader uses
a row only while both still match (`kept`); any other incident is worked out as
before. So a row can be missing or old, but never wrong: the service writes the
rows of the incidents each of its transactions changed (`service.base`), and
every row when a policy is recorded (`refresh`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import warroom
from warroom.domain import list_json, next_due
from warroom.domain.digests import blake2b
from warroom.domain.next_due import NextDue
from warroom.domain.policy import Policy
from warroom.domain.policy_record import fingerprint
from warroom.domain.sla import Deadline
from warroom.store import queries

if TYPE_CHECKING:
    import sqlite_utils

    from warroom.domain.models import Engagement, Incident
    from warroom.domain.sla import IncidentHistory

# migration 021: the incident's text as `warroom list --json` prints it, in the parts
# that do not move with the clock (domain.list_json.kept); NULL when its row had a
# time that is not a time (its reader reads it whole, and warns)
LISTED = ("listed_head", "listed_tail")

TABLE = (
    "CREATE TABLE IF NOT EXISTS next_due ("
    " incident_id INTEGER PRIMARY KEY,"
    " seq INTEGER NOT NULL,"  # the incident's `incident_changes.seq` (0: none yet)
    " rules TEXT NOT NULL,"  # `rules(policy)`
    " holds_from TEXT,"  # NextDue.holds_from (isoformat), NULL: any moment
    " name TEXT,"  # the timer; NULL: none runs
    " deadline TEXT,"  # isoformat, exact
    " severity INTEGER,"  # its index in the policy's severities
    " target_us INTEGER,"  # the timer's target, in microseconds
    " audience TEXT,"
    f" {', '.join(f'{c} TEXT' for c in LISTED)})"  # migration 021: see `LISTED`
)

# the rules every row was last worked out under (`warroom_meta`): after an upgrade
# (new code) the first command under the recorded policy works them all out again
META = "next_due_rules"

# an incident's change number, as the reader and the writer both read it
_SEQ = "coalesce((SELECT seq FROM incident_changes c WHERE c.incident_id = {id}), 0)"


# the modules a kept deadline and the list's kept text are derived by: this one and
# every warroom module it imports, at its top or inside a function, found by reading
# their import statements (`derived_by`); a test holds them to what importing it loads
_ROOT = "store/next_due.py"
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(warroom(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)"
    r"|import[ \t]+(warroom(?:\.\w+)*))",
    re.MULTILINE,
)


def _imported(source: str, modules: set[str]) -> set[str]:
    """The warroom modules (of `modules`, paths under the package) the source's import
    lines name."""
    found = set()
    for origin, names, plain in _IMPORT.findall(source):
        for dotted in [plain] if plain else [origin, *(f"{origin}.{n}" for n in _names(names))]:
            parts = dotted.split(".")[1:]
            for path in ("/".join(parts) + ".py", "/".join([*parts, "__init__.py"])):
                if path in modules:
                    found.add(path)
            for depth in range(len(parts)):  # importing a module runs its packages' too
                package = "/".join([*parts[:depth], "__init__.py"])
                if package in modules:
                    found.add(package)
    return found


def _names(imported: str) -> list[str]:
    """`a, b as c` or `(a,\n b)` as the names before any `as`."""
    words = imported.strip("() \t\n").replace("\n", " ").split(",")
    return [w.split()[0] for w in words if w.split()]


def derived_by(package: Path) -> list[str]:
    """`_ROOT` and every warroom module it imports, directly or through another, as
    paths under `package` (sorted); their source texts are read once to find them."""
    modules = {
        f"{folder[len(str(package)) + 1 :]}/{name}".lstrip("/").replace(os.sep, "/")
        for folder, _, names in os.walk(package)
        for name in names
        if name.endswith(".py")
    }
    seen: dict[str, bytes] = {}
    todo = [_ROOT]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen[name] = (package / name).read_bytes()
        todo.extend(_imported(seen[name].decode("utf-8"), modules) - set(seen))
    return sorted(seen)


# what `derived_by` finds, kept as a list: walking the imports at every start would
# cost each command ~5 ms (a test holds the list to what it finds)
DERIVED_BY = (
    "__init__.py",
    "domain/__init__.py",
    "domain/alerts/__init__.py",
    "domain/alerts/policy.py",
    "domain/alerts/record.py",
    "domain/alerts/sources.py",
    "domain/business_hours.py",
    "domain/channels.py",
    "domain/digests.py",
    "domain/escalation.py",
    "domain/ladder_reader.py",
    "domain/json_document.py",
    "domain/list_json.py",
    "domain/models.py",
    "domain/next_due.py",
    "domain/pages.py",
    "domain/policy.py",
    "domain/policy_reader.py",
    "domain/policy_record.py",
    "domain/roles.py",
    "domain/rota.py",
    "domain/sla.py",
    "domain/text_files.py",
    "domain/timefmt.py",
    "domain/update_clocks.py",
    "domain/visible.py",
    "domain/vocabulary.py",
    "domain/yaml_text.py",
    "errors.py",
    "paths.py",
    "store/__init__.py",
    "store/clock_rows.py",
    "store/db.py",
    "store/file_access.py",
    "store/next_due.py",
    "store/queries.py",
)


@functools.cache
def _code() -> bytes:
    """What derives a kept deadline besides the policy: warroom's version and the text
    of the modules that derive it (`DERIVED_BY`: an upgrade or an edited checkout never
    reads a row an older rule wrote; two installs of one version share them)."""
    digest = blake2b(warroom.__version__.encode(), digest_size=16)
    package = Path(warroom.__file__).parent
    for name in DERIVED_BY:
        try:
            digest.update((package / name).read_bytes())
        except OSError:
            return b""  # no sources to tell versions apart by: keep nothing
    whole: bytes = digest.digest()
    return whole


def rules(policy: Policy) -> str | None:
    """The digest a kept row is valid under, or None when none can be kept
    (`next_due.keeps`, or the code cannot be told apart)."""
    code = _code()
    if not code or not next_due.keeps(policy):
        return None
    key: str = blake2b(code + fingerprint(policy.text).encode(), digest_size=12).hexdigest()
    return key


def kept(db: sqlite_utils.Database, policy: Policy) -> dict[int, NextDue]:
    """Every kept row that is still valid under `policy`, by incident id."""
    key = rules(policy)
    if key is None:
        return {}
    found: dict[int, NextDue] = {}
    severities = policy.severities
    times: dict[str, dt.datetime] = {}  # many incidents share a holds_from
    for incident_id, holds_from, name, deadline, severity, target_us, audience in db.conn.execute(
        "SELECT n.incident_id, n.holds_from, n.name, n.deadline, n.severity, n.target_us,"
        " n.audience FROM next_due n LEFT JOIN incident_changes c USING (incident_id)"
        " WHERE n.rules = ? AND n.seq = coalesce(c.seq, 0)",
        (key,),
    ):
        since = None
        if holds_from is not None:
            since = times.get(holds_from) or times.setdefault(
                holds_from, dt.datetime.fromisoformat(holds_from)
            )
        found[incident_id] = NextDue(
            None
            if name is None
            else Deadline(
                name,
                dt.datetime.fromisoformat(deadline),
                severities[severity],
                dt.timedelta(microseconds=target_us),
                None,
                audience,
            ),
            since,
        )
    return found


def add_listed(db: sqlite_utils.Database) -> None:
    """Migration 021: the `LISTED` columns (a table made by this version has them), and
    every row worked out again by the next command (`filled_under`)."""
    have = {str(row[1]) for row in db.conn.execute("PRAGMA table_info(next_due)")}
    for column in LISTED:
        if column not in have:
            db.conn.execute(f"ALTER TABLE next_due ADD COLUMN {column} TEXT")
    db.conn.execute("DELETE FROM warroom_meta WHERE key = ?", (META,))


def create(db: sqlite_utils.Database) -> None:
    """Make the table (migration 019) and fill it under the policy the file records,
    if any (a file upgraded in place lists fast from its first read)."""
    from warroom.domain.policy import parse_policy
    from warroom.domain.policy_reader import PolicyError

    db.conn.execute(TABLE)
    recorded = db.conn.execute(  # as store.policy_record reads it (the newest row rules)
        "SELECT source, text FROM policy_record ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if recorded is None:
        return  # the first writer records one, and fills the rows then
    try:
        policy = parse_policy(str(recorded[1]), str(recorded[0]))
    except PolicyError:
        return
    refresh(db, policy, None)


# incidents worked out in one transaction when all are worked out again (a policy
# recorded, an upgrade): a person's write waits for one batch, never the whole file
BATCH = 500


def incident_batches(db: sqlite_utils.Database) -> list[list[int]]:
    """Every incident's id, in batches of `BATCH`."""
    ids = [int(row[0]) for row in db.conn.execute("SELECT id FROM incidents ORDER BY id")]
    return [ids[n : n + BATCH] for n in range(0, len(ids), BATCH)]


def mark_filled(db: sqlite_utils.Database, policy: Policy) -> None:
    """Say every incident's row was worked out under `policy` (after the batches)."""
    key = rules(policy)
    if key is not None:
        db.conn.execute("INSERT OR REPLACE INTO warroom_meta VALUES (?, ?)", (META, key))


def filled_under(db: sqlite_utils.Database) -> str | None:
    """The rules every incident's row was last worked out under (None: never)."""
    row = db.conn.execute("SELECT value FROM warroom_meta WHERE key = ?", (META,)).fetchone()
    return None if row is None else str(row[0])


def refresh(db: sqlite_utils.Database, policy: Policy, incident_ids: Iterable[int] | None) -> None:
    """Work out and keep the rows of `incident_ids` (None: every incident), in the
    caller's write transaction. An incident whose stored inputs cannot all be read
    (a time that is not a time) keeps no row, so a reader reads it whole, and warns."""
    key = rules(policy)
    if key is None:
        return
    ids = None if incident_ids is None else list(incident_ids)
    if ids is None:
        db.conn.execute("INSERT OR REPLACE INTO warroom_meta VALUES (?, ?)", (META, key))
    with queries.noted() as read_notes:
        if ids is None:
            found = queries.incidents(db, include_ended=True)
        else:
            found = queries.incidents_by_id(db, ids, include_ended=True)
    if ids is not None:
        gone = set(ids) - {i.id for i in found}
        if gone:
            db.conn.executemany(
                "DELETE FROM next_due WHERE incident_id = ?", [(i,) for i in sorted(gone)]
            )
    running = [i for i in found if next_due.clocks_run(i)]
    try:
        with queries.noted() as notes:
            state = queries.clock_state(db, [i.id for i in running])
        unreadable = _unreadable_of(db, running, notes)
    except _MALFORMED:  # a row no reader can fold (an import by an older version)
        state, unreadable = _one_by_one(db, running)
    index = {id(s): n for n, s in enumerate(policy.severities)}
    rows, dropped = [], [(i.id,) for i in found if not next_due.clocks_run(i)]
    for incident in running:
        if incident.id in unreadable:
            dropped.append((incident.id,))
            continue
        history, assigned, engaged = state[incident.id]
        try:
            due = next_due.worked_out(incident, policy, history, assigned=assigned, engaged=engaged)
        except _MALFORMED:
            dropped.append((incident.id,))
            continue
        if due.deadline and id(due.deadline.severity) not in index:
            dropped.append((incident.id,))
            continue
        rows.append(
            (
                incident.id,
                incident.id,
                key,
                *_columns(due, index),
                *_listed(incident, due, policy, read_notes),
            )
        )
    db.conn.executemany("DELETE FROM next_due WHERE incident_id = ?", dropped)
    db.conn.executemany(
        "INSERT OR REPLACE INTO next_due (incident_id, seq, rules, holds_from, name, deadline,"
        f" severity, target_us, audience, {', '.join(LISTED)})"
        f" VALUES (?, {_SEQ.format(id='?')}, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _listed(
    incident: Incident, due: NextDue, policy: Policy, read_notes: list[str]
) -> tuple[str | None, str | None]:
    """The incident's kept list text (`list_json.kept`), or none: a row read with a
    time that is not a time (its reader warns), or a column holding what warroom never
    writes (a blob another tool stored: the list reads it whole, and the write goes on)."""
    if read_notes:
        return None, None
    try:
        return list_json.kept(incident, due.deadline, policy)
    except _MALFORMED:
        return None, None


def _columns(
    due: NextDue, index: dict[int, int]
) -> tuple[str | None, str | None, str | None, int | None, int | None, str | None]:
    """A row's columns after its id, change number and rules."""
    # in UTC: the list compares it with its own moment as text (store.list_rows)
    holds_from = None if due.holds_from is None else due.holds_from.astimezone(dt.UTC).isoformat()
    d = due.deadline
    if d is None:
        return holds_from, None, None, None, None, None
    target = d.target // dt.timedelta(microseconds=1)
    return holds_from, d.name, d.deadline.isoformat(), index[id(d.severity)], target, d.audience


# an incident's clock inputs, as `queries.clock_state` gives them
_ClockInputs = tuple["IncidentHistory", dict[str, tuple[str, ...]], tuple["Engagement", ...]]

# what a stored row that is not what warroom writes raises while it is folded: the
# incident keeps no row (its reader works it out, and says what it says today), and
# every other incident's row is kept as usual
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def _one_by_one(
    db: sqlite_utils.Database, running: list[Incident]
) -> tuple[dict[int, _ClockInputs], set[int]]:
    """`clock_state` of each incident alone: those that cannot be read at all, or had a
    row left out, are the second set."""
    state: dict[int, _ClockInputs] = {}
    unreadable: set[int] = set()
    for incident in running:
        try:
            with queries.noted() as mine:
                state.update(queries.clock_state(db, [incident.id]))
        except _MALFORMED:
            unreadable.add(incident.id)
            continue
        if mine:
            unreadable.add(incident.id)
    return state, unreadable


def _unreadable_of(
    db: sqlite_utils.Database, running: list[Incident], notes: list[str]
) -> set[int]:
    """The incidents among `running` whose clock inputs had a row left out or read as
    unset (`notes` were taken while reading them all): each is read alone to tell."""
    if not notes:
        return set()
    found = set()
    for incident in running:
        with queries.noted() as mine:
            queries.clock_state(db, [incident.id])
        if mine:
            found.add(incident.id)
    return found
