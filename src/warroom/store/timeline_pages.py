"""A huge timeline, a page at a time: count it, read the entries around a place.

The console keeps a small timeline whole in memory (`domain.timeline_state`);
one of more than `WHOLE_UP_TO` rows is read here instead, a window of entries at
a time, so opening it costs the same at 10,000 rows as at 1,000,000.

What shows is the *current* rows: not pin records, and not superseded by a
correction (a correction row is the entry's newest version, at its own `at`).
They are ordered by `(at, root)` like `TimelineState` (`root`: the id of the
entry's first version, stored on every row, so a correction keeps its entry's
place among entries of the same time), read by keyset on the index
`timeline_order` (a filter by kind: `timeline_kind_order`; migration 018), and
whether a row was corrected is one probe of `timeline_corrections` (migration 011).
The total for the scrollbar is a sum over a few rows of `timeline_counts` (kept by
triggers: migration 020), so opening, `g` and `G` cost a page whatever the length.
The rows of a page are then folded as the whole timeline would fold them: the
versions each replaced (walked back along `supersedes`) and the latest pin row
naming any of its versions.

A filter narrows in SQL (`TimelineFilter.kinds`); the pinned filter and a search
narrow to a set of current ids, which the pins and the full-text index bound.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from warroom.domain.models import TimelineEntry
from warroom.domain.timeline_filters import TIMELINE_FILTERS, TimelineFilter
from warroom.domain.timeline_state import ShownEntry
from warroom.store.queries import newest_row, read_snapshot, timeline_rows

if TYPE_CHECKING:
    import sqlite_utils

# rows: a timeline this small is read whole and folded in memory. A whole read costs
# ~35 us a row on a slow host (read 17, fold 7, lay out 6-11; all off the console's
# thread when read ahead): keys onto incidents of ~3,000 rows, back to back, waited
# ~160 ms each for it, where a page (`PAGE` each side) costs ~10 ms. Not lower: a
# paged timeline scrolls by entry, and cannot show an entry taller than its pane whole
WHOLE_UP_TO = 2_000
PAGE = 150  # entries read on each side of where the reader is

Key = tuple[str, int]  # (`at` as stored, root id): the timeline's order, an entry's place
Place = tuple[str, int, int]  # a key and the id of the row that stands there now
Anchor = Literal["newest", "oldest"] | Key | int  # an int: that many entries from the oldest

# a row that shows: not a pin record, and no row corrects it
_CURRENT = (
    "t.kind != 'pin' AND NOT EXISTS"
    " (SELECT 1 FROM timeline c WHERE c.supersedes = t.id AND c.supersedes IS NOT NULL)"
)


@dataclass(frozen=True)
class PageRequest:
    """Which entries a reader wants: an incident, narrowed, around an anchor."""

    incident_id: int
    rule: TimelineFilter = TIMELINE_FILTERS["all"]
    matches: frozenset[int] | None = None  # search hits (row ids); None: no search
    anchor: Anchor = "newest"  # a key: entries from it on come after, the rest before
    before: int = PAGE
    after: int = PAGE
    near: int = 0  # where the reader thinks the anchor is (which side is shorter to count)

    def narrowed_like(self, other: PageRequest) -> bool:
        """Whether both read the same entries (only where they read differs)."""
        return (self.incident_id, self.rule, self.matches) == (
            other.incident_id,
            other.rule,
            other.matches,
        )


@dataclass(frozen=True)
class TimelinePage:
    """Entries `start`.. of the `total` that pass the request's narrowing."""

    request: PageRequest  # as read: a key anchor, or newest/oldest
    total: int
    start: int
    entries: tuple[ShownEntry, ...]
    keys: tuple[Key, ...]  # each entry's place, for the next request
    newest_row: int  # rows with a greater id were written after this read


def is_big(db: sqlite_utils.Database, incident_id: int) -> bool:
    """Whether the incident's timeline is too long to read whole (`WHOLE_UP_TO`)."""
    found = db.conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM timeline WHERE incident_id = ? LIMIT ?)",
        (incident_id, WHOLE_UP_TO + 1),
    ).fetchone()
    return int(found[0]) > WHOLE_UP_TO


