"""The service package keeps its shape: SQL writes only in store/, no private reach-through."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import warroom

SRC = Path(warroom.__file__).parent
WRITE = re.compile(r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.I)


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):  # f"UPDATE {table} SET ..."
            text = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "x" for v in node.values
            )
            found.append((node.lineno, text))
    return found


def test_every_write_statement_lives_in_the_store() -> None:
    outside = [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted(SRC.rglob("*.py"))
        if "store" not in path.relative_to(SRC).parts
        for line, text in _strings(path)
        if WRITE.search(text)
    ]
    assert outside == []


def test_the_service_never_reaches_into_another_objects_private_members() -> None:
    reaches = [
        f"{path.relative_to(SRC)}:{node.lineno} .{node.attr}"
        for path in sorted((SRC / "service").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]
    assert reaches == []
