"""No control character from stored text reaches a terminal (issue 10).

Hostile text (an OSC 52 clipboard write ended by BEL and by ST, a screen
wipe, C1 CSI and NEL, DEL, bidi overrides and isolates) is stored exactly as
typed, and every output shows it visibly: `show`, `list`, `search`,
`followups`, `checklist`, the Markdown post-mortem; `--json` and the JSON
export escape it and parse back to the exact text.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len

from warroom.cli import cli
from warroom.cli.output import echo_json
from warroom.domain.markdown_text import markdown_text
from warroom.domain.visible import fit, json_text, pad, visible, visible_char, visible_line

OSC52_BEL = "\x1b]52;c;SGVsbG8=\x07"  # puts "Hello" on the clipboard
OSC52_ST = "\x1b]52;c;SGk=\x1b\\"
EVIL = (
    f"pwn {OSC52_BEL} st {OSC52_ST} wipe \x1b[2J c1 \x9b2J nel \x85 del \x7f"
    " rtl \u202eabc\u202c iso \u2066x\u2069 ls \u2028 tab\tend"
)
# how EVIL reads on one line
SHOWN = (
    "pwn ␛]52;c;SGVsbG8=␇ st ␛]52;c;SGk=␛\\ wipe ␛[2J c1 ⟨U+009B⟩2J nel ⟨U+0085⟩ del ␡"
    " rtl ⟨U+202E⟩abc⟨U+202C⟩ iso ⟨U+2066⟩x⟨U+2069⟩ ls ⟨U+2028⟩ tab end"
)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def unsafe(out: str, *, tab: bool = False) -> list[str]:
    """Characters in `out` a terminal would act on (or that reorder a line)."""
    return [
        c
        for c in out
        if (ord(c) < 0x20 and c != "\n" and not (tab and c == "\t"))
        or 0x7F <= ord(c) <= 0x9F
        or c in BIDI
        or c in "\u2028\u2029"
    ]


# -- the mapping ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x1b", "␛"),
        ("\x07", "␇"),
        ("\x00", "␀"),
        ("\r", "␍"),
        ("\x7f", "␡"),
        ("\x9b", "⟨U+009B⟩"),
        ("\x85", "⟨U+0085⟩"),
        ("\u2028", "⟨U+2028⟩"),
        ("\u202e", "⟨U+202E⟩"),
        ("\u2069", "⟨U+2069⟩"),
    ],
)
def test_each_control_character_has_a_visible_form(char: str, shown: str) -> None:
    assert visible_char(char) == shown
    assert visible_line(f"a{char}b") == f"a{shown}b"


def test_one_line_form_shows_newlines_and_turns_tabs_into_spaces() -> None:
    assert visible_line(EVIL) == SHOWN
    assert visible_line("two\nlines\r\n") == "two␊lines␍␊"
    assert not unsafe(visible_line(EVIL))


def test_multi_line_form_keeps_lines_and_tabs_and_ordinary_text() -> None:
    assert visible("a\tb\r\nc ⟨é⟩ 日本 👍🏽 שלום") == "a\tb\nc ⟨é⟩ 日本 👍🏽 שלום"
    assert visible("x\x1b[2J\ny") == "x␛[2J\ny"


def test_making_visible_twice_changes_nothing_more() -> None:
    once = visible_line(EVIL)
    assert visible_line(once) == once and visible(once) == once


def test_json_text_escapes_what_a_terminal_acts_on_and_reads_back_exactly() -> None:
    out = json_text({"title": EVIL, "日本": "🔥"})
    assert not unsafe(out)
    assert "\\u009b" in out and "\\u007f" in out and "\\u2028" in out and "\\u202e" in out
    assert "日本" in out and "🔥" in out  # readable, not \\u-escaped
    assert json.loads(out) == {"title": EVIL, "日本": "🔥"}


def test_markdown_text_shows_controls_visibly() -> None:
    out = markdown_text(EVIL)
    assert "␛]52;c;SGVsbG8=␇" in out and "⟨U+009B⟩2J" in out
    assert not unsafe(out)


def test_widths_are_counted_in_terminal_cells() -> None:
    assert pad("李小龙", 8) == "李小龙  "
    assert cell_len(pad("🔥👍🏽", 6)) == 6
    assert pad("7", 3, ">") == "  7"
    assert fit("日本語のタイトル", 7) == "日本語…"
    assert fit("Ana", 5) == "Ana  "
    assert cell_len(fit("日本語のタイトル", 8)) == 8


# -- the CLI, end to end ---------------------------------------------------------------


@pytest.fixture
def run(db_path: Path, cli_clock: object):
    runner = CliRunner()

    def invoke(*args: str, db: Path = db_path, who: str = "Ana") -> Result:
        result = runner.invoke(cli, ["--db", str(db), "--as", who, *args])
        assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture
def hostile(run, db_path: Path) -> Path:
    """An incident whose title, summary, entry, --as name, role holder, follow-up and
    checklist tick all hold EVIL."""
    run("declare", "-s", "P1", "-t", EVIL, "--summary", EVIL, who=EVIL)
    run("log", "1", EVIL, "--kind", "todo", who=EVIL)
    run("assign", "1", "scribe", EVIL)
    run("followups", "add", "1", EVIL, "--owner", EVIL)
    run("tick", "1", "1", who=EVIL)
    return db_path


def test_stored_text_is_byte_identical_to_what_was_typed(hostile: Path) -> None:
    conn = sqlite3.connect(hostile)
    try:
        title, summary, commander = conn.execute(
            "select title, summary, commander from incidents"
        ).fetchone()
        texts = {r[0] for r in conn.execute("select text from timeline")}
        authors = {r[0] for r in conn.execute("select author from timeline")}
        people = {r[0] for r in conn.execute("select person from roles")}
    finally:
        conn.close()
    assert title == summary == commander == EVIL
    assert EVIL in texts and EVIL in authors and EVIL in people


@pytest.mark.parametrize(
    "command",
    [
        ("show", "1"),
        ("list",),
        ("list", "--all"),
        ("search", "1", "pwn"),
        ("followups",),
        ("checklist", "1"),
        ("export", "1", "--format", "markdown"),
    ],
    ids=lambda c: " ".join(c),
)
def test_text_output_shows_controls_visibly(run, hostile: Path, command: tuple[str, ...]) -> None:
    out = run(*command).stdout
    assert not unsafe(out), f"{command}: {sorted(set(unsafe(out)))!r}"
    assert "␛]52;c;SGVsbG8=␇" in out and "⟨U+009B⟩2J" in out and "⟨U+202E⟩abc" in out
    assert "␛[2J" in out or "␛\\[2J" in out  # Markdown escapes the bracket


def test_show_marks_every_place_the_text_was_stored(run, hostile: Path) -> None:
    out = run("show", "1").stdout
    assert f"#1 {SHOWN}" in out  # the title
    assert f"summary: {SHOWN}" in out
    assert f"Scribe: {SHOWN}" in out  # the role holder
    assert f"todo      {SHOWN}" in out  # the entry, with the --as name as its author
    assert f"{SHOWN} todo" in out


@pytest.mark.parametrize(
    "command",
    [
        ("show", "1", "--json"),
        ("list", "--json"),
        ("followups", "--json"),
        ("checklist", "1", "--json"),
    ],
    ids=lambda c: " ".join(c),
)
def test_json_output_is_escaped_and_parses_back_exactly(
    run,
    hostile: Path,
    command: tuple[str, ...],
) -> None:
    out = run(*command).stdout
    assert not unsafe(out)
    assert EVIL in _strings(json.loads(out))  # the exact stored text, whole


def _strings(value: object) -> set[str]:
    """Every string in a parsed JSON value."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(k) | _strings(v) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value))
    return set()


