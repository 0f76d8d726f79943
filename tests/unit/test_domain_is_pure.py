"""`domain/` is pure: it takes text or parsed data and never touches the filesystem.

Files are read by `warroom.loaders`; this test fails naming the file and line
of any domain module that opens, reads, lists or probes a file itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import warroom.domain

DOMAIN = Path(warroom.domain.__file__).parent

# Calls that reach the filesystem (or the environment, which is the machine's, not the data's).
FILE_ACCESS = re.compile(
    r"(?<![\w.])open\("  # open(...)
    r"|\.open\("  # path.open(...)
    r"|\.(?:read_text|read_bytes|write_text|write_bytes|iterdir|glob|rglob)\("
    r"|\.(?:exists|is_file|is_dir|is_symlink|resolve|stat)\("
    r"|\bos\.(?:listdir|scandir|walk|environ|getcwd)\b"
    r"|\b(?:importlib\.)?resources\.files\("
    r"|\bimport (?:os|shutil|glob)\b|\bfrom (?:os|shutil|glob|importlib\.resources)\b"
    r"|(?<!Pure)\bPath\("
    r"|\bsys\.stdin\b"
)


def file_access_in(path: Path, root: Path = DOMAIN.parent) -> list[str]:
    """`file:line: code` for each line of `path` that reaches the filesystem."""
    found = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        code = line.split("#", 1)[0]
        if FILE_ACCESS.search(code):
            found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_domain_module_reads_files() -> None:
    modules = sorted(DOMAIN.rglob("*.py"))
    assert len(modules) > 10  # the test looks where the domain really is
    found = [hit for module in modules for hit in file_access_in(module)]
    assert found == [], "domain/ must not touch files (move it to warroom.loaders):\n" + "\n".join(
        found
    )


def test_the_check_catches_file_access(tmp_path: Path) -> None:
    sample = tmp_path / "domain" / "sample.py"
    sample.parent.mkdir()
    lines = [
        "text = open(name).read()",
        "data = path.read_bytes()",
        "names = [p for p in folder.iterdir()]",
        "files = folder.glob('*.yaml')",
        "names = os.listdir('.')",
        "stem = PurePath(source).stem  # pure: allowed",
        "ok = incident.is_open()",
    ]
    sample.write_text("\n".join(lines), "utf-8")
    hits = file_access_in(sample, tmp_path)
    assert [hit.split(":")[1] for hit in hits] == ["1", "2", "3", "4", "5"]
