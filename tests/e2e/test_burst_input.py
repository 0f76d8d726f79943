"""Typing as people really type, in a real terminal: bursts, pastes, fast forms.

tmux delivers every key of a `send-keys` call at once, with no pause after
Enter: a fast typist, a laggy SSH link or a paste. Each line must land once,
whole, in the order it was typed.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.test_tmux import Terminal, terminal  # noqa: F401 - the fixture

LINES = 30


def timeline(db: Path, incident: int = 1) -> list[dict[str, str]]:
    shown = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), "show", str(incident), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(shown.stdout)["timeline"])


def rows_with(db: Path, marker: str) -> int:
    """How many timeline rows hold `marker`, read from the file as it is now (a cheap
    look while waiting; what the record says is then read through `warroom show`)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = conn.execute("SELECT count(*) FROM timeline WHERE instr(text, ?) > 0", (marker,))
        return int(found.fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        conn.close()


def wait_for_rows(db: Path, marker: str, count: int, timeout: float = 30.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while rows_with(db, marker) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    if rows_with(db, marker) >= count:
        time.sleep(1.0)  # anything more (a duplicate) would come now
    return [e["text"] for e in timeline(db) if marker in e["text"]]


def open_entry_line(term: Terminal) -> None:
    term.wait_for("Checkout API returning 503")
    time.sleep(0.5)  # let the terminal finish answering Textual's start-up queries
    term.keys("l")
    term.wait_for("esc Back to list")


def paste(term: Terminal, block: str) -> None:
    """Paste `block` as a terminal does (bracketed: tmux's `paste-buffer -p`, which
    passes ESC on as typed)."""
    subprocess.run(["tmux", "set-buffer", "-b", "warroom-paste", block], check=True)
    subprocess.run(
        ["tmux", "paste-buffer", "-p", "-b", "warroom-paste", "-t", term.name], check=True
    )


def test_thirty_lines_with_no_pause_land_once_each_in_order(
    terminal: tuple[Terminal, Path],  # noqa: F811
) -> None:
    term, db = terminal
    open_entry_line(term)
    keys: list[str] = []
    for n in range(1, LINES + 1):
        keys += ["-l", f"burst line {n:02d} ends here", ";", "send-keys", "-t", term.name, "Enter"]
        keys += [";", "send-keys", "-t", term.name]
    subprocess.run(["tmux", "send-keys", "-t", term.name, *keys[:-4]], check=True)
    texts = wait_for_rows(db, "burst line", LINES)
    assert texts == [f"burst line {n:02d} ends here" for n in range(1, LINES + 1)]
    assert term.screen().count("burst line") >= 1  # and the console shows them


def test_a_pasted_block_of_three_lines_logs_three_entries(
    terminal: tuple[Terminal, Path],  # noqa: F811
) -> None:
    term, db = terminal
    open_entry_line(term)
    block = "pasted one\npasted two: still two\nf: pasted three"
    paste(term, block)
    deadline = time.monotonic() + 20
    while rows_with(db, "pasted") < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    entries = [e for e in timeline(db) if "pasted" in e["text"]]
    assert [(e["kind"], e["text"]) for e in entries] == [
        ("note", "pasted one"),
        ("note", "pasted two: still two"),
        ("finding", "pasted three"),
    ]


def test_a_pasted_block_holding_an_escape_sequence_logs_each_line_whole_in_order(
    terminal: tuple[Terminal, Path],  # noqa: F811
) -> None:
    """tmux's `paste-buffer -p` passes ESC on: Textual's parser alone sent what followed
    it as keys, before the paste, so the lines were logged out of order."""
    term, db = terminal
    open_entry_line(term)
    block = "esc paste one\nesc paste two \x1b[31mred\x1b[0m here\nesc paste three"
    paste(term, block)
    texts = wait_for_rows(db, "esc paste", 3)
    assert texts == ["esc paste one", "esc paste two \x1b[31mred\x1b[0m here", "esc paste three"]
    term.wait_for("esc paste three")
    assert "esc paste two ␛[31mred␛[0m here" in term.screen()  # shown as typed, not obeyed


def test_a_form_typed_in_one_burst_keeps_each_field_whole(
    terminal: tuple[Terminal, Path],  # noqa: F811
) -> None:
    """`i`, type, Tab, type, Tab, type, ctrl+s, then `l` and an entry: all in one go
    (Enter in business impact moves on to the times: the last field saves)."""
    term, db = terminal
    term.wait_for("Checkout API returning 503")
    time.sleep(0.5)
    t = ["send-keys", "-t", term.name]
    chain = [
        *t, "i", ";",
        *t, "-l", "users typed in a burst", ";", *t, "Tab", ";",
        *t, "-l", "services typed in a burst", ";", *t, "Tab", ";",
        *t, "-l", "business typed in a burst", ";", *t, "C-s", ";",
        *t, "l", ";", *t, "-l", "logged right after the form", ";", *t, "Enter",
    ]  # fmt: skip
    subprocess.run(["tmux", *chain], check=True)
    wait_for_rows(db, "logged right after the form", 1)
    shown = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), "show", "1", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    incident = json.loads(shown.stdout)
    assert incident["impact"] == {
        "users": "users typed in a burst",
        "services": "services typed in a burst",
        "business": "business typed in a burst",
    }
    assert [e["text"] for e in incident["timeline"] if "right after" in e["text"]] == [
        "logged right after the form"
    ]
