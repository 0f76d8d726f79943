"""Turn a real-world Markdown runbook into a Runbook (and so into our YAML).

Headings become sections; `- [ ]`, `* [ ]`, `- [x]` and numbered steps
become items, nested as in the source; a code fence becomes the command of
the item it sits under (or the last item above it in the section). Other
text is kept: prose and plain bullets go to the description of the section
or the detail of the item they belong to. Front matter gives the title and
description; HTML tags are dropped but their text is kept; nothing in
brackets is touched, so `[#33]`, `[x][y]` and `[text](url)` survive.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import PurePath

import yaml

from warroom.domain.runbooks import Item, Runbook, RunbookError, Section, slugify, tidy_block
from warroom.domain.text_files import MAX_TEXT_BYTES, refuse_unsafe_text
from warroom.domain.yaml_text import compose_yaml

_FENCE = re.compile(r"^( *)(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r"^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_CHECKBOX = re.compile(r"^\[[ xX]\](?:[ \t]+(.*))?$")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
# Only real HTML elements are dropped: `<USER_A>` or `<pod-name>` is text.
_HTML_TAGS = frozenset(
    "a abbr b big blockquote br caption center cite code col colgroup dd del details div dl "
    "dt em figcaption figure font h1 h2 h3 h4 h5 h6 hr i img input ins kbd li mark ol p "
    "pre s section small span strike strong sub summary sup table tbody td tfoot th thead "
    "tr tt u ul".split()
)
_LINK = re.compile(r"""<a\s[^<>]*?href=(["'])([^"']*)\1[^<>]*>([^<>]+)</a>""", re.IGNORECASE)
_UNTITLED_ITEM = "(untitled step)"
# items nest at most this deep; the YAML written for them stays well inside yaml_text.MAX_DEPTH
MAX_ITEM_DEPTH = 20


@dataclass
class _Draft:
    """An item while its lines are still arriving."""

    text: str
    more: list[str] = field(default_factory=list)  # lazy continuation lines of the text
    detail: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    children: list[_Draft] = field(default_factory=list)

    def item(self) -> Item:
        text = " ".join(part for part in (self.text.strip(), *self.more) if part)
        return Item(
            text=text or _UNTITLED_ITEM,
            detail=tidy_block(textwrap.dedent("\n".join(self.detail))),
            command=tidy_block("\n\n".join(self.commands)),
            items=tuple(child.item() for child in self.children),
        )


@dataclass
class _SectionDraft:
    title: str
    lines: list[str] = field(default_factory=list)
    items: list[_Draft] = field(default_factory=list)


@dataclass
class _Frame:
    """An open list entry: where its marker sits and what it feeds."""

    indent: int
    draft: _Draft | None  # None for a plain bullet
    sink: list[str]  # where text inside it goes: the item's detail, or where the bullet went


def strip_html(line: str) -> str:
    """Drop HTML tags from a line and keep their text (`<code>` becomes backticks).

    A link keeps its target as a Markdown link: `<a href="u">t</a>` -> `[t](u)`.
    """

    def replace(match: re.Match[str]) -> str:
        closing, name = match.group(1), match.group(2).lower()
        if name not in _HTML_TAGS:
            return match.group(0)
        if name == "code":
            return "`"
        if name == "li" and not closing:
            return "- "
        return " " if name == "br" else ""

    line = _LINK.sub(lambda m: f"[{m.group(3)}]({m.group(2)})", line)
    return _TAG.sub(replace, line.replace("<!--", "").replace("-->", ""))


def _is_html_block(line: str) -> bool:
    stripped = line.lstrip()
    match = _TAG.match(stripped)
    return stripped.startswith("<!--") or bool(match and match.group(2).lower() in _HTML_TAGS)


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """The front matter's title/description and the number of lines it takes."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return {}, 0
    fence = lines[0].strip()
    for end in range(1, len(lines)):
        if lines[end].strip() == fence or (fence == "---" and lines[end].strip() == "..."):
            break
    else:
        return {}, 0
    body = lines[1:end]
    found: dict[str, str] = {}
    if fence == "---":
        try:  # front matter that is not plain YAML is left alone, like any other
            node = compose_yaml("\n".join(body), "front matter", RunbookError)
        except RunbookError:
            node = None
        if isinstance(node, yaml.MappingNode):
            found = {
                key.value: str(value.value)
                for key, value in node.value
                if isinstance(key, yaml.ScalarNode)
                and key.value in ("title", "description")
                and isinstance(value, yaml.ScalarNode)
                and value.value
                and value.tag != "tag:yaml.org,2002:null"
            }
    else:
        for line in body:
            match = re.match(r'^\s*(title|description)\s*=\s*"(.*)"\s*$', line)
            if match:
                found[match.group(1)] = match.group(2)
    return found, end + 1


def _humanize(stem: str) -> str:
    words = re.sub(r"[_\-\s]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Imported runbook"


class _Importer:
    """Reads lines once, feeding sections, items and descriptions as it goes."""

    def __init__(self) -> None:
        self.lead: list[str] = []  # runbook description
        self.sections: list[_SectionDraft] = []
        self.stack: list[_Frame] = []
        self.target: _Draft | list[str] | None = None  # what a lazy next line continues
        self.blank = False
        self.last_item: _Draft | None = None

    @property
    def prose(self) -> list[str]:
        return self.sections[-1].lines if self.sections else self.lead

    def heading(self, title: str) -> None:
        self.sections.append(_SectionDraft(title or "Untitled section"))
        self.stack, self.target, self.last_item, self.blank = [], None, None, False

    def rule(self) -> None:
        self.stack, self.target, self.blank = [], None, True

    def add(self, sink: list[str], line: str) -> None:
        if self.blank and sink and sink[-1]:
            sink.append("")
        sink.append(line)
        self.target, self.blank = sink, False

    def owner(self) -> _Draft | None:
        """The innermost item the open list lines belong to."""
        for frame in reversed(self.stack):
            if frame.draft is not None:
                return frame.draft
        return None

    def close_to(self, indent: int) -> None:
        while self.stack and self.stack[-1].indent >= indent:
            self.stack.pop()

    def html(self, text: str) -> None:
        self.stack = []
        self.add(self.prose, text)

    def list_line(self, indent: int, marker: str, content: str) -> None:
        self.close_to(indent)
        checkbox = _CHECKBOX.match(content)
        if marker[0].isdigit() or checkbox:
            text = (checkbox.group(1) or "") if checkbox else content
            draft = _Draft(text.strip())
            # deeper than MAX_ITEM_DEPTH, an item joins the deepest level instead
            drafts = [frame.draft for frame in self.stack if frame.draft is not None]
            parent = drafts[min(len(drafts), MAX_ITEM_DEPTH - 1) - 1] if drafts else None
            if parent is not None:
                parent.children.append(draft)
            else:
                if not self.sections:
                    self.sections.append(_SectionDraft("Checklist"))
                self.sections[-1].items.append(draft)
            self.stack.append(_Frame(indent, draft, draft.detail))
            self.target, self.last_item, self.blank = draft, draft, False
            return
        parent = self.owner()
        sink = parent.detail if parent is not None else self.prose
        self.add(sink, " " * indent + f"{marker} {content}".rstrip())
        self.stack.append(_Frame(indent, None, sink))

    def text_line(self, line: str) -> None:
        if not self.blank and self.target is not None:
            if isinstance(self.target, _Draft):
                self.target.more.append(line.strip())  # joined once: no quadratic copying
            else:
                self.target.append(line)
            return
        self.close_to(len(line) - len(line.lstrip()))
        self.add(self.stack[-1].sink if self.stack else self.prose, line)

    def fence(self, indent: int, raw: list[str], content: str) -> None:
        self.close_to(indent)
        owner = self.owner() if self.stack else self.last_item
        if owner is not None and content:
            owner.commands.append(content)
        else:  # code nobody owns stays where it was, fences and all
            sink = self.stack[-1].sink if self.stack else self.prose
            self.add(sink, raw[0])
            sink.extend(raw[1:])
        self.target, self.blank = None, False


def _dedent(line: str, indent: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent) :]


def _title_heading(lines: list[str]) -> int | None:
    """The index of the heading that names the whole runbook, if there is one.

    It is the first thing in the file and no heading is bigger than it.
    """
    first: tuple[int, int] | None = None
    smallest_level = 7
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            if first is None:
                return None
        if in_fence or not line.strip():
            continue
        match = _HEADING.match(line)
        if first is None:
            if not match:
                return None
            first = (index, len(match.group(1)))
        if match:
            smallest_level = min(smallest_level, len(match.group(1)))
    return first[0] if first is not None and first[1] <= smallest_level else None


def _heading_text(match: re.Match[str]) -> str:
    text = _CLOSING_HASHES.sub("", match.group(2) or "")
    return " ".join(strip_html(text).split())


def import_markdown(text: str, source: str = "imported.md") -> Runbook:
    """A Runbook from Markdown text; `source` names the file (its stem becomes the id).

    Text over 1 MB, or holding NUL characters, is refused with a RunbookError;
    lists nested deeper than MAX_ITEM_DEPTH are kept, at that depth.
    """
    if len(text) > MAX_TEXT_BYTES:
        raise RunbookError(f"{source}: the file is larger than 1 MB; warroom refuses it")
    refuse_unsafe_text(text, source, RunbookError)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    meta, start = _front_matter(lines)
    lines = lines[start:]

    importer = _Importer()
    stem = PurePath(source).stem
    title = ""
    title_index = _title_heading(lines)
    if title_index is not None:
        match = _HEADING.match(lines[title_index])
        assert match is not None
        title = _heading_text(match)
        lines[title_index] = ""
    if meta.get("title") and meta["title"] != title:
        if title:
            importer.lead.append(meta["title"])
        else:
            title = meta["title"]
    if meta.get("description"):
        importer.add(importer.lead, meta["description"])
        importer.blank = True
    if not title:
        title = _leading_line(lines) or _humanize(stem)

    _read(importer, lines)
    sections = tuple(
        Section(
            title=draft.title,
            description=tidy_block(textwrap.dedent("\n".join(draft.lines))),
            items=tuple(item.item() for item in draft.items),
        )
        for draft in importer.sections
    )
    return Runbook(
        id=slugify(stem) or slugify(title) or "imported",
        title=title,
        description=tidy_block(textwrap.dedent("\n".join(importer.lead))),
        sections=sections,
        source=source,
    )


def _leading_line(lines: list[str]) -> str:
    """A short first line standing alone (`**Accessing clusters**`) becomes the title."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        alone = index + 1 >= len(lines) or not lines[index + 1].strip()
        plain = not (_LIST.match(line) or _FENCE.match(line) or _is_html_block(line))
        candidate = line.strip().strip("*_").strip()
        if alone and plain and 0 < len(candidate) <= 80 and line.strip()[0] in "*_":
            lines[index] = ""
            return candidate
        return ""
    return ""


def _read(importer: _Importer, lines: list[str]) -> None:
    index = 0
    while index < len(lines):
        line = lines[index].expandtabs(4).rstrip()  # tabs count as indentation outside code
        index += 1
        fence = _FENCE.match(line)
        if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            indent, marker = len(fence.group(1)), fence.group(2)
            raw = [line[indent:]]
            body: list[str] = []
            while index < len(lines):
                candidate = lines[index].rstrip()
                index += 1
                closing = candidate.strip()
                if closing.startswith(marker) and not closing.strip(marker[0]):
                    raw.append(_dedent(candidate, indent))
                    break
                body.append(_dedent(candidate, indent))
                raw.append(body[-1])
            importer.fence(indent, raw, tidy_block(textwrap.dedent("\n".join(body))))
            continue
        if not line.strip():
            importer.blank = True
            continue
        heading = _HEADING.match(line)
        if heading:
            importer.heading(_heading_text(heading))
        elif _RULE.match(line):
            importer.rule()
        elif _is_html_block(line):
            text = strip_html(line).strip()
            if text:
                importer.html(text)
        else:
            line = strip_html(line).rstrip()
            listed = _LIST.match(line)
            if listed:
                importer.list_line(len(listed.group(1)), listed.group(2), listed.group(3) or "")
            elif line.strip():
                importer.text_line(line)
