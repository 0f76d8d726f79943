"""Bad input never crashes or hangs warroom: every loader over the corpus in tests/data/bad/.

Each committed corpus file goes through every command that reads a file
(policy check, runbook check, runbook import, team templates, import,
post --file) in the real CLI. Whatever the file, the command ends with exit
0 or 1, never a traceback, and an error is one line that names the file.
The pathological cases (alias bombs, deep nesting, 10 MB files, a
10,000-item runbook, arguments that are not UTF-8) also run as real
processes under a timeout and a memory cap, so a hang or a blow-up fails
instead of blocking the run. The big files are generated here, never
committed. Valid files in right-to-left scripts, emoji and wide CJK load
and keep their text exactly.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from warroom.cli import cli
from warroom.loaders.policy import load_policy
from warroom.loaders.runbooks import load_runbook

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CORPUS = sorted(p for p in BAD.iterdir() if p.is_file() and p.name != "README.md")

RTL = "خدمة الدفع متوقفة — שירות התשלומים נפל"
EMOJI = "🔥 DB on fire 👩🏽\u200d💻 🇬🇧 ✅"
CJK = "支付服务中断 決済サービス停止 결제 서비스 중단"
COMBINING = "Zoë Ångström naïve café"

# Generous: every case takes well under a second; this only turns a hang into a failure.
TIMEOUT = 60
MEMORY_CAP = 2 * 1024**3  # address space for a subprocess; an alias bomb would blow through it


class _TookTooLong(Exception):
    pass


def _address_space() -> int:
    """This process's current virtual memory size in bytes (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


