"""Files warroom writes never overwrite the record; they are private by default;
a database this process cannot write still reads, and a write says why not.

Permission tests need a user the kernel holds to its permission bits. Run as
root, they switch the effective user to `nobody` around the command (root
ignores permission bits); run as anyone else, they are that user already.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import warroom.transfer  # loaded now: `nobody` cannot read root's interpreter files
from warroom import store
from warroom.cli import cli
from warroom.errors import WriteFailed
from warroom.transfer import write_file

ROOT = os.geteuid() == 0
NOBODY = 65534


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "--as", "Eve", "--tz", "UTC", *args], env=env)


def declare(db: Path, *options: str) -> None:
    done = run(db, *options, "declare", "-s", "P2", "-t", "Checkout errors")
    assert done.exit_code == 0, done.output


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder `nobody` can reach (pytest's tmp_path sits under root's 0700 one)."""
    folder = Path(tempfile.mkdtemp(prefix="warroom-perm-"))
    folder.chmod(0o755)
    yield folder
    for dirpath, _dirs, _files in os.walk(folder):
        os.chmod(dirpath, 0o700)
    shutil.rmtree(folder)


def give_away(*paths: Path) -> None:
    """Make `nobody` the owner, when we can (as root); otherwise they are ours already."""
    if ROOT:
        for path in paths:
            os.chown(path, NOBODY, NOBODY)


def _others_reach(path: Path) -> bool:
    """Whether a user who is neither owner nor group (`nobody`) can reach `path`: every
    folder above it open to others."""
    return all(mode(folder) & stat.S_IXOTH for folder in path.resolve().parents)


def _code_out_of_reach() -> str | None:
    """Why `nobody` could not run warroom's code here, or None: a checkout or a virtual
    environment inside a folder only root may enter (`mktemp -d`, 0700)."""
    places = {
        "warroom's code": Path(warroom.transfer.__file__),
        "the installed packages": Path(sysconfig.get_paths()["purelib"]),
    }
    for what, path in places.items():
        if not _others_reach(path):
            return f"{what} sits in a folder nobody cannot enter ({path})"
    return None