def read_page(
    db: sqlite_utils.Database, request: PageRequest, *, since: TimelinePage | None = None
) -> TimelinePage:
    """The entries around `request.anchor`, folded, with where they stand in the whole.

    `since`: a page read before with the same narrowing; for the newest page the
    total is then counted on from it (the rows written since: an id range) rather
    than counted again. One read transaction, so the count and `newest_row` agree.
    """
    with read_snapshot(db):  # or the caller's transaction
        return _read_page(db, request, since)


def _read_page(
    db: sqlite_utils.Database, request: PageRequest, since: TimelinePage | None
) -> TimelinePage:
    newest = newest_row(db)
    narrowed = _Narrowed(db, request)
    anchor = request.anchor
    if since is not None and anchor == "newest" and narrowed.counts_on(since):
        total = since.total + narrowed.written_since(since.newest_row)
        appended = _appended(db, request, narrowed, since, total, newest)
        if appended is not None:
            return appended
    else:
        total = narrowed.count_before(None)
    if isinstance(anchor, int) and not isinstance(anchor, bool):
        anchor = narrowed.key_at(max(0, anchor), total) or "newest"
    if anchor == "newest":  # nothing comes after the newest: the page before it only
        places = narrowed.keys_before(None, request.before)[::-1]
        start = total - len(places)
    elif anchor == "oldest":
        places = narrowed.keys_from(None, request.before + request.after)
        start = 0
    else:
        assert isinstance(anchor, tuple)
        earlier = narrowed.keys_before(anchor, request.before)[::-1]
        places = earlier + narrowed.keys_from(anchor, request.after)
        if request.near > total // 2:  # count the shorter side: from the anchor to the end
            start = total - narrowed.count(anchor, ">=") - len(earlier)
        else:
            start = narrowed.count_before(anchor) - len(earlier)
    rows = {row.id: row for row in timeline_rows(db, [place[2] for place in places])}
    places = [p for p in places if p[2] in rows]  # a row with an unusable time stays out
    entries = _fold(db, request.incident_id, [rows[place[2]] for place in places])
    return TimelinePage(
        replace(request, anchor=anchor),
        max(total, start + len(entries)),
        max(0, start),
        tuple(entries),
        tuple((place[0], place[1]) for place in places),
        newest,
    )


def _appended(
    db: sqlite_utils.Database,
    request: PageRequest,
    narrowed: _Narrowed,
    since: TimelinePage,
    total: int,
    newest_row: int,
) -> TimelinePage | None:
    """The newest page as `since` plus what was written after it, when that is only new
    entries after its last (no correction, no pin, nothing backdated): a reader following
    the end reads the new rows, not the page again. None: read the page whole."""
    if since.request.anchor != "newest" or not since.keys or len(since.keys) != len(since.entries):
        return None
    changed = db.conn.execute(
        "SELECT count(*) FROM timeline WHERE id > ? AND +incident_id = ?"
        " AND (supersedes IS NOT NULL OR kind = 'pin')",
        (since.newest_row, request.incident_id),
    ).fetchone()[0]
    if changed:
        return None
    last = since.keys[-1]
    found = narrowed.keys_from(last, total - since.total + 1)
    fresh = [p for p in found if (p[0], p[1]) != last]
    if len(fresh) != total - since.total or any(p[2] <= since.newest_row for p in fresh):
        return None  # something was backdated before the page's end: read it whole
    rows = {row.id: row for row in timeline_rows(db, [p[2] for p in fresh])}
    fresh = [p for p in fresh if p[2] in rows]  # a row with an unusable time stays out
    added = _fold(db, request.incident_id, [rows[p[2]] for p in fresh])
    if len(added) != len(fresh):
        return None
    keep = max(request.before, 1)
    keys = (*since.keys, *((p[0], p[1]) for p in fresh))[-keep:]
    entries = (*since.entries, *added)[-keep:]
    return TimelinePage(
        replace(request, anchor="newest"),
        max(total, len(keys)),
        max(0, total - len(keys)),
        entries,
        keys,
        newest_row,
    )


def newest_of_kind(
    db: sqlite_utils.Database, incident_id: int, kind: str, limit: int
) -> list[ShownEntry]:
    """The newest `limit` entries of `kind` as they read now (struck ones too), oldest
    first: what a long timeline's hand-off and update composer draw on."""
    rule = TimelineFilter(kind, frozenset({kind}))
    return list(read_page(db, PageRequest(incident_id, rule, None, "newest", limit, 0)).entries)


