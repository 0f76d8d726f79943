"""The policy file: the packaged default, or a team's YAML file, read and parsed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import warroom.defaults
from warroom.domain.policy import Policy, parse_policy
from warroom.domain.policy_reader import PolicyError
from warroom.loaders.parse_cache import cached_parse
from warroom.loaders.text_files import read_text_file


def default_policy_text() -> str:
    """The packaged default policy, as YAML text."""
    beside = Path(warroom.defaults.__file__).with_name("policy.yaml")
    if beside.is_file():  # installed as files: skips importlib.resources' readers (zipfile)
        return beside.read_text("utf-8")
    from importlib import resources

    return resources.files("warroom.defaults").joinpath("policy.yaml").read_text("utf-8")


def load_policy(path: Path | None = None) -> Policy:
    """The policy in `path`, or the packaged default when None."""
    if path is None:
        return cached_parse(
            "policy", default_policy_text(), "policy.yaml (default)", parse_policy, Policy
        )
    policy = cached_parse(
        "policy", read_text_file(path, "policy", PolicyError), str(path), parse_policy, Policy
    )
    return replace(policy, modified=_modified(path))


def _modified(path: Path) -> dt.datetime | None:
    """When the file was last changed (the policy record names it), if it can be told."""
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except (OSError, ValueError, OverflowError):
        return None


def check_policy_file(path: Path | str) -> Policy:
    """Validate a policy file (`warroom policy check FILE`); PolicyError names file:line: field."""
    return load_policy(Path(path))
