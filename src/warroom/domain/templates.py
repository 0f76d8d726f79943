"""Status-update templates: check and render them safely (`loaders.templates` reads them).

A template is a text file with a small front-matter header and `{placeholder}`
slots. `{{` and `}}` write literal braces. Nothing else is special: no code
runs, no attribute or index is reached, and values are never re-read as
template text, so `{__class__}` in an incident title stays exactly that.

    ---
    name: external-update
    audience: external
    phase: update
    title: External - update
    fields: customer_segment
    ---
    Update on {impact_services}: {status_label}. ETA: {eta}

`audience` is internal or external; `phase` is initial, update, resolution
or summary; `title` is what the composer lists. `name` is optional (the file
name without its suffix) and `fields` optionally declares extra free fields,
comma-separated. Lines starting with `#` in the header are comments.

Packaged defaults live in `warroom/defaults/templates/*.md`. A team
templates directory (`*.md` and `*.txt`; dotfiles and README files skipped)
overrides a default of the same name and adds new ones. Every slot is checked
when the file is loaded: an unknown name is a `TemplateError` naming the file,
line and placeholder.

Rendering never leaves a blank: a value the incident does not have yet shows
as a marker such as `⟨ETA?⟩`. Control characters (ANSI escapes included) and
bidi overrides in the result are made visible (`␛[31m`, `⟨U+202E⟩`), never
passed through. Rich markup such as `[bold]` stays literal text: the result
is plain text and must be displayed as such.

Placeholders (values are strings; times show their zone):

- `{drill}` `[DRILL] ` for a drill, else nothing; `{id}` `12`; `{ref}` `#12`
- `{title}` `{summary}` `{kind}` `{commander}` `{channel}`
- `{severity}` `P1`; `{severity_label}` `High` (from the policy)
- `{status}` `fixing`; `{status_label}` `Fixing`; `{status_upper}` `FIXING`
- `{impact_users}` `{impact_services}` `{impact_business}`; `{impact}` all three on one line
- `{duration}` `1h 04m` from declaration to resolution (or now)
- `{update_every}` `30 minutes` (cadence); `{postmortem_due}` `48 hours`
- `{status_page_url}` (policy); without one, a line quoting it is left out
- `{recent_actions}` `{recent_decisions}` the last few timeline entries of
  that kind, one `- 14:02 CET text` line each
- `{answers}` every runbook answer, one `- question: answer` line each;
  `{answer:KEY}` one answer, KEY the question slugged (`which_region`)
- times, for T in declared, detected, acknowledged, mitigated, resolved,
  update (now, when the update is written) and next_update (now + cadence):
  `{T_at}` `2026-11-22 14:02 CET`, `{T_at_utc}` `2026-11-22 13:02 UTC`,
  `{T_time}` `14:02 CET`, `{T_time_utc}` `13:02 UTC`
- free fields the composer asks a person for: `{eta}` `{next_steps}`
  `{root_cause}` `{resolution}` `{prevention}` `{postmortem_url}`, plus any a
  template declares in `fields:`
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from warroom.domain.models import Incident
from warroom.domain.template_context import (
    ANSWER_KEY_PATTERN,
    ANSWER_PREFIX,
    FREE_FIELDS,
    NAME_PATTERN,
    OPTIONAL_PLACEHOLDERS,
    PLACEHOLDERS,
    TemplateContext,
    build_context,
    marker,
    placeholder_label,
)
from warroom.domain.visible import visible
from warroom.errors import WarroomError

__all__ = [
    "AUDIENCES",
    "FREE_FIELDS",
    "PHASES",
    "PLACEHOLDERS",
    "Slot",
    "Template",
    "TemplateContext",
    "TemplateError",
    "build_context",
    "parse_template",
    "placeholder_label",
    "render",
    "suggest_phase",
    "templates_for",
    "unfilled",
    "visible_controls",
]

AUDIENCES: tuple[str, ...] = ("internal", "external")
PHASES: tuple[str, ...] = ("initial", "update", "resolution", "summary")

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
_NAME = re.compile(NAME_PATTERN)
_ANSWER = re.compile(re.escape(ANSWER_PREFIX) + ANSWER_KEY_PATTERN)
_TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_HEADER_KEYS = ("name", "audience", "phase", "title", "fields")


class TemplateError(WarroomError):
    """A template that cannot be used; the message names file:line and the problem."""


@dataclass(frozen=True)
class Slot:
    """One `{placeholder}` in a template body."""

    name: str
    line: int


@dataclass(frozen=True)
class Template:
    """A checked template: its header, its body and the body split into parts."""

    name: str
    audience: str
    phase: str
    title: str
    body: str
    source: str
    fields: tuple[str, ...]  # extra free fields declared in the header
    parts: tuple[str | Slot, ...]

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Every placeholder the body uses, in order of first use."""
        return tuple(dict.fromkeys(p.name for p in self.parts if isinstance(p, Slot)))

    @property
    def free_fields(self) -> tuple[str, ...]:
        """The placeholders a person must fill in (ETA, next steps, declared fields)."""
        return tuple(n for n in self.placeholders if n in FREE_FIELDS or n in self.fields)


def _fail(source: str, line: int, problem: str) -> TemplateError:
    return TemplateError(f"{source}:{line}: {problem}")