@contextmanager
def _bounded(seconds: int) -> Iterator[None]:
    """Stop the command (CliRunner runs in-process) after `seconds`, or if it grabs 1 GB more.

    An alias bomb that got through would otherwise hang the run or eat the
    machine; here it ends as an exception the test reports.
    """

    def stop(signum: int, frame: object) -> None:
        raise _TookTooLong(f"still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, stop)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if sys.platform == "linux":
        resource.setrlimit(resource.RLIMIT_AS, (_address_space() + 1024**3, hard))
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def declared_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding incident #1, made once and copied for each test."""
    db = tmp_path_factory.mktemp("declared") / "warroom.db"
    done = CliRunner().invoke(cli, ["--db", str(db), "declare", "-s", "P1", "-t", "Payments down"])
    assert done.exit_code == 0, done.output
    return db


@pytest.fixture
def run(tmp_path: Path, declared_db: Path) -> Callable[..., Result]:
    """The CLI on a copy of `declared_db` (incident #1), guarded by a deadline."""
    runner = CliRunner()
    db = tmp_path / "warroom.db"
    shutil.copyfile(declared_db, db)

    def invoke(*args: str | Path, stdin: bytes | None = None) -> Result:
        with _bounded(TIMEOUT):
            return runner.invoke(
                cli, ["--db", str(db), "--as", "Ana", *map(str, args)], input=stdin
            )

    return invoke


def _errors(result: Result) -> list[str]:
    return [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith("warning:")
    ]


def assert_clean(result: Result, names: str) -> None:
    """Exit 0 or 1, no traceback or stray exception; an error is one line naming `names`."""
    assert not isinstance(result.exception, _TookTooLong), f"hung: {result.exception}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        errors = _errors(result)
        assert len(errors) == 1, errors
        assert names in errors[0], errors[0]


# ------------------------------------------------ every loader over every corpus file

LOADERS: dict[str, Callable[[Path, Path], tuple[list[str], str]]] = {
    # loader -> (arguments, what the error line must name) for a corpus file and tmp_path
    "policy check": lambda f, tmp: (["policy", "check", str(f)], str(f)),
    "--policy": lambda f, tmp: (["--policy", str(f), "show", "1"], str(f)),
    "runbook check": lambda f, tmp: (["runbook", "check", str(f)], str(f)),
    "runbook import": lambda f, tmp: (["runbook", "import", str(f)], str(f)),
    "import": lambda f, tmp: (["import", str(f)], str(f)),
    "post --file": lambda f, tmp: (
        ["post", "1", "-t", "internal-update", "--file", str(f)],
        str(f),
    ),
}


def _team_copy(tmp: Path, corpus_file: Path, suffix: str) -> Path:
    team = tmp / f"team{suffix.replace('.', '-')}"
    team.mkdir(exist_ok=True)
    copy = team / f"team-file{suffix}"
    shutil.copyfile(corpus_file, copy)
    return copy


def _templates(f: Path, tmp: Path) -> tuple[list[str], str]:
    copy = _team_copy(tmp, f, ".md")
    return ["--templates", str(copy.parent), "templates"], str(copy)


def _team_runbooks(f: Path, tmp: Path) -> tuple[list[str], str]:
    copy = _team_copy(tmp, f, ".yaml")
    return ["--runbooks", str(copy.parent), "runbook", "list"], str(copy)


LOADERS["--templates"] = _templates
LOADERS["--runbooks"] = _team_runbooks
LOADERS["ingest"] = lambda f, tmp: (["ingest", "alertmanager", str(f)], str(f))


@pytest.mark.parametrize("corpus_file", CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("loader", list(LOADERS))
def test_every_loader_survives_every_corpus_file(
    run: Callable[..., Result], tmp_path: Path, loader: str, corpus_file: Path
) -> None:
    args, names = LOADERS[loader](corpus_file, tmp_path)
    assert_clean(run(*args), names)


# ------------------------------------------------ what the person reads, case by case


@pytest.mark.parametrize(
    ("name", "loader", "message"),
    [
        ("alias-bomb-runbook.yaml", "runbook check", ":7: YAML aliases (*a0) are not supported"),
        ("alias-bomb-policy.yaml", "policy check", ":2: YAML aliases (*a0) are not supported"),
        ("alias-small.yaml", "runbook check", ":7: YAML aliases (*steps) are not supported"),
        ("deep-flow.yaml", "runbook check", ":2: nested more than 64 levels deep"),
        ("deep-block.yaml", "policy check", ":3: nested more than 64 levels deep"),
        ("deep.json", "import", ":2: JSON nested more than 64 levels deep"),
        ("deep-medium.json", "import", ":2: JSON nested more than 64 levels deep"),
        ("latin1.yaml", "runbook check", ":2: not UTF-8 text (byte 0xe9 at offset 19)"),
        ("latin1.yaml", "policy check", ":2: not UTF-8 text (byte 0xe9 at offset 19)"),
        ("latin1.md", "--templates", ":1: not UTF-8 text (byte 0xe9 at offset 5)"),
        ("latin1.yaml", "post --file", ":2: not UTF-8 text (byte 0xe9 at offset 19)"),
        ("latin1.json", "import", ":1: not UTF-8 text (byte 0xe9 at offset 42)"),
        ("nul.yaml", "runbook check", ":3: a NUL byte at offset 31"),
        ("nul.md", "runbook import", ":3: a NUL byte at offset 15"),
        ("latin1.md", "runbook import", ":1: not UTF-8 text (byte 0xe9 at offset 5)"),
        ("nul.md", "post --file", ":3: a NUL byte at offset 15"),
        ("nul-escaped.json", "import", ": format holds a NUL character"),
        ("nul-escaped.yaml", "runbook check", ":2: a NUL character (written as an escape)"),
        ("lone-surrogate.json", "import", ": incident.title holds a lone surrogate (U+D800)"),
        ("huge-number.json", "import", " is not usable JSON (a number is too long)"),
        ("binary.bin", "policy check", ":1: a NUL byte at offset 0"),
        ("tabs.yaml", "runbook check", ":3: not valid YAML: found character"),
        ("unbalanced-quote.yaml", "runbook check", ":5: not valid YAML"),
        (
            "two-documents.yaml",
            "policy check",
            ":3: not valid YAML: expected a single document in the stream",
        ),
        ("empty.yaml", "runbook check", ": the file is empty"),
        ("empty.json", "import", " is not JSON (line 1"),
        ("wrong-types-runbook.yaml", "runbook check", ":1: title: expected text"),
        ("wrong-types-keys.yaml", "runbook check", ":3: sections[0]: expected a field name"),
        ("wrong-types-policy.yaml", "policy check", ":2: severities.P1: expected a mapping"),
        ("wrong-types.json", "import", ': version "1" is not an export version'),
        ("wrong-format.json", "import", " is not a warroom export (format {'nested': ['x']}"),
        ("python-tag.yaml", "runbook check", ":1: title: expected text"),
        ("template-dunder.md", "--templates", ":6: unknown placeholder {__class__}"),
        ("template-unbalanced.md", "--templates", ":6: a lone '{'"),
    ],
)
def test_each_case_says_what_is_wrong_and_where(
    run: Callable[..., Result], tmp_path: Path, name: str, loader: str, message: str
) -> None:
    args, names = LOADERS[loader](BAD / name, tmp_path)
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert_clean(result, names)
    assert _errors(result)[0].split(names, 1)[1].startswith(message), _errors(result)[0]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("alias-bomb-runbook.yaml", ":7: YAML aliases (*a0) are not supported"),
        ("deep-flow.yaml", ":2: nested more than 64 levels deep"),
        ("deep-block.yaml", ":3: nested more than 64 levels deep"),
        ("nul-escaped.yaml", ":2: a NUL character (written as an escape)"),
        ("lone-surrogate.yaml", ":3: a lone surrogate (U+D800) (written as an escape)"),
        ("tabs.yaml", ":3: not valid YAML: found character '\\t' that cannot start any token"),
    ],
)
def test_without_libyaml_the_same_cases_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    from warroom.domain import yaml_text
    from warroom.domain.runbooks import RunbookError

    monkeypatch.setattr(yaml_text, "_Events", yaml_text._PythonEvents)  # noqa: SLF001 - the fallback
    with pytest.raises(RunbookError) as refused:
        load_runbook(BAD / name)
    assert str(refused.value).startswith(f"{BAD / name}{message}")


