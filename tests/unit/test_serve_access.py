"""Who `warroom serve` lets in, and under which name (warroom.web.access)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from warroom.cli import cli
from warroom.errors import InvalidInput
from warroom.web.access import choose_gate, host_without_port, is_loopback, load_tokens

BEA = "bea-token-0123456789abcdef"
CAL = "cal-token-0123456789abcdef"


def token_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tokens"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_each_token_names_its_holder_and_nothing_else(tmp_path: Path) -> None:
    path = token_file(tmp_path, f"# team\n\nBea Browser: {BEA}\n  Cal: {CAL}  \n")
    gate = choose_gate("0.0.0.0", "Ada", path, None)
    assert gate.mode == "token"
    assert gate.holder(BEA) == "Bea Browser"
    assert gate.holder(CAL) == "Cal"
    assert gate.holder(BEA[:-1]) is None  # a prefix is not the token
    assert gate.holder(BEA + "x") is None
    assert gate.holder("") is None
    assert gate.holder("\udcff") is None  # undecodable bytes from a form: refused, no error
    assert BEA not in repr(gate)  # tokens never land in a log line by accident


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Bea Browser\n", "tokens:1: expected `NAME: TOKEN`, found no colon"),
        ("# only\nBea: short\n", "tokens:2: Bea's token must be at least 16 characters"),
        (f"Bea: {BEA}\nCal: {BEA}\n", "tokens:2: Cal's token is also on line 1"),
        (f"warroom: {BEA}\n", "tokens:1: 'warroom' cannot sign entries"),
        (f": {BEA}\n", "tokens:1: '' cannot sign entries"),
        (f"B\x1b[2Jea: {BEA}\n", "tokens:1: 'B␛[2Jea' cannot sign entries"),
        ("# nobody yet\n", "the token file names nobody"),
    ],
)
def test_a_bad_token_file_is_refused_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = token_file(tmp_path, text)
    with pytest.raises(InvalidInput) as refused:
        load_tokens(path)
    assert message in str(refused.value)
    assert BEA not in str(refused.value)  # the token itself is never printed


def test_a_missing_token_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read the token file"):
        load_tokens(tmp_path / "absent")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("warroom.example.com", False),
        ("localhost.evil.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("header", "host"),
    [("127.0.0.1:8000", "127.0.0.1"), ("[::1]:8000", "::1"), ("localhost", "localhost")],
)
def test_host_header_without_its_port(header: str, host: str) -> None:
    assert host_without_port(header) == host


def test_a_reachable_host_needs_a_token_or_a_proxy(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"--host 0\.0\.0\.0 is reachable from other machines"):
        choose_gate("0.0.0.0", "Ada", None, None)
    assert choose_gate("127.0.0.1", "Ada", None, None).local_name == "Ada"
    proxied = choose_gate("0.0.0.0", "Ada", None, "X-Forwarded-User")
    assert (proxied.mode, proxied.user_header) == ("proxy", "X-Forwarded-User")
    with pytest.raises(InvalidInput, match="not a header name"):
        choose_gate("127.0.0.1", "Ada", None, "X-User: admin")
    with pytest.raises(InvalidInput, match="choose one"):
        choose_gate("127.0.0.1", "Ada", token_file(tmp_path, f"Bea: {BEA}\n"), "Remote-User")


def test_serve_refuses_before_listening(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    result = CliRunner().invoke(cli, ["--db", db, "serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 1
    assert "Error: --host 0.0.0.0 is reachable from other machines" in result.output
    bad = token_file(tmp_path, "Bea: short\n")
    result = CliRunner().invoke(cli, ["--db", db, "serve", "--token-file", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:1: Bea's token must be at least 16 characters" in result.output


def test_each_browser_console_runs_on_the_servers_settings_as_its_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warroom import settings
    from warroom.web.server import PersonConsole, console_environment

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WARROOM_POLICY", "/elsewhere/policy.yaml")  # the server's shell had one
    monkeypatch.setenv("WARROOM_USER", "Ada")
    options = settings.resolve("war.db", tz="Europe/Paris", read_only=True)
    environment = console_environment(options)
    monkeypatch.setenv("WARROOM_SHARE_GROUP", "1")  # set after the server chose: not inherited
    assert environment["WARROOM_DB"] == str(tmp_path / "war.db")  # absolute: any cwd works

    async def unused(*_: object) -> None:
        return None

    console = PersonConsole(
        "true",
        {**environment, "WARROOM_USER": "Bea Browser"},
        write_bytes=unused,
        write_str=unused,
        close=unused,
        download_manager=None,  # type: ignore[arg-type]
    )
    built = console._build_environment(100, 30)  # noqa: SLF001 - what the process gets
    assert built["WARROOM_USER"] == "Bea Browser"  # the login, not the server's own name
    assert built["WARROOM_DB"] == str(tmp_path / "war.db")
    assert (built["WARROOM_TZ"], built["WARROOM_READ_ONLY"]) == ("Europe/Paris", "1")
    assert built["TEXTUAL_DRIVER"].endswith("WebDriver")  # textual-serve's own settings kept
    assert "WARROOM_SHARE_GROUP" not in built
    # the server was resolved to the policy in WARROOM_POLICY: the consoles get that same one
    assert built["WARROOM_POLICY"] == "/elsewhere/policy.yaml"
