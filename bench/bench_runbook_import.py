"""How long the Markdown runbook import takes: real runbooks, 1 MB, and lists that stress it.

Prints the best of a few runs for: the real runbooks in ../shared/realdata/runbooks
(when present) and how many tickable items they give; a generated 1 MB runbook
(sections, boxes, nested bullets and steps, fences, quotes); a list nested 500
deep; 40,000 boxes in one list. Measured, never asserted.
Run:  python bench/bench_runbook_import.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warroom.domain.runbook_import import import_markdown
from warroom.domain.runbooks import Runbook

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "runbooks"
BLOCK = (
    "## Section {n}\n\nSome prose about [the service](https://example.com/{n}) and `code`.\n\n"
    "- [ ] Check the dashboard for <b>errors</b> [#33]\n"
    "  - plain bullet with detail\n"
    "  1. numbered child step\n"
    "     - [x] grandchild box\n"
    "```bash\nkubectl get pods -n ns{n}\n```\n"
    "- [ ] Second step with a lazy\ncontinuation line\n\n"
    "3. a numbered step\n4. another\n\n> quoted note\n\n---\n\n"
)


def generated(size: int = 990_000) -> str:
    """A runbook of about `size` characters (the import's cap is 1 MB)."""
    parts, total, n = ["# Generated\n\n"], 0, 0
    while total < size:
        parts.append(BLOCK.format(n=n))
        total += len(parts[-1])
        n += 1
    return "".join(parts)


def best(run: Callable[[], list[Runbook]], repeats: int = 3) -> tuple[float, list[Runbook]]:
    times, result = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def items(runbooks: list[Runbook]) -> int:
    return sum(len(runbook.steps()) for runbook in runbooks)


def main() -> None:
    if REAL.is_dir():
        files = sorted(p for p in REAL.iterdir() if p.is_file())
        texts = [(p.read_text("utf-8"), p.name) for p in files]
        took, books = best(lambda: [import_markdown(text, name) for text, name in texts], 5)
        size = sum(len(text) for text, _ in texts)
        print(
            f"real runbooks: {len(files)} files, {size:,} chars: {took * 1000:.1f} ms, "
            f"{items(books)} items"
        )
    cases = {
        "generated 1 MB": generated(),
        "list 500 deep": "".join(f"{'  ' * n}- [ ] level {n}\n" for n in range(500)),
        "40,000 boxes": "".join(f"- [ ] shard {n}\n" for n in range(40_000)),
    }
    for name, text in cases.items():
        took, books = best(lambda text=text: [import_markdown(text, "bench.md")])
        print(f"{name}: {len(text):,} chars: {took:.2f} s, {items(books)} items")


if __name__ == "__main__":
    main()