def test_a_tab_in_the_indentation_is_named(run: Callable[..., Result]) -> None:
    result = run("runbook", "check", BAD / "tabs.yaml")
    assert _errors(result)[0].endswith("(YAML indents with spaces, not tabs)")


def test_the_python_tag_runs_nothing(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="title: expected text"):
        load_runbook(BAD / "python-tag.yaml")
    assert not (tmp_path / "pwned").exists()


def test_front_matter_aliases_are_left_alone_and_the_runbook_imports(
    run: Callable[..., Result],
) -> None:
    result = run("runbook", "import", BAD / "front-matter-alias-bomb.md")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["title"] == "Alias front matter"


def test_a_byte_order_mark_and_windows_line_ends_are_read(run: Callable[..., Result]) -> None:
    assert load_runbook(BAD / "bom.yaml").id == "bom"
    assert load_runbook(BAD / "crlf.yaml").sections[0].items[1].text == "two"
    assert run("runbook", "check", BAD / "bom.yaml", BAD / "crlf.yaml").exit_code == 0


# ------------------------------------------------ --set names and standard input


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("__class__=x", "--set '__class__': not a free field of template 'internal-update'"),
        ("eta.__class__=x", "--set 'eta.__class__': not a free field"),
        ("{eta}=x", "--set '{eta}': not a free field"),
        ("0=x", "--set '0': not a free field"),
        ("nope=x", "--set 'nope': not a free field"),
        ("title=x", "--set title: filled from the incident, not a free field"),
        ("=x", "--set takes NAME=VALUE, not '=x'"),
        ("eta", "--set takes NAME=VALUE, not 'eta'"),
    ],
)
@pytest.mark.parametrize("command", ["compose", "post"])
def test_set_refuses_names_the_template_cannot_take(
    run: Callable[..., Result], command: str, pair: str, message: str
) -> None:
    result = run(command, "1", "-t", "internal-update", "--set", pair)
    assert result.exit_code == 1
    assert_clean(result, message)
    assert json.loads(run("updates", "1", "--json").stdout) == []


