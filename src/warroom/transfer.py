"""Exporting an incident (post-mortem Markdown, or everything as JSON) and reading exports back.

The JSON document (`format: "warroom-export"`, `version: 1`) carries every
row that belongs to the incident: the incident, the whole timeline (corrected,
struck and pin rows included, data as objects), roles with their history,
checklists with their items, posted updates, the unposted draft, follow-ups,
SLA breaches, escalations, and (version 2) the alerts monitoring sent, each
with every signal's body exactly as it came. Rows keep their ids so references
between them (`supersedes`, a pin's `data.entry`, a correction's
`data.corrects`, a follow-up's `from_entry` and `data.follow_up`, an alert
row's `data.alert`) can be remapped on import. Times are the stored UTC ISO
strings; keys are sorted, so exports diff well. A version 1 export (before
alerts were exported) still imports: its alert rows lose their `data.alert`,
since the alert they named is not in the file.

`FIELDS` is the format: a test checks it covers every column of the schema,
so a new column cannot be left out of exports silently.

The console imports this module lazily (export is off the start-up path).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom.domain.alerts.record import ALERT_STATUSES, SOURCES
from warroom.domain.json_document import load_json
from warroom.domain.policy import Policy
from warroom.domain.postmortem import render_postmortem
from warroom.domain.roles import role_key
from warroom.domain.timefmt import EARLIEST, LATEST, check_day, check_moment, to_iso
from warroom.domain.visible import json_text
from warroom.domain.vocabulary import (
    ENTRY_KINDS,
    FOLLOW_UP_PRIORITIES,
    FOLLOW_UP_STATUSES,
    INCIDENT_KINDS,
    ROLES,
    STATUSES,
    SYSTEM_KINDS,
)
from warroom.errors import InvalidInput, WriteFailed
from warroom.paths import file_mode
from warroom.store.db import access_for
from warroom.store.export_queries import incident_rows, record_from_rows

if TYPE_CHECKING:
    import sqlite_utils

FORMAT = "warroom-export"
VERSION = 2  # 2: `alerts` (version 1 had none)

# record -> field -> type: int, text, bool, time, date, object; `?` allows null
FIELDS: dict[str, dict[str, str]] = {
    "incident": {
        **dict.fromkeys(("title", "severity", "status", "kind", "summary", "commander"), "text"),
        **dict.fromkeys(("impact_users", "impact_services", "impact_business"), "text"),
        **dict.fromkeys(("channel", "postmortem_owner"), "text"),
        **dict.fromkeys(("id", "escalation_level"), "int"),
        "drill": "bool",
        "declared_at": "time",
        **dict.fromkeys(
            ("detected_at", "acknowledged_at", "mitigated_at", "resolved_at", "closed_at"), "time?"
        ),
        "last_update_at": "time?",
        # 007_postmortem_and_impact (optional: exports from before it lack them)
        **dict.fromkeys(("postmortem_done_at", "impact_started_at", "impact_ended_at"), "time?"),
    },
    "timeline": {
        "id": "int",
        **dict.fromkeys(("at", "logged_at"), "time"),
        **dict.fromkeys(("author", "os_user", "kind", "text"), "text"),
        "data": "object",
        "supersedes": "int?",
    },
    "roles": {
        "id": "int",
        **dict.fromkeys(("role", "person", "assigned_by"), "text"),
        "assigned_at": "time",
        "ended_at": "time?",
    },
    "checklists": {
        "id": "int",
        **dict.fromkeys(("runbook_id", "title", "description", "attached_by"), "text"),
        "attached_at": "time",
        "detached_at": "time?",
        "detached_by": "text?",  # older exports lack it
        "items": "list",
    },
    "checklist_items": {
        **dict.fromkeys(("position", "depth"), "int"),
        **dict.fromkeys(("key", "section", "text", "detail", "command", "role", "ask"), "text"),
        "within_seconds": "int?",
        **dict.fromkeys(("answer", "done_by"), "text?"),
        **dict.fromkeys(("within_from", "done_when"), "text?"),  # older exports lack them
        "done_at": "time?",
    },
    "updates": {
        "id": "int",
        **dict.fromkeys(("audience", "template", "body", "author"), "text"),
        "posted_at": "time",
    },
    "drafts": {
        **dict.fromkeys(("template", "body", "author"), "text"),
        "updated_at": "time",
    },
    "follow_ups": {
        "id": "int",
        **dict.fromkeys(("text", "owner", "priority", "status"), "text"),
        **dict.fromkeys(("created_by", "updated_by"), "text"),
        "due": "date?",
        "from_entry": "int?",
        **dict.fromkeys(("created_at", "updated_at"), "time"),
    },
    "sla_breaches": {
        "id": "int",
        "timer": "text",
        **dict.fromkeys(("deadline", "recorded_at"), "time"),
    },
    "escalations": {
        **dict.fromkeys(("id", "level"), "int"),
        **dict.fromkeys(("who", "person", "notify", "how", "by"), "text"),
        "engaged_at": "time",
        "severity": "text?",  # 008: the ladder a call came from (absent in older exports)
    },
    # 014_alerts (export version 2)
    "alerts": {
        "id": "int",
        **dict.fromkeys(("source", "key", "group_key", "status", "title", "severity_hint"), "text"),
        "labels": "object",
        "links": "list",
        "starts_at": "time?",
        "starts_at_ns": "int?",  # nanoseconds since 1970, exactly as the sender said
        **dict.fromkeys(("first_seen_at", "last_seen_at"), "time"),
        "resolved_at": "time?",
        "signals": "list",
    },
    "alert_signals": {
        "received_at": "time",
        **dict.fromkeys(("status", "event", "item"), "text"),
        "payload": "text",  # the body as received, whole
    },
}
# the lists of the document (drafts is a single `draft`, or null)
LISTS = (
    "timeline",
    "roles",
    "checklists",
    "updates",
    "follow_ups",
    "sla_breaches",
    "escalations",
    "alerts",
)
OPTIONAL_LISTS = frozenset({"alerts"})  # absent from version 1 exports


def _pick(row: dict[str, Any], record: str) -> dict[str, Any]:
    picked = {name: row[name] for name in FIELDS[record] if name in row}
    if record == "incident":
        picked["drill"] = bool(picked["drill"])
    if record == "timeline":
        picked["data"] = json.loads(picked["data"] or "{}")
    if record == "alerts":
        picked["labels"] = json.loads(picked["labels"] or "{}")
        picked["links"] = json.loads(picked["links"] or "[]")
    return picked


def build_document(rows: dict[str, Any], now: dt.datetime | None = None) -> dict[str, Any]:
    """The export document for rows read by `export_queries.incident_rows`."""
    items: dict[int, list[dict[str, Any]]] = {c["id"]: [] for c in rows["checklists"]}
    for item in rows["checklist_items"]:
        items[item["checklist_id"]].append(_pick(item, "checklist_items"))
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": to_iso(now) if now else None,
        "incident": _pick(rows["incident"], "incident"),
        "draft": _pick(rows["drafts"][0], "drafts") if rows["drafts"] else None,
    }
    for name in LISTS:
        document[name] = [_pick(r, name) for r in rows[name]]
    for checklist in document["checklists"]:
        checklist["items"] = items[checklist["id"]]
    signals: dict[int, list[dict[str, Any]]] = {a["id"]: [] for a in rows["alerts"]}
    for signal in rows["alert_signals"]:
        signals[signal["alert_id"]].append(_pick(signal, "alert_signals"))
    for alert in document["alerts"]:
        alert["signals"] = signals[alert["id"]]
    return document


def dump(document: dict[str, Any]) -> str:
    """The document as JSON: exact text, with what a terminal would act on escaped."""
    return json_text(document, indent=2, sort_keys=True) + "\n"


def export_json(db: sqlite_utils.Database, incident_id: int, now: dt.datetime | None = None) -> str:
    """Everything about one incident as a JSON document (see the module doc)."""
    return dump(build_document(incident_rows(db, incident_id), now))


def export_markdown(
    db: sqlite_utils.Database,
    incident_id: int,
    policy: Policy,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
) -> str:
    """The incident's post-mortem in Markdown (times UTC; `tz` adds local declaration time)."""
    return render_postmortem(record_from_rows(incident_rows(db, incident_id)), policy, now, tz)