class _Narrowed:
    """The SQL for the current rows that pass a request's narrowing."""

    def __init__(self, db: sqlite_utils.Database, request: PageRequest) -> None:
        self.db = db
        self.incident_id = request.incident_id
        rule = request.rule
        self.kinds: list[str] | None = None
        if rule.kinds is not None:
            known = rule.kinds if not rule.other_kinds else _kinds_in(db, self.incident_id)
            self.kinds = sorted(k for k in known if rule.kind_passes(k) and k != "pin")
        ids: set[int] | None = None
        if rule.pinned:
            ids = _pinned(db, self.incident_id)
        if request.matches is not None:
            hits = _current_of(db, request.matches)
            ids = hits if ids is None else ids & hits
        self.ids = None if ids is None else json.dumps(sorted(ids))

    def _where(
        self, key: Key | None, compare: str, hour: str | None = None
    ) -> tuple[str, list[Any]]:
        """The condition (on `t`) and its parameters, pins and corrected rows aside;
        `hour`: from that hour on only."""
        where: list[str] = ["t.incident_id = ?"]
        params: list[Any] = [self.incident_id]
        if self.ids is not None:  # a few ids: read by id, not along the incident's index
            where = ["+t.incident_id = ? AND t.id IN (SELECT value FROM json_each(?))"]
            params.append(self.ids)
        if self.kinds is not None:
            where.append(f"t.kind IN ({','.join('?' * len(self.kinds))})")
            params.extend(self.kinds)
        if hour is not None:
            where.append("t.at >= ?")
            params.append(hour)
        if key is not None:
            where.append(f"(t.at, t.root) {compare} (?, ?)")
            params.extend(key)
        return " AND ".join(where), params

    def count_before(self, key: Key | None) -> int:
        """How many pass with a key before `key` (None: all of them)."""
        return self.count(key, "<")

    def count(self, key: Key | None, compare: str) -> int:
        """How many pass with a key `compare` (`<`, `>=`) `key` (None: all of them)."""
        if self.ids is not None:
            where, params = self._where(key, compare)
            sql = f"SELECT count(*) FROM timeline t WHERE {where} AND {_CURRENT}"
            return self._one(sql, params)
        if key is None:
            return self.counted()
        # the hours before the key's as counted, and its own hour up to it row by row
        hour = _hour_of(key)
        before = self.counted(hour) + self._rows_counted(key, hour)
        return before if compare == "<" else self.counted() - before

    def _rows_counted(self, key: Key, hour: str) -> int:
        """How many pass from `hour` on with a key before `key`, counted row by row:
        every row (one index range), less the pin records and the rows a correction
        replaced (both few: an index each), rather than a probe per row."""
        where, params = self._where(key, "<", hour)
        rows = self._one(f"SELECT count(*) FROM timeline t WHERE {where}", params)
        pins = 0
        if self.kinds is None:
            sql = f"SELECT count(*) FROM timeline t WHERE {where} AND t.kind = 'pin'"
            pins = self._one(sql, params)
        replaced = self._one(  # the corrections first (CROSS JOIN keeps that order)
            "SELECT count(*) FROM timeline c CROSS JOIN timeline t ON t.id = c.supersedes"
            f" WHERE c.supersedes IS NOT NULL AND +c.incident_id = ? AND {where}"
            " AND t.kind != 'pin'",
            [self.incident_id, *params],
        )
        return rows - pins - replaced

    def _kept(self, before: str | None) -> tuple[str, list[Any]]:
        """The condition on `timeline_counts` for what passes (before the hour `before`)."""
        where = "incident_id = ? AND kind != 'pin'"
        params: list[Any] = [self.incident_id]
        if self.kinds is not None:
            where += f" AND kind IN ({','.join('?' * len(self.kinds))})"
            params.extend(self.kinds)
        if before is not None:
            where += " AND hour < ?"
            params.append(before)
        return where, params

    def counted(self, before: str | None = None) -> int:
        """How many pass (in the hours before `before`), as kept by the file's triggers
        (`timeline_counts`, db migration 020): rows less those a correction replaced,
        pins aside (what `_rows_counted` counts row by row: a million took ~50 ms)."""
        where, params = self._kept(before)
        sql = f"SELECT coalesce(sum(written - replaced), 0) FROM timeline_counts WHERE {where}"
        return self._one(sql, params)

    def counts_on(self, page: TimelinePage) -> bool:
        """Whether `page`'s total can be counted on by the rows written since: the same
        narrowing, by kind only (a pin or a search changes which ids pass)."""
        request = page.request
        return (
            request.incident_id == self.incident_id
            and self.ids is None
            and request.matches is None
            and not request.rule.pinned
            and self.kinds == _Narrowed(self.db, request).kinds
        )

    def written_since(self, row_id: int) -> int:
        """How many more pass now than with the rows up to `row_id`: each new current
        row that passes, less each row it corrected that passed (an id range)."""
        kinds, params = "", [row_id, self.incident_id]
        if self.kinds is not None:
            kinds = f" AND t.kind IN ({','.join('?' * len(self.kinds))})"
        added = self._one(
            f"SELECT count(*) FROM timeline t WHERE t.id > ? AND +t.incident_id = ?"
            f" AND t.kind != 'pin'{kinds}",
            [*params, *(self.kinds or [])],
        )
        replaced = self._one(
            "SELECT count(*) FROM timeline c CROSS JOIN timeline t ON t.id = c.supersedes"
            " WHERE c.id > ? AND +c.incident_id = ? AND c.supersedes IS NOT NULL"
            f" AND t.kind != 'pin'{kinds}",
            [*params, *(self.kinds or [])],
        )
        return added - replaced

    def keys_from(self, key: Key | None, limit: int) -> list[Place]:
        """Up to `limit` places from `key` on (None: from the oldest), oldest first."""
        return self._keys(key, ">=", "", limit)

    def keys_before(self, key: Key | None, limit: int) -> list[Place]:
        """Up to `limit` places before `key` (None: from the newest), newest first."""
        return self._keys(key, "<", " DESC", limit)

    def _keys(self, key: Key | None, compare: str, order: str, limit: int) -> list[Place]:
        if limit <= 0 or self.kinds == []:
            return []
        if self.kinds is None or self.ids is not None or len(self.kinds) == 1:
            where, params = self._where(key, compare)
            sql = (
                f"SELECT t.at, t.root, t.id FROM timeline t WHERE {where} AND {_CURRENT}"
                f" ORDER BY t.at{order}, t.root{order} LIMIT ?"
            )
            return [
                (str(r[0]), int(r[1]), int(r[2]))
                for r in self.db.conn.execute(sql, [*params, limit])
            ]
        # several kinds: each kind's range of `timeline_kind_order` in order, merged
        found: list[Place] = []
        for kind in self.kinds:
            found.extend(self._only(kind)._keys(key, compare, order, limit))  # noqa: SLF001
        found.sort(reverse=bool(order))
        return found[:limit]

    def key_at(self, offset: int, total: int) -> Key | None:
        """The key about `offset` entries from the oldest of `total`; None past the end.
        The hours before it as counted, then an index walk within its hour (pin records
        and corrected rows counted too, not a probe per row); a search's few ids are
        walked from the nearer end."""
        if offset >= total:
            return None
        hour, order = None, ""
        if self.ids is None:
            where, params = self._kept(None)
            hours = self.db.conn.execute(
                "SELECT hour, sum(written - replaced) FROM timeline_counts"
                f" WHERE {where} GROUP BY hour ORDER BY hour",
                params,
            )
            for bucket, entries in hours:
                if offset < entries:
                    hour = str(bucket)
                    break
                offset -= entries
            else:
                return None
        elif offset > total // 2:  # nearer the newest: walked back from there
            order, offset = " DESC", total - 1 - offset
        where, params = self._where(None, "", hour)
        if self.ids is not None:
            where += f" AND {_CURRENT}"
        found = self.db.conn.execute(
            f"SELECT t.at, t.root FROM timeline t WHERE {where}"
            f" ORDER BY t.at{order}, t.root{order} LIMIT 1 OFFSET ?",
            [*params, offset],
        ).fetchone()
        return None if found is None else (str(found[0]), int(found[1]))

    def _only(self, kind: str) -> _Narrowed:
        one = object.__new__(_Narrowed)
        one.db, one.incident_id, one.ids, one.kinds = self.db, self.incident_id, self.ids, [kind]
        return one

    def _one(self, sql: str, params: list[Any]) -> int:
        return int(self.db.conn.execute(sql, params).fetchone()[0])