def test_set_takes_a_free_field_in_any_case(run: Callable[..., Result]) -> None:
    result = run("compose", "1", "-t", "internal-update", "--set", "ETA=20 min")
    assert result.exit_code == 0, result.output
    assert "20 min" in result.stdout


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"caf\xe9\n", "standard input:1: not UTF-8 text (byte 0xe9 at offset 3)"),
        (b"line one\nnul \x00 here\n", "standard input:2: a NUL byte at offset 13"),
    ],
)
def test_post_from_standard_input_is_checked_text(
    run: Callable[..., Result], data: bytes, message: str
) -> None:
    result = run("post", "1", "-t", "internal-update", "--file", "-", stdin=data)
    assert result.exit_code == 1
    assert_clean(result, message)
    assert json.loads(run("updates", "1", "--json").stdout) == []


# ------------------------------------------------ valid text in any script comes back exactly


def test_a_runbook_in_any_script_loads_and_keeps_its_text(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    book = load_runbook(BAD / "unicode-runbook.yaml")
    assert book.title == EMOJI and book.description == f"{RTL}\n{CJK}"
    assert book.sections[0].title == CJK
    first, second = book.sections[0].items
    assert (first.text, second.text, second.detail) == (RTL, EMOJI, COMBINING)
    assert second.command == f"echo '{CJK}'"
    team = tmp_path / "books"
    team.mkdir()
    shutil.copyfile(BAD / "unicode-runbook.yaml", team / "unicode.yaml")
    assert run("--runbooks", team, "attach", "1", "unicode").exit_code == 0
    shown = json.loads(run("--runbooks", team, "checklist", "1", "--json").stdout)
    book_json = next(b for b in shown if b["runbook"] == "unicode")
    assert [i["text"] for i in book_json["items"]] == [RTL, EMOJI]
    assert book_json["items"][1]["detail"] == COMBINING


def test_a_policy_in_any_script_loads_and_keeps_its_text(run: Callable[..., Result]) -> None:
    policy = load_policy(BAD / "unicode-policy.yaml")
    assert [c.name for c in policy.contacts] == [RTL, CJK]
    severity = policy.severity("P1")
    assert severity.label == EMOJI and severity.description == RTL
    assert run("policy", "check", BAD / "unicode-policy.yaml").exit_code == 0


def test_a_template_in_any_script_composes_exactly(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    team = tmp_path / "templates"
    team.mkdir()
    shutil.copyfile(BAD / "unicode-template.md", team / "unicode-template.md")
    listed = run("--templates", team, "templates")
    assert CJK in listed.stdout
    result = run("--templates", team, "compose", "1", "-t", "unicode-template", "--set", "eta=5m")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{RTL} Payments down {EMOJI} ETA 5m\n"


def test_markdown_in_any_script_imports_exactly(run: Callable[..., Result]) -> None:
    result = run("runbook", "import", BAD / "unicode.md")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["title"] == EMOJI and data["description"] == RTL
    section = data["sections"][0]
    assert section["title"] == CJK
    assert section["items"][0]["text"] == RTL
    nested = section["items"][0]["items"][0]
    assert nested == {"text": COMBINING, "command": f"echo {CJK}"}


def test_an_update_in_any_script_is_posted_exactly(run: Callable[..., Result]) -> None:
    posted = run("post", "1", "-t", "internal-update", "--file", BAD / "unicode-update.txt")
    assert posted.exit_code == 0, posted.output
    [update] = json.loads(run("updates", "1", "--json").stdout)
    assert update["body"] == (BAD / "unicode-update.txt").read_text("utf-8").rstrip("\n")


def test_an_export_in_any_script_imports_exactly(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    title = f"{RTL} {EMOJI} {CJK}"
    assert run("declare", "-s", "P2", "-t", title).stdout == "2\n"
    assert run("log", "2", COMBINING).exit_code == 0
    exported = tmp_path / "export.json"
    assert run("export", "2", "--format", "json", "-o", exported).exit_code == 0
    imported = run("import", exported)
    assert imported.exit_code == 0, imported.output
    shown = json.loads(run("show", imported.stdout.strip(), "--json").stdout)
    assert shown["title"] == title
    assert COMBINING in [entry["text"] for entry in shown["timeline"]]


# ------------------------------------------------ real processes: hangs and blow-ups fail


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def warroom(
    *args: str | Path | bytes, cwd: Path, timeout: int = TIMEOUT
) -> subprocess.CompletedProcess[bytes]:
    """`python -m warroom ARGS` in a fresh process: `timeout` seconds and MEMORY_CAP at most."""
    argv = [sys.executable.encode(), b"-m", b"warroom", b"--db", b"warroom.db"]
    argv += [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, timeout=timeout, preexec_fn=_cap_memory, check=False
    )


def _one_error(done: subprocess.CompletedProcess[bytes], expected: str) -> None:
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert done.returncode == 1, done.stderr
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], lines


def _ten_megabytes(unit: str) -> str:
    return unit * (10_000_000 // len(unit) + 1)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("runbook", "check", BAD / "alias-bomb-runbook.yaml"), "YAML aliases (*a0)"),
        (("policy", "check", BAD / "alias-bomb-policy.yaml"), "YAML aliases (*a0)"),
        (("runbook", "check", BAD / "deep-flow.yaml"), "nested more than 64 levels deep"),
        (("import", BAD / "deep.json"), "JSON nested more than 64 levels deep"),
    ],
    ids=["alias-bomb-runbook", "alias-bomb-policy", "deep-yaml", "deep-json"],
)
def test_pathological_files_end_quickly_in_a_real_process(
    tmp_path: Path, args: tuple[str | Path, ...], expected: str
) -> None:
    _one_error(warroom(*args, cwd=tmp_path), expected)


def test_ten_megabyte_files_are_refused_without_reading_them_whole(tmp_path: Path) -> None:
    big_yaml = tmp_path / "big.yaml"
    big_yaml.write_text("title: Big\nsections:\n" + _ten_megabytes("  - title: a section\n"))
    big_md = tmp_path / "big.md"
    big_md.write_text("# Big\n\n" + _ten_megabytes("- [ ] a step\n"))
    team = tmp_path / "team"
    team.mkdir()
    (team / "big.md").write_text("---\naudience: internal\n---\n" + _ten_megabytes("{eta} "))
    limit = "larger than 1 MB"
    _one_error(
        warroom("runbook", "check", big_yaml, cwd=tmp_path), f"{big_yaml}: the file is {limit}"
    )
    _one_error(
        warroom("policy", "check", big_yaml, cwd=tmp_path), f"{big_yaml}: the file is {limit}"
    )
    _one_error(warroom("runbook", "import", big_md, cwd=tmp_path), f"{big_md}: the file is {limit}")
    _one_error(warroom("--templates", team, "templates", cwd=tmp_path), f"{team / 'big.md'}: the")
    assert warroom("declare", "-s", "P1", "-t", "x", cwd=tmp_path).returncode == 0
    _one_error(
        warroom("post", "1", "-t", "internal-update", "--file", big_md, cwd=tmp_path),
        f"{big_md}: the file is {limit}",
    )


def test_a_ten_megabyte_json_file_is_read_and_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"format": "warroom-export", "incident": [_ten_megabytes("x")]}))
    _one_error(warroom("import", big, cwd=tmp_path), f"{big}: version null is not an export")


