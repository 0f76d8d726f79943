"""Find files shipped beside the code (styles/, runbooks/), and make files warroom owns.

In a wheel the shipped folders sit inside the package (hatchling force-include);
in an editable checkout they sit at the repository root. Look in that order.

The database, its folder and exports are security-incident records: they are
created private (0600 files, a 0700 folder) unless the team shares them through
a Unix group (0660 files, a setgid 2770 folder).
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The directory `name` (e.g. "styles"), inside the package or the checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"warroom is installed without its {name}/ directory")


# -- files warroom creates: private unless a team shares them through its Unix group ------

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
GROUP_FILE_MODE = 0o660
GROUP_DIR_MODE = 0o2770  # setgid: files made inside belong to the folder's group


def file_mode(share_group: bool = False) -> int:
    """Permission bits for a new database or export: 0600, or 0660 for a team's group."""
    return GROUP_FILE_MODE if share_group else PRIVATE_FILE_MODE


def make_private_dir(path: Path, *, share_group: bool = False) -> None:
    """Create the folder `path` (and any missing parents) if it is not there.

    The folder itself is made 0700 (2770 with `share_group`); parents are made the
    ordinary way, and a folder that already exists is left exactly as it is.
    """
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE)
    except FileExistsError:
        return  # made by someone else meanwhile: theirs to set
    # chmod, not just mkdir's mode: the umask can only take bits away, and Linux
    # ignores the setgid bit given to mkdir
    os.chmod(path, GROUP_DIR_MODE if share_group else PRIVATE_DIR_MODE)


def create_private_file(path: Path, *, share_group: bool = False) -> bool:
    """Create an empty file with `file_mode` (whatever the umask); False if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode(share_group))
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, file_mode(share_group))
    finally:
        os.close(fd)
    return True
