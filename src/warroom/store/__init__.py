"""SQLite storage: opening and migrating the file, and reading it back.

The file's door for everyone above the store: `from warroom import store`, then
`store.connect(path)`, `store.transaction(db)`; reads go through
`warroom.store.read_model`, writes through the service layer's unit of work.
"""

from warroom.store.db import (
    SCHEMA_VERSION,
    Access,
    connect,
    data_version,
    is_demo,
    mark_demo,
    migrations,
    read_only_reason,
    set_access,
    transaction,
)

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