def _hour_of(key: Key) -> str:
    """The hour a key's stored `at` falls in, as `timeline_counts` buckets it (db.py)."""
    return key[0][:13]


def _kinds_in(db: sqlite_utils.Database, incident_id: int) -> set[str]:
    """The kinds of rows the incident has (a skip along `timeline_kind_order`, not a scan)."""
    rows = db.conn.execute(
        "WITH RECURSIVE k(kind) AS (SELECT min(kind) FROM timeline WHERE incident_id = ?"
        " UNION ALL SELECT (SELECT min(kind) FROM timeline WHERE incident_id = ?"
        " AND kind > k.kind) FROM k WHERE k.kind IS NOT NULL)"
        " SELECT kind FROM k WHERE kind IS NOT NULL",
        (incident_id, incident_id),
    )
    return {str(r[0]) for r in rows}


def _current_of(db: sqlite_utils.Database, ids: frozenset[int] | set[int]) -> set[int]:
    """The current version of each row's entry (walked forward along corrections)."""
    rows = db.conn.execute(
        "WITH RECURSIVE fwd(id) AS (SELECT value FROM json_each(?)"
        " UNION SELECT c.id FROM timeline c JOIN fwd ON c.supersedes = fwd.id)"
        " SELECT t.id FROM fwd JOIN timeline t ON t.id = fwd.id WHERE " + _CURRENT,
        (json.dumps(sorted(ids)),),
    )
    return {int(r[0]) for r in rows}