def test_show_json_round_trips_each_field(run, hostile: Path) -> None:
    body = json.loads(run("show", "1", "--json").stdout)
    assert body["title"] == body["summary"] == body["commander"] == EVIL
    assert {r["person"] for r in body["roles"]} == {EVIL}
    todo = next(e for e in body["timeline"] if e["kind"] == "todo")
    assert todo["text"] == todo["author"] == EVIL


def test_json_export_escapes_and_an_import_of_it_keeps_the_exact_text(
    run,
    hostile: Path,
    tmp_path: Path,
) -> None:
    exported = run("export", "1", "--format", "json").stdout
    assert not unsafe(exported)
    assert json.loads(exported)["incident"]["title"] == EVIL
    path = tmp_path / "hostile.json"
    path.write_text(exported, "utf-8")
    other = tmp_path / "other.db"
    run("import", str(path), db=other)
    for command in (("show", "1"), ("list",), ("search", "1", "pwn"), ("export", "1")):
        out = run(*command, db=other).stdout
        assert not unsafe(out), command
        assert "␛]52;c;SGVsbG8=␇" in out, command
    again = json.loads(run("show", "1", "--json", db=other).stdout)
    assert again["title"] == again["commander"] == EVIL
    assert (
        json.loads(run("export", "1", "--format", "json", db=other).stdout)["incident"]["title"]
        == EVIL
    )