def write_file(
    path: Path,
    text: str,
    *,
    force: bool = False,
    database: Path | None = None,
    share_group: bool | None = None,
) -> None:
    """Write a file warroom makes (an export, a runbook), the one safe way.

    Never over the `database` or its -wal/-shm, by any name (a hard link, a
    symlink), whatever `force` says; over an existing file, or through a link to
    a file that does not exist, only with `force`. The text goes to a temporary
    file beside the target that is then renamed over it, so a failure leaves the
    old file (or none), never half of one. The file is 0600, or 0660 with
    `share_group` (by default: as `database` is opened).
    """
    path = path.expanduser()
    if database is not None:
        _refuse_database(path, database)
    if share_group is None:
        share_group = database is not None and access_for(database).share_group
    target = _target(path, force)
    _write_via_temporary(path, target, text, file_mode(share_group), replace=force)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise InvalidInput(f"cannot follow the link {path} (it loops)") from None


def _refuse_database(path: Path, database: Path) -> None:
    base = _resolved(database.expanduser())
    target = _resolved(path)
    for name in (base, Path(f"{base}-wal"), Path(f"{base}-shm")):
        same = target == name  # by name: also a -wal that is not there right now
        if not same:
            try:
                same = os.path.samefile(path, name)  # by inode: hard links, other routes
            except OSError:
                continue  # one of them does not exist
        if same:
            raise InvalidInput(f"{path} is the warroom database; write to another file")