def _pins(db: sqlite_utils.Database, incident_id: int, targets: list[int] | None) -> list[Any]:
    """(pin row id, entry it names, pinned) of pin records, oldest first; only those
    naming `targets` when given."""
    sql = "SELECT id, data FROM timeline WHERE incident_id = ? AND kind = 'pin'"
    params: list[Any] = [incident_id]
    if targets is not None:
        sql += " AND json_extract(data, '$.entry') IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(targets))
    found = []
    for pin_id, data in db.conn.execute(sql + " ORDER BY id", params):
        decoded = json.loads(data or "{}")
        if isinstance(decoded.get("entry"), int):
            found.append((int(pin_id), decoded["entry"], bool(decoded.get("pinned"))))
    return found


def _pinned(db: sqlite_utils.Database, incident_id: int) -> set[int]:
    """Current ids of the pinned entries: the latest pin record of each entry's
    versions decides."""
    pins = _pins(db, incident_id, None)
    latest: dict[int, tuple[int, bool]] = {}
    for pin_id, target, pinned in pins:
        for current in _current_of(db, {target}):
            if pin_id > latest.get(current, (0, False))[0]:
                latest[current] = (pin_id, pinned)
    return {current for current, (_, pinned) in latest.items() if pinned}


def _fold(
    db: sqlite_utils.Database, incident_id: int, rows: list[TimelineEntry]
) -> list[ShownEntry]:
    """Current rows as they show: with the versions they replaced and their pin."""
    earlier: dict[int, TimelineEntry] = {}
    wanted = [row.supersedes for row in rows if row.supersedes is not None]
    if wanted:
        back = db.conn.execute(
            "WITH RECURSIVE back(id) AS (SELECT value FROM json_each(?)"
            " UNION SELECT t.supersedes FROM timeline t JOIN back ON t.id = back.id"
            " WHERE t.supersedes IS NOT NULL) SELECT id FROM back",
            (json.dumps(wanted),),
        )
        earlier = {row.id: row for row in timeline_rows(db, [int(r[0]) for r in back])}
    histories: list[tuple[TimelineEntry, ...]] = []
    for row in rows:
        chain: list[TimelineEntry] = []
        step = row.supersedes
        while step is not None and step in earlier and len(chain) <= len(earlier):
            chain.append(earlier[step])
            step = earlier[step].supersedes
        histories.append(tuple(sorted(chain, key=lambda version: version.id)))
    named = [row.id for row in rows] + list(earlier)
    latest: dict[int, tuple[int, bool]] = {}  # version id -> its latest pin record
    for pin_id, target, pinned in _pins(db, incident_id, named):
        latest[target] = max(latest.get(target, (0, False)), (pin_id, pinned))
    shown = []
    for row, history in zip(rows, histories, strict=True):
        versions = [row.id, *(version.id for version in history)]
        pin = max((latest[v] for v in versions if v in latest), default=(0, False))
        shown.append(ShownEntry(row, pin[1], history))
    return shown