def test_an_error_naming_stored_text_shows_it_visibly(hostile: Path) -> None:
    again = ["--db", str(hostile), "assign", "1", "scribe", EVIL]  # "<person> is already Scribe"
    result = CliRunner().invoke(cli, again)
    assert result.exit_code == 1
    assert "␛]52;c;SGVsbG8=␇" in result.output and "is already Scribe" in result.output
    assert not unsafe(result.output, tab=True)  # an error keeps its lines and tabs


# -- alignment ------------------------------------------------------------------------


def _column(lines: list[str], marker: str) -> set[int]:
    """The terminal column where `marker` starts, on each line holding it."""
    return {cell_len(line[: line.index(marker)]) for line in lines if marker in line}


def test_list_keeps_the_title_column_aligned_with_cjk_and_emoji_names(run) -> None:
    rows = [
        ("Ana", "plain title"),
        ("李小龙", "日本語のタイトル"),
        ("🔥👍🏽 Ops", "emoji 🔥 on fire"),
    ]
    for commander, title in rows:
        run("declare", "-s", "P2", "-t", f"TITLE {title}", "--commander", commander)
    lines = run("list").stdout.splitlines()
    assert len(lines) == 3
    assert len(_column(lines, "TITLE")) == 1, lines  # one column, in terminal cells


def test_followups_keep_the_due_column_aligned_with_cjk_owners(run) -> None:
    run("declare", "-s", "P2", "-t", "x")
    for owner in ("Ana", "李小龙", "🔥 Ops"):
        run("followups", "add", "1", f"fix it {owner}", "--owner", owner)
    lines = run("followups").stdout.splitlines()
    assert len(_column(lines, " due ")) == 1, lines


def test_show_keeps_the_timeline_text_column_aligned_with_wide_authors(run) -> None:
    run("declare", "-s", "P2", "-t", "x", who="李小龙")
    run("log", "1", "ENTRY one", who="Ana")
    run("log", "1", "ENTRY two", who="李小龙")
    run("log", "1", "ENTRY three", who="🔥👍🏽")
    lines = [line for line in run("show", "1").stdout.splitlines() if "ENTRY" in line]
    assert len(lines) == 3 and len(_column(lines, "ENTRY")) == 1, lines


@pytest.mark.parametrize("terminal", [True, False])
def test_json_is_indented_for_a_person_and_one_line_for_a_program(
    terminal: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--json` at a terminal is indented to read; piped, it is one line (the fast
    encoder); either way it parses back to the same, exact text."""
    value = [{"id": 1, "title": "Checkout \x1b[2J down", "tags": ["eu", "ü"]}]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: terminal)
    echo_json(value)
    printed = capsys.readouterr().out
    assert json.loads(printed) == value
    assert ("\n  " in printed) is terminal
    assert "\x1b" not in printed