def _target(path: Path, force: bool) -> Path:
    """The file to write: a symlink's target; refused when it needs `force`."""
    if path.is_symlink():
        target = _resolved(path)
        if not target.exists():
            if not force:
                raise InvalidInput(
                    f"{path} is a link to {os.readlink(path)}, which does not exist; "
                    "use --force to write there"
                )
            return target
        path = target
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; use --force to overwrite it")
    return path


def _write_via_temporary(shown: Path, target: Path, text: str, mode: int, *, replace: bool) -> None:
    import tempfile  # only when writing a file: shutil and lzma stay out of every command

    try:
        fd, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as exc:
        raise WriteFailed(f"cannot write {shown}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), mode)  # exact, whatever the umask
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, target)
        else:
            _link_new(temporary, target)
    except FileExistsError:
        raise InvalidInput(f"{shown} already exists; use --force to overwrite it") from None
    except OSError as exc:
        raise WriteFailed(f"cannot write {shown}: {exc.strerror or exc}") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _link_new(temporary: str, target: Path) -> None:
    """Put the file in place only if nothing appeared there meanwhile."""
    try:
        os.link(temporary, target)  # fails if the name is taken: no race with a new file
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(temporary, target)


# -- reading an export back ------------------------------------------------------------

# timeline `data` keys that name another row: (row kind, or None for any, key) -> list
DATA_REFERENCES: dict[tuple[str | None, str], str] = {
    (None, "corrects"): "timeline",
    ("pin", "entry"): "timeline",
    ("follow_up", "from_entry"): "timeline",
    ("follow_up", "follow_up"): "follow_ups",
    ("alert", "alert"): "alerts",
}
_TYPE_NAMES = {
    "int": "a whole number",
    "text": "text",
    "bool": "true or false",
    "time": "a UTC time (ISO 8601 with a zone)",
    "date": "a date (YYYY-MM-DD)",
    "object": "an object",
    "list": "a list",
}