@contextmanager
def as_other_user() -> Iterator[None]:
    """Run as a user the permission bits apply to: `nobody` when we are root (skipped
    when `nobody` cannot reach the code that runs: a root-only folder above it)."""
    if not ROOT:
        yield
        return
    out_of_reach = _code_out_of_reach()
    if out_of_reach is not None:
        pytest.skip(f"running as nobody needs the code readable by others: {out_of_reach}")
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@contextmanager
def mounted(folder: Path, *args: str) -> Iterator[None]:
    done = subprocess.run(["mount", *args, str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here (needs root with CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


# -- never over the database -------------------------------------------------------------


@pytest.mark.parametrize(
    ("companion", "how"),
    [("", "hard link"), ("", "symlink"), ("-wal", "hard link"), ("-shm", "symlink")],
)
def test_export_never_writes_over_the_database_by_another_name(
    tmp_path: Path, companion: str, how: str
) -> None:
    db_path = tmp_path / "warroom.db"
    declare(db_path)
    holder = store.connect(db_path)  # keeps -wal and -shm in place
    try:
        with store.transaction(holder):  # and gives the -wal its header
            holder.conn.execute("INSERT INTO warroom_meta VALUES ('held', '1')")
        original = Path(f"{db_path}{companion}")
        alias = tmp_path / "postmortem.md"
        if how == "hard link":
            os.link(original, alias)
        else:
            alias.symlink_to(original)
        magic = original.read_bytes()[:4]  # SQLite's, the WAL's, the shared memory's
        refused = run(db_path, "export", "1", "-o", str(alias), "--force")
        assert refused.exit_code == 1
        assert refused.stderr == f"Error: {alias} is the warroom database; write to another file\n"
        assert os.path.samefile(alias, original)  # still the same file, not replaced
        assert original.read_bytes()[:4] == magic
        runbook = tmp_path / "rb.md"
        runbook.write_text("# Restore\n\n## Steps\n\n- [ ] Stop writes\n", encoding="utf-8")
        imported = run(db_path, "runbook", "import", str(runbook), "-o", str(alias), "--force")
        assert imported.exit_code == 1 and "is the warroom database" in imported.stderr
        assert os.path.samefile(alias, original) and original.read_bytes()[:4] == magic
    finally:
        holder.conn.close()
    shown = run(db_path, "show", "1")
    assert shown.exit_code == 0 and "Checkout errors" in shown.stdout


def test_a_link_to_a_missing_file_is_written_only_with_force(tmp_path: Path) -> None:
    db_path = tmp_path / "warroom.db"
    declare(db_path)
    target = tmp_path / "reports" / "postmortem.md"
    target.parent.mkdir()
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    refused = run(db_path, "export", "1", "-o", str(link))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {link} is a link to {target}, which does not exist; use --force to write there\n"
    )
    assert not target.exists()
    forced = run(db_path, "export", "1", "-o", str(link), "--force")
    assert forced.exit_code == 0, forced.output
    assert link.is_symlink() and "Checkout errors" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == ["postmortem.md"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_part_of_the_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "postmortem.md"
    target.write_text("my edits\n", encoding="utf-8")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(WriteFailed, match=r"^cannot write .*postmortem.md: No space left"):
        write_file(target, "the new post-mortem\n" * 1000, force=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "my edits\n"
    assert [p.name for p in tmp_path.iterdir()] == ["postmortem.md"]


# -- private by default ------------------------------------------------------------------


def test_database_folder_companions_and_exports_are_private(tmp_path: Path, umask022: None) -> None:
    db_path = tmp_path / "data" / "warroom.db"
    declare(db_path)
    export = tmp_path / "postmortem.md"
    assert run(db_path, "export", "1", "-o", str(export)).exit_code == 0
    runbook_md = tmp_path / "rb.md"
    runbook_md.write_text("# Restore\n\n## Steps\n\n- [ ] Stop writes\n", encoding="utf-8")
    runbook = tmp_path / "rb.yaml"
    assert run(db_path, "runbook", "import", str(runbook_md), "-o", str(runbook)).exit_code == 0
    writer = store.connect(db_path)
    try:
        wal, shm = Path(f"{db_path}-wal"), Path(f"{db_path}-shm")
        assert (mode(db_path.parent), mode(db_path), mode(wal), mode(shm)) == (
            0o700,
            0o600,
            0o600,
            0o600,
        )
    finally:
        writer.conn.close()
    assert (mode(export), mode(runbook)) == (0o600, 0o600)


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_team_sharing_through_its_group_gets_group_modes(
    tmp_path: Path, umask022: None, how: str
) -> None:
    db_path = tmp_path / "team" / "warroom.db"
    option = ("--share-group",) if how == "option" else ()
    env = {"WARROOM_SHARE_GROUP": "1"} if how == "environment" else None
    done = run(db_path, *option, "declare", "-s", "P2", "-t", "Checkout errors", env=env)
    assert done.exit_code == 0, done.output
    export = tmp_path / "postmortem.md"
    assert run(db_path, *option, "export", "1", "-o", str(export), env=env).exit_code == 0
    writer = store.connect(db_path)
    try:
        companions = (mode(Path(f"{db_path}-wal")), mode(Path(f"{db_path}-shm")))
    finally:
        writer.conn.close()
    assert mode(db_path.parent) == 0o2770  # setgid: new files take the folder's group
    assert (mode(db_path), *companions, mode(export)) == (0o660, 0o660, 0o660, 0o660)


# -- reading what this process cannot write ----------------------------------------------


def test_read_only_option_reads_and_refuses_writes_in_one_line(tmp_path: Path) -> None:
    db_path = tmp_path / "warroom.db"
    declare(db_path)
    listed = run(db_path, "--read-only", "list")
    assert listed.exit_code == 0 and "Checkout errors" in listed.stdout
    assert run(db_path, "--read-only", "show", "1").exit_code == 0
    refused = run(db_path, "--read-only", "log", "1", "rolled back the deploy")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Error: read-only: opened with --read-only; nothing was saved\n",
    )
    assert "rolled back" not in run(db_path, "show", "1").stdout
    exported = tmp_path / "incident.json"
    done = run(db_path, "--read-only", "export", "1", "--format", "json", "-o", str(exported))
    assert done.exit_code == 0, done.output  # an observer may take a copy elsewhere
    imported = run(db_path, "--read-only", "import", str(exported))
    assert imported.stderr == "Error: read-only: opened with --read-only; nothing was saved\n"
    assert "#2" not in run(db_path, "list").stdout
    env = run(db_path, "log", "1", "rolled back", env={"WARROOM_READ_ONLY": "1"})
    assert env.exit_code == 1 and "read-only" in env.stderr
    missing = run(tmp_path / "none.db", "--read-only", "declare", "-s", "P2", "-t", "x")
    assert missing.exit_code == 1 and "--read-only creates nothing" in missing.stderr
    assert not (tmp_path / "none.db").exists()


def test_a_read_only_folder_still_reads(open_folder: Path) -> None:
    folder = open_folder / "data"
    db_path = folder / "warroom.db"
    declare(db_path)
    give_away(folder, db_path)
    folder.chmod(0o555)
    with as_other_user():
        listed = run(db_path, "list")
        shown = run(db_path, "show", "1")
        refused = run(db_path, "log", "1", "rolled back the deploy")
    assert listed.exit_code == 0 and "Checkout errors" in listed.stdout, listed.output
    assert shown.exit_code == 0 and "Checkout errors" in shown.stdout, shown.output
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"Error: read-only: the folder {folder} is not writable; nothing was saved\n",
    )
    assert [p.name for p in folder.iterdir()] == ["warroom.db"]


def test_reading_a_read_only_file_leaves_nothing_that_breaks_later_writes(
    open_folder: Path,
) -> None:
    folder = open_folder / "data"
    db_path = folder / "warroom.db"
    declare(db_path)
    give_away(folder, db_path)
    db_path.chmod(0o444)
    with as_other_user():
        listed = run(db_path, "list")
        refused = run(db_path, "log", "1", "rolled back the deploy")
    assert listed.exit_code == 0 and "Checkout errors" in listed.stdout, listed.output
    assert refused.stderr == f"Error: read-only: {db_path} is not writable; nothing was saved\n"
    assert [p.name for p in folder.iterdir()] == ["warroom.db"]  # no 0444 -wal or -shm
    db_path.chmod(0o600)
    with as_other_user():
        logged = run(db_path, "log", "1", "rolled back the deploy")
        shown = run(db_path, "show", "1")
    assert logged.exit_code == 0, logged.output
    assert "rolled back the deploy" in shown.stdout


@pytest.mark.skipif(not ROOT, reason="only root can read another user's private file")
def test_root_reading_a_users_database_leaves_no_root_owned_files(open_folder: Path) -> None:
    folder = open_folder / "data"
    db_path = folder / "warroom.db"
    folder.mkdir()
    give_away(folder)
    with as_other_user():
        declare(db_path)
    holder = store.connect(db_path)  # root holds it open: -wal and -shm exist meanwhile
    try:
        assert run(db_path, "list").exit_code == 0
        assert run(db_path, "log", "1", "root was here").exit_code == 0
        owners = {p.name: p.stat().st_uid for p in folder.iterdir()}
    finally:
        holder.conn.close()
    assert owners == {name: NOBODY for name in ("warroom.db", "warroom.db-wal", "warroom.db-shm")}
    with as_other_user():
        logged = run(db_path, "log", "1", "and the owner still writes")
    assert logged.exit_code == 0, logged.output


def test_a_read_only_mount_still_reads(open_folder: Path) -> None:
    db_path = open_folder / "warroom.db"
    declare(db_path)
    with mounted(open_folder, "--bind", str(open_folder)):
        subprocess.run(["mount", "-o", "remount,ro,bind", str(open_folder)], check=True)
        listed = run(db_path, "list")
        refused = run(db_path, "log", "1", "rolled back the deploy")
        files = [p.name for p in open_folder.iterdir()]
    assert listed.exit_code == 0 and "Checkout errors" in listed.stdout, listed.output
    assert refused.stderr == f"Error: read-only: {db_path} is not writable; nothing was saved\n"
    assert files == ["warroom.db"]


def test_a_full_disk_still_reads_and_a_write_says_why(open_folder: Path) -> None:
    with mounted(open_folder, "-t", "tmpfs", "-o", "size=1m", "tmpfs"):
        db_path = open_folder / "warroom.db"
        declare(db_path)
        export = open_folder / "postmortem.md"
        export.write_text("my edits\n", encoding="utf-8")
        fill(open_folder)
        listed = run(db_path, "list")
        shown = run(db_path, "show", "1")
        refused = run(db_path, "log", "1", "rolled back the deploy")
        exported = run(db_path, "export", "1", "-o", str(export), "--force")
        files = sorted(p.name for p in open_folder.iterdir())
        kept = export.read_text(encoding="utf-8")
    assert listed.exit_code == 0 and "Checkout errors" in listed.stdout, listed.output
    assert shown.exit_code == 0, shown.output
    assert refused.stderr == (
        f"Error: read-only: the disk holding {open_folder} is full; nothing was saved\n"
    )
    assert exported.stderr == f"Error: cannot write {export}: No space left on device\n"
    assert (kept, files) == ("my edits\n", ["filler", "postmortem.md", "warroom.db"])


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the disk holding `folder`, then give back `leave` bytes."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with pytest.raises(OSError, match="No space left"):  # noqa: PT012 - write until full
            while True:
                os.write(fd, b"x" * 65536)
        os.ftruncate(fd, os.fstat(fd).st_size - leave)
    finally:
        os.close(fd)
    return filler


def test_a_nearly_full_disk_still_reads_and_writes_again_once_there_is_room(
    open_folder: Path,
) -> None:
    with mounted(open_folder, "-t", "tmpfs", "-o", "size=1m", "tmpfs"):
        db_path = open_folder / "warroom.db"
        declare(db_path)
        filler = fill(open_folder, leave=8192)  # room for a little, not for a 32 KiB -shm
        listed = run(db_path, "list")
        refused = run(db_path, "log", "1", "rolled back the deploy")
        filler.unlink()
        logged = run(db_path, "log", "1", "rolled back the deploy")
        shown = run(db_path, "show", "1")
    assert listed.exit_code == 0 and "Checkout errors" in listed.stdout, listed.output
    # the first read's attempt to set up a -shm took what room was left
    assert re.match(
        rf"Error: read-only: (there is no room to write in|the disk holding) {open_folder}\b",
        refused.stderr,
    ), refused.stderr
    assert logged.exit_code == 0, logged.output
    assert "rolled back the deploy" in shown.stdout


@pytest.mark.skipif(not ROOT, reason="needs a second user: root writes while nobody watches")
def test_a_snapshot_observer_follows_a_writer_that_arrives_later(open_folder: Path) -> None:
    """Nobody has the file open, and the observer cannot write beside it: it reads
    an immutable snapshot, which must not stay frozen once a writer comes."""
    db_path = open_folder / "warroom.db"
    declare(db_path)
    db_path.chmod(0o644)  # the observer may read it, and write neither it nor its folder
    with as_other_user():
        observer = store.connect(db_path)
        assert store.read_only_reason(observer) == f"{db_path} is not writable"
        before = store.data_version(observer)
    writer = store.connect(db_path)
    try:
        with store.transaction(writer):
            writer.conn.execute("INSERT INTO warroom_meta VALUES ('arrived', '1')")
        with as_other_user():
            moved = store.data_version(observer)
            found = observer.conn.execute(
                "SELECT value FROM warroom_meta WHERE key = 'arrived'"
            ).fetchone()
    finally:
        writer.conn.close()
        observer.conn.close()
    assert moved != before
    assert found == ("1",)


def test_a_wal_removed_by_another_process_meanwhile_is_no_obstacle(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last connection to close removes the -wal. When another process closes its
    connection just as this one checks the file, the -wal that was there a moment ago is
    gone: that is not a file "made by another user", and the write goes ahead (CI saw a
    scribe's `warroom log` refused so, with other scribes logging at once)."""
    from warroom.store import file_access

    store.connect(db_path).conn.close()
    wal = Path(f"{db_path}-wal")
    wal.touch()
    asked = file_access._writable  # noqa: SLF001

    def closed_meanwhile(path: Path, mode: int = os.W_OK) -> bool:
        if path == wal and wal.exists():
            wal.unlink()  # the other process's last connection closed just now
            return False  # as asking about a file that is gone answers
        return asked(path, mode)

    monkeypatch.setattr(file_access, "_writable", closed_meanwhile)
    assert file_access.cannot_write(db_path) is None
    # a -wal that is there and not writable is still refused, and named
    wal.touch()
    monkeypatch.setattr(file_access, "_writable", lambda path, mode=os.W_OK: path != wal)
    assert file_access.cannot_write(db_path) == f"{wal} is not writable (made by another user?)"
