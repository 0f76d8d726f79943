"""Turn a real-world Markdown runbook into a Runbook (and so into our YAML).

markdown-it-py reads the Markdown (CommonMark blocks); this module only
decides where each block goes. Headings become sections; `- [ ]`, `* [ ]`,
`- [x]` and numbered steps become items, nested as in the source; a code
fence becomes the command of the item it sits under (or the last item above
it in the section). Other text is kept as written, taken from the source
lines the parser points at: prose, plain bullets, quotes and link
definitions go to the description of the section or the detail of the item
they belong to. Front matter gives the title and description; HTML tags are
dropped but their text is kept; nothing in brackets is touched, so `[#33]`,
`[x][y]` and `[text](url)` survive.

A checkbox is recognised as GFM and mdit-py-plugins' tasklists plugin do
(`[ ]`, `[x]` or `[X]` then whitespace), here rather than by that plugin:
the plugin looks back from every checkbox to the start of its list, so a
checklist of 20,000 boxes took 37 s to parse (0.8 s without it).

Hostile input is refused or contained, never a traceback: over 1 MB or a NUL
character is refused; items nest at most MAX_ITEM_DEPTH levels (deeper ones
join the deepest level); blocks nested deeper than the parser's limit (lists
hundreds deep) are read with their indentation capped, and what is still too
deep (quotes inside quotes hundreds deep) is refused naming its line.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import PurePath

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from warroom.domain.runbooks import Item, Runbook, RunbookError, Section, slugify, tidy_block
from warroom.domain.text_files import MAX_TEXT_BYTES, refuse_unsafe_text
from warroom.domain.yaml_text import compose_yaml

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
# Only real HTML elements are dropped: `<USER_A>` or `<pod-name>` is text.
_HTML_TAGS = frozenset(
    "a abbr b big blockquote br caption center cite code col colgroup dd del details div dl "
    "dt em figcaption figure font h1 h2 h3 h4 h5 h6 hr i img input ins kbd li mark ol p "
    "pre s section small span strike strong sub summary sup table tbody td tfoot th thead "
    "tr tt u ul".split()
)
_LINK = re.compile(r"""<a\s[^<>]*?href=(["'])([^"']*)\1[^<>]*>([^<>]+)</a>""", re.IGNORECASE)
# a task-list checkbox, as GFM and mdit-py-plugins' tasklists read it (and `- [ ]` alone)
_CHECKBOX = re.compile(r"^\[[ xX]\](?:[ \t\n\v\f\r]+|$)")
_BULLET = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])[ \t]+")
_UNTITLED_ITEM = "(untitled step)"
# items nest at most this deep; the YAML written for them stays well inside yaml_text.MAX_DEPTH
MAX_ITEM_DEPTH = 20
# markdown-it's own nesting limit (it skips whatever lies deeper); each level costs a
# few Python frames, so this stays far from the recursion limit
MAX_NESTING = 100
# when a file nests deeper than MAX_NESTING, indentation is capped here and it is read again
_INDENT_CAP = 80


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    # a link definition (`[db]: https://...`) is text to keep, not something to resolve;
    # inline Markdown is kept as written, so the inline pass is not needed at all
    md.disable(["reference"])
    md.core.ruler.disable(["inline", "text_join"])
    return md


_MD = _parser()