def _split_header(text: str, source: str) -> tuple[dict[str, tuple[int, str]], str, int]:
    """Header fields (with their line numbers), the body and the body's first line."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise _fail(source, 1, "a template starts with a '---' header (audience, phase, title)")
    header: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(lines[1:], start=2):
        if raw.strip() == "---":
            body_lines = lines[number:]
            first = number + 1
            while body_lines and not body_lines[0].strip():
                body_lines.pop(0)
                first += 1
            return header, "\n".join(body_lines).rstrip(), first
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, sep, value = raw.partition(":")
        key = key.strip()
        if not sep or key not in _HEADER_KEYS:
            raise _fail(
                source, number, f"{key!r} is not a header field ({', '.join(_HEADER_KEYS)})"
            )
        if key in header:
            raise _fail(source, number, f"{key} is given twice")
        header[key] = (number, value.strip())
    raise _fail(source, len(lines), "the header is not closed with '---'")


def _header_choice(
    header: dict[str, tuple[int, str]], key: str, allowed: tuple[str, ...], source: str
) -> str:
    if key not in header:
        raise _fail(source, 1, f"{key} is required ({' or '.join(allowed)})")
    line, value = header[key]
    if value not in allowed:
        raise _fail(source, line, f"{key}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _declared_fields(header: dict[str, tuple[int, str]], source: str) -> tuple[str, ...]:
    if "fields" not in header:
        return ()
    line, value = header["fields"]
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    for name in names:
        if not _NAME.fullmatch(name):
            raise _fail(source, line, f"fields: {name!r} is not a field name (a-z, 0-9, _)")
        if name in PLACEHOLDERS:
            raise _fail(source, line, f"fields: {name} is filled from the incident")
    return names


def _unknown(source: str, line: int, inner: str, known: Iterable[str]) -> TemplateError:
    hint = difflib.get_close_matches(inner.strip(), list(known), n=1)
    suggestion = f" (did you mean {{{hint[0]}}}?)" if hint else ""
    return _fail(source, line, f"unknown placeholder {{{inner}}}{suggestion}")


def _parse_body(
    body: str, first_line: int, fields: tuple[str, ...], source: str
) -> tuple[str | Slot, ...]:
    known = {*PLACEHOLDERS, *FREE_FIELDS, *fields}
    parts: list[str | Slot] = []
    literal: list[str] = []
    position = 0
    line = first_line
    for match in _TOKEN.finditer(body):
        line += body.count("\n", position, match.start())  # from the last token: linear
        literal.append(body[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        if match.group(1) is None:
            raise _fail(source, line, f"a lone {token!r} (write {token * 2!r} for a literal brace)")
        name = match.group(1).strip()
        if name not in known and not _ANSWER.fullmatch(name):
            raise _unknown(source, line, match.group(1), known)
        parts.append("".join(literal))
        literal = []
        parts.append(Slot(name, line))
    literal.append(body[position:])
    parts.append("".join(literal))
    return tuple(p for p in parts if p != "")


def parse_template(text: str, source: str, default_name: str | None = None) -> Template:
    """Check and parse one template's text; `source` names the file in errors.

    The template's name is the header's `name`, else `default_name`, else the
    stem of `source`.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    header, body, first_line = _split_header(text, source)
    fallback = default_name if default_name is not None else PurePath(source).stem
    name_line, name = header.get("name", (1, fallback))
    if not _TEMPLATE_NAME.fullmatch(name):
        raise _fail(source, name_line, f"name: {name!r} is not a template name (a-z, 0-9, -, _)")
    audience = _header_choice(header, "audience", AUDIENCES, source)
    phase = _header_choice(header, "phase", PHASES, source)
    title_line, title = header.get("title", (1, ""))
    if not title:
        raise _fail(source, title_line, "title is required")
    if not body.strip():
        raise _fail(source, first_line, "the template has no text after its header")
    fields = _declared_fields(header, source)
    parts = _parse_body(body, first_line, fields, source)
    return Template(name, audience, phase, title, body, source, fields, parts)


def templates_for(
    templates: dict[str, Template], audience: str | None = None, phase: str | None = None
) -> list[Template]:
    """The templates for an audience and/or phase, in name order."""
    return [
        t
        for _, t in sorted(templates.items())
        if (audience is None or t.audience == audience) and (phase is None or t.phase == phase)
    ]


def suggest_phase(incident: Incident) -> str:
    """The phase an update for `incident` most likely is, for the composer to preselect."""
    if incident.status in ("resolved", "closed", "cancelled"):
        return "resolution"
    return "update" if incident.last_update_at is not None else "initial"


def visible_controls(text: str) -> str:
    """`text` with control characters and bidi overrides made visible; newline and tab kept.

    An ANSI escape such as `\\x1b[31m` becomes `␛[31m`: harmless on a
    terminal, in Slack or on a status page, and obviously not meant to be there.
    The mapping lives in `warroom.domain.visible`, shared by every output.
    """
    return visible(text)


def render(template: Template, context: TemplateContext) -> str:
    """The template filled from `context`; missing values show as `⟨label?⟩` markers,
    except an optional one (the status page URL): its line is left out."""
    pieces: list[str] = []
    dropped: set[int] = set()  # lines (0-based) quoting a missing optional value
    line = 0
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(part)
            line += part.count("\n")
            continue
        value = context.lookup(part.name)
        if value is None and part.name in OPTIONAL_PLACEHOLDERS:
            dropped.add(line)
            continue
        shown = marker(part.name) if value is None else value
        pieces.append(shown)
        line += shown.count("\n")
    text = "".join(pieces)
    if dropped:
        text = "\n".join(t for n, t in enumerate(text.split("\n")) if n not in dropped)
    return visible_controls(text)


def unfilled(template: Template, context: TemplateContext) -> list[str]:
    """The placeholders that would render as markers, in order of first use (a missing
    optional one is not: its line is left out)."""
    return [
        name
        for name in template.placeholders
        if context.lookup(name) is None and name not in OPTIONAL_PLACEHOLDERS
    ]
