"""Pages reach local receivers through Apprise (e-mail to an SMTP server, JSON posts to
an HTTP sink) and through the notify hook; secrets are filled at send time and never
stored; a receiver that fails then recovers gets each page once."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.delivery.sinks import http_sink, smtp_server
from tests.unit.test_outbox import outbox, paging_policy, room_on
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.domain.policy import parse_policy
from warroom.loaders.policy import default_policy_text
from warroom.store import queries

pytest.importorskip("apprise")
pytest.importorskip("aiosmtpd")


def everything_stored(db_path: Path) -> str:
    """Every text the database holds, for checking a secret is not among them."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        texts = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                texts += [str(value) for value in row]
        return "\n".join(texts)
    finally:
        conn.close()


def test_an_email_reaches_a_local_smtp_server_with_the_secret_from_the_environment(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server("s3cret-pw") as mail:
        url = (
            f"mailto://warroom:${{SMTP_PASS}}@127.0.0.1:{mail.port}"
            "?from=warroom@example.com&to=eve@example.com&mode=insecure"
        )
        policy = paging_policy("pages:\n  subscribers: [Eve Adams]\n", {"Eve Adams": [url]})
        room = room_on(db_path, clock, policy)
        incident_id = room.declare("Payments [bold] down — ünïcode", "P1", commander="Zed")
        monkeypatch.setenv("SMTP_PASS", "s3cret-pw")
        done = room.deliver_pages()
        assert [p.recipient for p in done.delivered] == ["Eve Adams"], done.lines()
    assert mail.logins == [(b"warroom", b"s3cret-pw")]
    (message,) = mail.messages
    assert message["To"] == "eve@example.com"
    assert message["Subject"] == (
        f"[warroom] #{incident_id} P1 declared (availability): Payments [bold] down — ünïcode"
    )
    assert "Incident: Payments [bold] down — ünïcode" in message.get_content()
    stored = everything_stored(db_path)
    assert "s3cret-pw" not in stored
    assert "${SMTP_PASS}" in stored  # the channel is kept as written


def test_an_email_channel_without_to_reaches_the_contacts_own_address(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A contact's `mailto://` channel that names no recipient is sent to the e-mail the
    policy gives for that contact, not back to the sending account."""
    with smtp_server("pw") as mail:
        url = f"mailto://warroom:pw@127.0.0.1:{mail.port}?from=warroom@example.com&mode=insecure"
        policy = paging_policy("pages:\n  subscribers: [Eve Adams]\n", {"Eve Adams": [url]})
        room = room_on(db_path, clock, policy)
        room.declare("Queue backlog", "P2", commander="Zed")
        done = room.deliver_pages()
        assert [p.recipient for p in done.delivered] == ["Eve Adams"], done.lines()
    (message,) = mail.messages
    assert message["To"] == "eve@example.com"  # from the policy's contact, not warroom@...


def test_addressing_leaves_other_channels_and_named_recipients_alone() -> None:
    from warroom.domain.channels import addressed

    assert addressed("mailto://u:p@host:25", "eve@example.com") == (
        "mailto://u:p@host:25?to=eve@example.com"
    )
    assert addressed("mailtos://u:p@host?from=a@b", "e+x@example.com") == (
        "mailtos://u:p@host?from=a@b&to=e+x@example.com"
    )
    assert (
        addressed("mailto://u:p@host?To=ops@x", "eve@example.com") == "mailto://u:p@host?To=ops@x"
    )
    assert addressed("json://127.0.0.1:9/eve", "eve@example.com") == "json://127.0.0.1:9/eve"
    assert addressed("mailto://u:p@host", "  ") == "mailto://u:p@host"


def test_a_missing_secret_fails_the_attempt_naming_it(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    policy = paging_policy(
        "pages:\n  subscribers: [Eve Adams]\n",
        {"Eve Adams": ["json://127.0.0.1:9/?token=${NO_SUCH_TOKEN}"]},
    )
    room = room_on(db_path, clock, policy)
    room.declare("API down", "P1", commander="Zed")
    done = room.deliver_pages()
    (_, why) = done.retrying[0]
    assert why == (
        "json://127.0.0.1:9/?token=${NO_SUCH_TOKEN} needs ${NO_SUCH_TOKEN}:"
        " not set in the environment"
    )
    assert outbox(room)[0].last_error == why


def write_secrets(path: Path, text: str, mode: int) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_secrets_come_from_an_owner_only_file_and_a_readable_one_is_refused(
    db_path: Path, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SINK_TOKEN", raising=False)
    secrets = write_secrets(tmp_path / "secrets.env", "# pages\nSINK_TOKEN=tok-123\n", 0o644)
    with http_sink() as sink:
        policy = paging_policy(
            f"pages:\n  subscribers: [Eve Adams]\n  secrets_file: {secrets}\n",
            {"Eve Adams": [f"json://127.0.0.1:{sink.port}/page/${{SINK_TOKEN}}"]},
        )
        room = room_on(db_path, clock, policy)
        room.declare("API down", "P1", commander="Zed")
        refused = room.deliver_pages()
        (_, why) = refused.retrying[0]
        assert why == (
            f"secrets file {secrets} is readable by others (mode 0644); refusing it:"
            f" chmod 600 {secrets}"
        )
        assert sink.accepted == []
        secrets.chmod(0o600)
        clock.step(seconds=30)
        done = room.deliver_pages()
        assert len(done.delivered) == 1, done.lines()
    assert [path for path, _ in sink.accepted] == ["/page/tok-123"]
    assert "tok-123" not in everything_stored(db_path)


def test_warroom_deliver_refuses_a_readable_secrets_file_before_sending(
    db_path: Path, tmp_path: Path, cli_clock: FrozenClock
) -> None:
    secrets = write_secrets(tmp_path / "secrets.env", "X=1\n", 0o640)
    policy_path = tmp_path / "policy.yaml"
    policy_path.write_text(default_policy_text() + f"\npages:\n  secrets_file: {secrets}\n")
    runner = CliRunner()
    base = ["--db", str(db_path), "--policy", str(policy_path), "--as", "Zed"]
    assert runner.invoke(cli, [*base, "declare", "-t", "x", "-s", "P3"]).exit_code == 0
    result = runner.invoke(cli, [*base, "deliver", "--once"])
    assert result.exit_code == 1
    assert f"secrets file {secrets} is readable by others (mode 0640)" in result.output


def test_a_receiver_that_fails_then_recovers_gets_each_page_once(
    db_path: Path, clock: FrozenClock
) -> None:
    with http_sink(fail_first=7) as sink:
        base = f"json://127.0.0.1:{sink.port}"
        policy = paging_policy(
            "pages:\n  subscribers: [Eve Adams, Femi Bello]\n",
            {"Eve Adams": [f"{base}/eve"], "Femi Bello": [f"{base}/femi"]},
        )
        room = room_on(db_path, clock, policy)
        for n in range(3):
            room.declare(f"incident {n}", "P2", commander="Zed")  # 6 pages
        rounds = 0
        while any(p.state == "pending" for p in outbox(room)):
            room.deliver_pages()
            clock.step(minutes=1)
            rounds += 1
            assert rounds < 20
        assert sink.refused == 7
    received = Counter((path, body["title"]) for path, body in sink.accepted)
    expected = {
        (f"/{who}", f"[warroom] #{n} P2 declared (availability): incident {n - 1}")
        for who in ("eve", "femi")
        for n in (1, 2, 3)
    }
    assert set(received) == expected  # every page got through ...
    assert set(received.values()) == {1}  # ... once
    assert {p.state for p in outbox(room)} == {"delivered"}
    assert sum(p.attempts for p in outbox(room)) == 6 + 7


HOOK = """\
import json, os, sys
with open(sys.argv[1], "a") as out:
    out.write(json.dumps({"argv": sys.argv[2:], "event": os.environ.get("WARROOM_EVENT", ""),
                          "person": os.environ["WARROOM_PERSON"]}) + "\\n")
"""


def test_the_command_hook_is_a_channel_with_argv_and_environment_never_a_shell(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    script = tmp_path / "hook.py"
    script.write_text(HOOK)
    calls = tmp_path / "calls.jsonl"
    text = default_policy_text().replace('chat: "@eve"}', 'chat: "@eve", channels: [hook]}') + (
        f"\nnotify_hook:\n  program: {sys.executable}\n"
        f'  args: ["{script}", "{calls}", "{{title}}", "{{event}}"]\n'
        "pages:\n  subscribers: [Eve Adams]\n"
    )
    policy = parse_policy(text, "hook-policy.yaml")
    room = room_on(db_path, clock, policy)
    title = "DB down $(touch pwned) ; rm -rf /"
    room.declare(title, "P1", commander="Zed")
    done = room.deliver_pages()
    assert len(done.delivered) == 1, done.lines()
    (call,) = [json.loads(line) for line in calls.read_text().splitlines()]
    assert call == {"argv": [title, "declared"], "event": "declared", "person": "Eve Adams"}
    assert not (Path(os.getcwd()) / "pwned").exists()


def test_a_contact_paged_by_the_hook_channel_is_not_also_run_by_the_escalation_hook(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    script = tmp_path / "hook.py"
    script.write_text(HOOK)
    calls = tmp_path / "calls.jsonl"
    text = default_policy_text().replace('chat: "@dana"}', 'chat: "@dana", channels: [hook]}')
    text += (
        f"\nnotify_hook:\n  program: {sys.executable}\n"
        f'  args: ["{script}", "{calls}", "{{person}}"]\n'
    )
    room = room_on(db_path, clock, parse_policy(text, "hook-policy.yaml"))
    incident_id = room.declare("API down", "P0", commander="Zed")  # On-call + Eng lead (Dana)
    ran = room.run_notify_hook(room.sweep().engaged)
    assert len(ran) == 1  # the on-call, through the old hook path; Dana through the outbox
    room.deliver_pages()
    people = [json.loads(line)["argv"][0] for line in calls.read_text().splitlines()]
    assert sorted(people) == sorted(["Dana Kim", ran_person(room, incident_id)])


def ran_person(room: object, incident_id: int) -> str:
    from warroom.service import WarRoom

    assert isinstance(room, WarRoom)
    calls = queries.engagements(room.db, incident_id)
    return next(c.person for c in calls if c.level == 1)