@dataclass
class _Draft:
    """An item while its blocks are still arriving."""

    text: str
    detail: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    children: list[_Draft] = field(default_factory=list)

    def item(self) -> Item:
        return Item(
            text=self.text or _UNTITLED_ITEM,
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
    """An open list entry: where its marker sits, and the item (or plain bullet) it is."""

    indent: int
    draft: _Draft | None  # None for a plain bullet
    sink: list[str]  # the item's detail, or where the bullet's own line went


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

    if "<" not in line and "-->" not in line:
        return line
    line = _LINK.sub(lambda m: f"[{m.group(3)}]({m.group(2)})", line)
    return _TAG.sub(replace, line.replace("<!--", "").replace("-->", ""))


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


def _one_line(text: str) -> str:
    """Inline text (a heading, an item's first paragraph) on one line, HTML tags dropped."""
    return " ".join(strip_html(text).split())


def _map(token: Token) -> tuple[int, int]:
    assert token.map is not None  # every block token markdown-it emits has one
    return token.map[0], token.map[1]


def _closing(tokens: list[Token], start: int) -> int:
    """The index of the token that closes the one opened at `start`."""
    level = tokens[start].level
    index = start + 1
    while tokens[index].level != level or tokens[index].nesting != -1:
        index += 1
    return index


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_html_line(line: str) -> bool:
    stripped = line.lstrip()
    match = _TAG.match(stripped)
    return stripped.startswith("<!--") or bool(match and match.group(2).lower() in _HTML_TAGS)


class _Importer:
    """Walks markdown-it's block tokens once, feeding sections, items and descriptions.

    Which block is which comes from the parser; where a block belongs follows
    its indentation, as a reader sees it: a list line indented past an item's
    marker belongs to that item even when it falls short of CommonMark's
    content column (`1. Step` then `  - detail`), as real runbooks expect.
    """

    def __init__(self, lines: list[str]) -> None:
        self.source = lines
        self.lead: list[str] = []  # runbook description
        self.sections: list[_SectionDraft] = []
        self.stack: list[_Frame] = []
        self.last_item: _Draft | None = None
        self.line = 0  # the first source line not yet read
        self.blank = False  # the next text starts a new paragraph whatever the lines say
        self.item_line, self.item_indent = -1, 0  # the last list marker's line and column

    @property
    def prose(self) -> list[str]:
        return self.sections[-1].lines if self.sections else self.lead

    def owner(self) -> _Draft | None:
        """The innermost item the open list entries belong to."""
        for frame in reversed(self.stack):
            if frame.draft is not None:
                return frame.draft
        return None

    def sink(self) -> list[str]:
        """Where text read now goes: the open list entry's, else the prose."""
        return self.stack[-1].sink if self.stack else self.prose

    def close_to(self, indent: int) -> None:
        while self.stack and self.stack[-1].indent >= indent:
            self.stack.pop()

    def reach(self, number: int) -> None:
        """Note that line `number` is read now, and whether blank lines came before it."""
        if number > self.line:
            self.blank = True
        self.line = max(self.line, number + 1)

    def put(self, sink: list[str], texts: list[str]) -> None:
        """Add `texts`, after an empty line if a blank line or a rule came first."""
        if self.blank and sink and sink[-1]:
            sink.append("")
        sink.extend(texts)
        self.blank = False

    def column(self, start: int) -> int:
        """Where a block starting on line `start` sits (inside the list marker on its line)."""
        if start == self.item_line:
            return self.item_indent + 1
        return _indent(self.source[start].expandtabs(4))

    def read(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            index = self.token(tokens, index) + 1

    def token(self, tokens: list[Token], index: int) -> int:
        """Handle the token at `index`; returns the index of the last token it used."""
        token = tokens[index]
        kind = token.type
        if kind == "list_item_open":
            return self.list_item(tokens, index)
        if kind == "fence":
            self.fence(token)
        elif kind == "heading_open" and token.level == 0:
            title = _one_line(tokens[index + 1].content) or "Untitled section"
            self.sections.append(_SectionDraft(title))
            self.stack, self.last_item, self.blank = [], None, False
            self.line = _map(token)[1]
        elif kind == "hr" and token.level == 0:
            self.stack, self.blank, self.line = [], True, _map(token)[1]
        elif kind in ("paragraph_open", "heading_open", "blockquote_open", "hr"):
            self.text_lines(*_map(token))  # a quote (and all in it) is kept as written
            return _closing(tokens, index) if token.nesting == 1 else index
        elif kind in ("code_block", "html_block"):
            self.text_lines(*_map(token))
        return index

    def text_lines(self, start: int, end: int) -> None:
        """Source lines as text: HTML lines go to the prose, others by their indentation."""
        target: list[str] | None = None  # what the next line continues
        for number in range(start, end):
            line = self.source[number].expandtabs(4).rstrip()
            if not line.strip():
                target = None
                continue
            gap = number > self.line
            self.reach(number)
            if _is_html_line(line):
                text = strip_html(line).strip()
                if text:
                    self.stack = []
                    self.put(self.prose, [text])
                    target = self.prose
                continue
            line = strip_html(line).rstrip()
            if not line.strip():
                continue
            if target is not None and not gap:
                target.append(line)
                continue
            if number != self.item_line:
                self.close_to(_indent(line))
            target = self.sink()
            self.put(target, [line])

    def list_item(self, tokens: list[Token], index: int) -> int:
        opener = tokens[index]
        start, _ = _map(opener)
        indent = self.column(start)
        self.item_line, self.item_indent = start, indent
        self.reach(start)
        self.close_to(indent)
        first = tokens[index + 1]
        inline = tokens[index + 2] if first.type == "paragraph_open" else None
        content = inline.content if inline is not None else ""
        checkbox = _CHECKBOX.match(content) is not None
        if not (opener.info or checkbox):  # a plain bullet: its lines stay text
            parent = self.owner()
            sink = parent.detail if parent is not None else self.prose
            if inline is not None or first.type == "list_item_close":
                end = _map(first)[1] if inline is not None else start + 1
                lines = [strip_html(line.expandtabs(4)).rstrip() for line in self.source[start:end]]
                lines[0] = _BULLET.sub(r"\1\2 ", lines[0]).rstrip()
                self.put(sink, lines)
                self.line = end
            self.stack.append(_Frame(indent, None, sink))
            return index + 3 if inline is not None else index
        if checkbox:
            content = _CHECKBOX.sub("", content, count=1)
        parts = (strip_html(line.expandtabs(4)).strip() for line in content.split("\n"))
        draft = _Draft(" ".join(part for part in parts if part))
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
        self.last_item, self.blank = draft, False
        if inline is None:
            self.line = max(self.line, start + 1) if first.type == "list_item_close" else self.line
            return index
        self.line = _map(first)[1]
        return index + 3  # the item's first paragraph is its text

    def fence(self, token: Token) -> None:
        start, end = _map(token)
        indent = self.column(start)
        self.reach(start)
        self.close_to(indent)
        content = tidy_block(textwrap.dedent(token.content))
        owner = self.owner() if self.stack else self.last_item
        if owner is not None and content:
            owner.commands.append(content)
        else:  # code nobody owns stays where it was, fences and all
            lines = [_dedent(line.rstrip(), indent) for line in self.source[start:end]]
            self.put(self.sink(), lines)
        self.line, self.blank = end, False


def _dedent(line: str, indent: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent) :]


def _is_title_heading(tokens: list[Token]) -> bool:
    """Whether the first block is the heading that names the whole runbook.

    It is the first thing in the file and no heading is bigger than it.
    """
    if not tokens or tokens[0].type != "heading_open":
        return False
    smallest = min(int(t.tag[1]) for t in tokens if t.type == "heading_open")
    return int(tokens[0].tag[1]) <= smallest


def _leading_line(tokens: list[Token], lines: list[str]) -> str:
    """A short first line standing alone (`**Accessing clusters**`) becomes the title."""
    if len(tokens) < 3 or tokens[0].type != "paragraph_open":
        return ""
    start, end = _map(tokens[0])
    line = lines[start].strip()
    alone = end == start + 1 and (end >= len(lines) or not lines[end].strip())
    candidate = line.strip("*_").strip()
    if alone and 0 < len(candidate) <= 80 and line[0] in "*_":
        return candidate
    return ""


def _parse(lines: list[str], source: str) -> list[Token]:
    """The block tokens of `lines`; indentation is capped if they nest too deep to read."""
    tokens = _MD.parse("\n".join(lines))
    if _too_deep(tokens) is None:
        return tokens
    capped = [
        line[len(line) - len(line.lstrip(" ")) - _INDENT_CAP :]
        if len(line) - len(line.lstrip(" ")) > _INDENT_CAP
        else line
        for line in (raw.expandtabs(4) for raw in lines)
    ]
    tokens = _MD.parse("\n".join(capped))
    deepest = _too_deep(tokens)
    if deepest is not None:
        raise RunbookError(f"{source}:{deepest}: nested more than {MAX_NESTING} levels deep")
    lines[:] = capped
    return tokens


def _too_deep(tokens: list[Token]) -> int | None:
    """The 1-based line of a block at markdown-it's nesting limit (where it stopped reading)."""
    for token in tokens:
        if token.level >= MAX_NESTING - 1 and token.map is not None:
            return token.map[0] + 1
    return None


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
    tokens = _parse(lines, source)

    importer = _Importer(lines)
    stem = PurePath(source).stem
    title = ""
    if _is_title_heading(tokens):  # heading_open, inline, heading_close
        title = _one_line(tokens[1].content)
        importer.line, importer.blank = _map(tokens[0])[1], True
        tokens = tokens[3:]
    if meta.get("title") and meta["title"] != title:
        if title:
            importer.lead.append(meta["title"])
        else:
            title = meta["title"]
    if meta.get("description"):
        importer.lead.append(meta["description"])
        importer.blank = True
    if not title:
        title = _leading_line(tokens, lines)
        if title:  # paragraph_open, inline, paragraph_close
            importer.line, importer.blank = _map(tokens[0])[1], True
            tokens = tokens[3:]
    if not title:
        title = _humanize(stem)

    importer.read(tokens)
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