def data_references(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(data key, list it points into) for each reference in a timeline row's data."""
    return [
        (key, target)
        for (kind, key), target in DATA_REFERENCES.items()
        if (kind is None or kind == row["kind"]) and row["data"].get(key) is not None
    ]


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, problem: str) -> InvalidInput:
        return InvalidInput(f"{self.source}: {problem}")

    def value(self, value: Any, kind: str, where: str) -> Any:
        if kind.endswith("?"):
            if value is None:
                return None
            kind = kind[:-1]
        try:
            if kind == "time":
                parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
                if not isinstance(value, str) or parsed.tzinfo is None:
                    raise ValueError(value)
                return to_iso(self.moment(parsed, value, where))
            if kind == "date" and isinstance(value, str):
                return self.day(dt.date.fromisoformat(value), value, where).isoformat()
        except ValueError:
            pass
        expected = {"int": int, "text": str, "bool": bool, "object": dict, "list": list}
        is_bool_as_int = kind == "int" and isinstance(value, bool)
        if kind in expected and isinstance(value, expected[kind]) and not is_bool_as_int:
            return value
        shown = json.dumps(value, ensure_ascii=False)[:40]
        raise self.fail(f"{where} must be {_TYPE_NAMES[kind]}, not {shown}")

    # Year 0001 or 9999 would break every later read of the incident: refused, named.
    def moment(self, parsed: dt.datetime, value: str, where: str) -> dt.datetime:
        try:
            return check_moment(parsed.astimezone(dt.UTC), where)
        except (ValueError, OverflowError):
            raise self.out_of_range(value, where) from None

    def day(self, parsed: dt.date, value: str, where: str) -> dt.date:
        try:
            return check_day(parsed, where)
        except ValueError:
            raise self.out_of_range(value, where) from None

    def out_of_range(self, value: str, where: str) -> InvalidInput:
        return self.fail(f"{where} {value} is outside {EARLIEST:%Y}-{LATEST:%Y}; check the year")

    def record(self, value: Any, record: str, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{where} must be an object")
        fields = FIELDS[record]
        unknown = sorted(set(value) - set(fields))
        if unknown:
            raise self.fail(f"{where} has an unknown field {unknown[0]!r}")
        missing = [name for name, kind in fields.items() if name not in value and "?" not in kind]
        if missing:
            raise self.fail(f"{where}.{missing[0]} is missing")
        return {
            name: self.value(value.get(name), kind, f"{where}.{name}")
            for name, kind in fields.items()
        }

    def references(self, document: dict[str, Any]) -> None:
        ids: dict[str, set[int]] = {}
        for name in ("timeline", "follow_ups", "alerts"):
            found = [row["id"] for row in document[name]]
            ids[name] = set(found)
            if len(ids[name]) != len(found):
                raise self.fail(f"{name} lists the same id twice")
        for row in document["timeline"]:
            if row["supersedes"] is not None and not (
                row["supersedes"] in ids["timeline"] and row["supersedes"] < row["id"]
            ):
                raise self.fail(
                    f"timeline entry {row['id']} supersedes {row['supersedes']}, "
                    "which is not an earlier entry in the file"
                )
            for key, target in data_references(row):
                if row["data"][key] not in ids[target]:
                    raise self.fail(
                        f"timeline entry {row['id']} refers to {target} {row['data'][key]!r} "
                        f"(data.{key}), which is not in the file"
                    )
        for item in document["follow_ups"]:
            if item["from_entry"] is not None and item["from_entry"] not in ids["timeline"]:
                raise self.fail(
                    f"follow-up {item['id']} comes from timeline entry {item['from_entry']}, "
                    "which is not in the file"
                )


def parse_document(text: str, source: str) -> dict[str, Any]:
    """A checked export document, times normalised; InvalidInput names `source` and the problem.

    Nothing in the text can crash or hang the import: nesting past MAX_DEPTH,
    NUL characters, lone surrogates and huge numbers are refused by name.
    """
    document = load_json(text, source)
    if not isinstance(document, dict) or "format" not in document:
        raise InvalidInput(f'{source} is not a warroom export (no "format": "{FORMAT}")')
    if document["format"] != FORMAT:
        shown = repr(document["format"])
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        raise InvalidInput(
            f"{source} is not a warroom export (format {shown}, expected {FORMAT!r})"
        )
    check = _Checker(source)
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise check.fail(f"version {json.dumps(version)} is not an export version")
    if version > VERSION:
        raise InvalidInput(
            f"{source} was written by a newer warroom (export version {version}; this warroom "
            f"reads version {VERSION}); upgrade warroom to import it"
        )
    known = {"format", "version", "exported_at", "incident", "draft", *LISTS}
    unknown = sorted(set(document) - known)
    if unknown:
        raise check.fail(f"unknown field {unknown[0]!r}")
    missing = sorted(known - set(document) - {"exported_at", "draft", *OPTIONAL_LISTS})
    if missing:
        raise check.fail(f"{missing[0]} is missing")
    parsed: dict[str, Any] = {
        "format": FORMAT,
        "version": version,
        "exported_at": check.value(document.get("exported_at"), "time?", "exported_at"),
        "incident": check.record(document["incident"], "incident", "incident"),
        "draft": None,
    }
    if document.get("draft") is not None:
        parsed["draft"] = check.record(document["draft"], "drafts", "draft")
    for name in LISTS:
        rows = check.value(document.get(name, []), "list", name)
        parsed[name] = [check.record(r, name, f"{name}[{i}]") for i, r in enumerate(rows)]
    for i, checklist in enumerate(parsed["checklists"]):
        checklist["items"] = [
            check.record(item, "checklist_items", f"checklists[{i}].items[{j}]")
            for j, item in enumerate(checklist["items"])
        ]
    for i, alert in enumerate(parsed["alerts"]):
        alert["signals"] = [
            check.record(signal, "alert_signals", f"alerts[{i}].signals[{j}]")
            for j, signal in enumerate(alert["signals"])
        ]
    if version < 2 and not parsed["alerts"]:  # the alerts were not exported: nothing to name
        for row in parsed["timeline"]:
            if row["kind"] == "alert":
                row["data"].pop("alert", None)
    _check_words(check, parsed)
    check.references(parsed)
    return parsed


def _check_words(check: _Checker, parsed: dict[str, Any]) -> None:
    """Fields with a fixed vocabulary hold one of its words (a console reads them back)."""
    incident = parsed["incident"]
    choices: list[tuple[str, object, Collection[str]]] = [
        ("incident.status", incident["status"], STATUSES),
        ("incident.kind", incident["kind"], INCIDENT_KINDS),
    ]
    choices += [
        (f"follow_ups[{i}].{field}", item[field], allowed)
        for i, item in enumerate(parsed.get("follow_ups", []))
        for field, allowed in (("status", FOLLOW_UP_STATUSES), ("priority", FOLLOW_UP_PRIORITIES))
    ]
    choices += [
        (f"timeline[{i}].kind", row["kind"], (*ENTRY_KINDS, *SYSTEM_KINDS))
        for i, row in enumerate(parsed.get("timeline", []))
    ]
    for i, alert in enumerate(parsed.get("alerts", [])):
        choices.append((f"alerts[{i}].source", alert["source"], SOURCES))
        choices.append((f"alerts[{i}].status", alert["status"], ALERT_STATUSES))
        choices += [
            (f"alerts[{i}].signals[{j}].status", signal["status"], ALERT_STATUSES)
            for j, signal in enumerate(alert["signals"])
        ]
    for where, value, allowed in choices:
        if value not in allowed:
            raise check.fail(f"{where} {value!r} is not one of: {', '.join(allowed)}")
    # roles come from the exporting team's policy (domain/roles.py): any role key will do
    for i, row in enumerate(parsed.get("roles", [])):
        if not row["role"] or role_key(row["role"]) != row["role"]:
            known = ", ".join(ROLES)
            raise check.fail(f"roles[{i}].role {row['role']!r} is not a role key (like: {known})")