def test_a_ten_thousand_item_runbook_loads(tmp_path: Path) -> None:
    book = tmp_path / "long.yaml"
    items = "".join(f"      - Step {n} - check shard {n} is serving\n" for n in range(10_000))
    book.write_text(f"title: Long\nsections:\n  - title: Every shard\n    items:\n{items}")
    done = warroom("runbook", "check", book, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"1 runbook file(s) ok\n"
    assert len(load_runbook(book).steps()) == 10_000


def test_markdown_lists_nested_500_deep_import_at_twenty_levels(tmp_path: Path) -> None:
    deep = tmp_path / "deep.md"
    deep.write_text("# Deep\n\n" + "".join(f"{'  ' * n}- [ ] level {n}\n" for n in range(500)))
    done = warroom("runbook", "import", deep, "-o", tmp_path / "deep.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    book = load_runbook(tmp_path / "deep.yaml")
    steps = book.steps()
    assert len(steps) == 500  # nothing lost
    assert max(step.depth for step in steps) == 19  # 20 levels: depth counts from 0
    assert steps[-1].item.text == "level 499"


# ------------------------------------------------ arguments that are not UTF-8


def test_an_argument_that_is_not_utf8_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    done = warroom(b"declare", b"-s", b"P1", b"-t", b"caf\xe9 down", cwd=tmp_path)
    _one_error(done, "argument 7 ('caf\\xe9 down') is not UTF-8 text; nothing was done")
    assert not (tmp_path / "warroom.db").exists()


def test_a_lone_surrogate_argument_is_refused_through_click(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    result = run("log", "1", "bad \udcff\udcfe byte")
    assert result.exit_code == 1
    assert_clean(result, "argument 7 ('bad \\xff\\xfe byte') is not UTF-8 text")
    shown = json.loads(run("show", "1", "--json").stdout)
    assert all("bad" not in entry["text"] for entry in shown["timeline"])
    result = run("log", "1", "lone \ud800")
    assert_clean(result, "argument 7 ('lone \\ud800') is not UTF-8 text")


def test_a_warroom_variable_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "warroom", "--db", "warroom.db", "declare", "-s", "P1", "-t", "x"]
    env = {**os.environb, b"WARROOM_USER": b"caf\xe9"}
    done = subprocess.run(
        argv, cwd=tmp_path, env=env, capture_output=True, timeout=TIMEOUT, check=False
    )
    _one_error(done, "WARROOM_USER in the environment ('caf\\xe9') is not UTF-8 text")
    assert not (tmp_path / "warroom.db").exists()


def test_markdown_import_refuses_nul_and_oversize_text_itself() -> None:
    from warroom.domain.runbook_import import import_markdown
    from warroom.domain.runbooks import RunbookError

    with pytest.raises(RunbookError, match=r"^pasted\.md:2: a NUL character"):
        import_markdown("# T\n- [ ] a\x00b\n", "pasted.md")
    with pytest.raises(RunbookError, match=r"^pasted\.md: the file is larger than 1 MB"):
        import_markdown("- [ ] step\n" * 100_000, "pasted.md")


def test_a_template_of_a_megabyte_of_placeholders_loads_in_linear_time(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    header = "---\naudience: internal\nphase: update\ntitle: Many\n---\n"
    (team / "many.md").write_text(header + "{eta} line\n" * 90_000)  # 990 kB, under the cap
    # ~2 s here; finding each slot's line from the top took 45 s, so 20 s still catches it
    done = warroom("--templates", team, "templates", cwd=tmp_path, timeout=20)
    assert done.returncode == 0, done.stderr
    assert b"many " in done.stdout


def test_a_policy_of_twenty_thousand_contacts_reads_in_linear_time(tmp_path: Path) -> None:
    n = 20_000
    contacts = "".join(f"  - {{name: P{i}}}\n" for i in range(n))
    roles = "".join(f"  R{i}: P{n - 1 - i}\n" for i in range(n))
    severity = "  P1: {ack: 5m, first_update: 5m, update_every: 5m, resolve_within: 1h}\n"
    policy = tmp_path / "big-team.yaml"
    policy.write_text(f"contacts:\n{contacts}roles:\n{roles}severities:\n{severity}")
    # ~4 s here; looking every name up in a list took over a minute
    done = warroom("policy", "check", policy, cwd=tmp_path, timeout=30)
    assert done.returncode == 0, done.stderr
    bad = tmp_path / "bad-role.yaml"
    bad.write_text(f"contacts:\n{contacts}roles:\n  Boss: Nobody\nseverities:\n{severity}")
    _one_error(
        warroom("policy", "check", bad, cwd=tmp_path, timeout=30),
        f'{bad}:{n + 3}: roles.Boss: "Nobody" is not in contacts (P0, P1, P2, P3, P4, P5, P6, P7,'
        f" P8, P9 and {n - 10} more)",
    )


def test_45_000_same_titled_sections_get_keys_in_linear_time(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "same.yaml").write_text(
        "title: Same\nsections:\n" + "  - {title: Checks}\n" * 45_000
    )  # 900 kB
    # ~4 s here; numbering each "checks-N" from 1 again took over two minutes
    done = warroom("--runbooks", team, "runbook", "list", cwd=tmp_path, timeout=40)
    assert done.returncode == 0, done.stderr
    assert b"same " in done.stdout
    keys = load_runbook(team / "same.yaml").section_keys()
    assert keys[:3] == ["checks", "checks-2", "checks-3"] and keys[-1] == "checks-45000"
