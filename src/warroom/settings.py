"""Where things are and who is typing: options, environment, platform defaults.

Precedence: command-line option, then environment variable, then default.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from warroom.domain.models import Actor
from warroom.domain.vocabulary import SYSTEM_AUTHOR
from warroom.errors import InvalidInput

ENV_DB = "WARROOM_DB"
ENV_USER = "WARROOM_USER"
ENV_POLICY = "WARROOM_POLICY"
ENV_TZ = "WARROOM_TZ"
ENV_RUNBOOKS = "WARROOM_RUNBOOKS"
ENV_TEMPLATES = "WARROOM_TEMPLATES"
ENV_READ_ONLY = "WARROOM_READ_ONLY"
ENV_SHARE_GROUP = "WARROOM_SHARE_GROUP"


def data_dir() -> Path:
    import platformdirs  # only when no --db or WARROOM_DB names the file (~5 ms)

    return Path(platformdirs.user_data_dir("warroom", appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "warroom.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Settings:
    """What a command runs with: the file, who acts, the policy and the other folders."""

    db_path: Path
    actor: Actor
    policy_path: Path | None
    tz_name: str | None
    runbooks_dir: Path | None = None
    templates_dir: Path | None = None
    read_only: bool = False  # an observer: read the database, never write it
    share_group: bool = False  # new files 0660 and the data folder 2770, for a Unix group


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def resolve(
    db: str | None = None,
    as_name: str | None = None,
    policy: str | None = None,
    tz: str | None = None,
    runbooks: str | None = None,
    templates: str | None = None,
    *,
    read_only: bool = False,
    share_group: bool = False,
) -> Settings:
    """Settings from options, falling back to the environment, then defaults."""
    db_value = db or os.environ.get(ENV_DB)
    policy_value = policy or os.environ.get(ENV_POLICY)
    runbooks_value = runbooks or os.environ.get(ENV_RUNBOOKS)
    templates_value = templates or os.environ.get(ENV_TEMPLATES)
    user = os_user()
    chosen = (as_name or os.environ.get(ENV_USER) or "").strip()
    if chosen.casefold() == SYSTEM_AUTHOR:
        raise InvalidInput(
            f"{chosen!r} signs what the war room does by itself (breaches, escalations on "
            "time); use your own name (--as or WARROOM_USER)"
        )
    name = chosen or user
    return Settings(
        db_path=Path(db_value).expanduser() if db_value else default_db_path(),
        actor=Actor(name=name, os_user=user),
        policy_path=Path(policy_value).expanduser() if policy_value else None,
        tz_name=tz or os.environ.get(ENV_TZ) or None,
        runbooks_dir=Path(runbooks_value).expanduser() if runbooks_value else None,
        templates_dir=Path(templates_value).expanduser() if templates_value else None,
        read_only=read_only or _env_flag(ENV_READ_ONLY),
        share_group=share_group or _env_flag(ENV_SHARE_GROUP),
    )
