"""The machine's time zone, found by name so daylight-saving changes are followed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo


def local_zone(name: str | None = None) -> dt.tzinfo:
    """The zone to display in: an IANA name, else the machine's own zone.

    The machine's zone is found by name (TZ, /etc/timezone, or the target of
    /etc/localtime) so daylight-saving changes are followed; UTC if none is set.
    """
    if name:
        return ZoneInfo(name)
    for candidate in _machine_zone_names():
        try:
            return ZoneInfo(candidate)
        except (ValueError, OSError, KeyError):
            continue
    return dt.UTC


def _machine_zone_names() -> list[str]:
    names = []
    if os.environ.get("TZ"):
        names.append(os.environ["TZ"].lstrip(":"))
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        names.append(timezone_file.read_text().strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    return names
