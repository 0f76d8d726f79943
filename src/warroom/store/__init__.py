"""SQLite storage: opening and migrating the file, and reading it back.

The file's door for everyone above the store: `from warroom import store`, then
`store.connect(path)`, `store.transaction(db)`; reads go through
`warroom.store.read_model`, writes through the service layer's unit of work.
"""

from typing import TYPE_CHECKING, Any

from warroom.store.db import (
    SCHEMA_VERSION,
    Access,
    connect,
    data_version,
    is_demo,
    mark_demo,
    read_only_reason,
    set_access,
    transaction,
)

if TYPE_CHECKING:
    from warroom.store.db import migrations


def __getattr__(name: str) -> Any:
    """`migrations` is built when asked for: it imports sqlite-utils (see store.db)."""
    if name == "migrations":
        from warroom.store import db

        return db.migrations
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SCHEMA_VERSION",
    "Access",
    "connect",
    "data_version",
    "is_demo",
    "mark_demo",
    "migrations",
    "read_only_reason",
    "set_access",
    "transaction",
]
