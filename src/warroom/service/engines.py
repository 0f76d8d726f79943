"""An engine's record in the file (`warroom engine`): the console reads from it
whether ladders advance with no console open.

These writes belong to no incident, so they carry no timeline row: the record
says which process runs, never what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from warroom.service.base import RoomBase
from warroom.store import engine_writes

if TYPE_CHECKING:  # imported by the engine's actions only, not by every command's WarRoom
    from warroom.domain.engine_presence import EngineOnRecord


@dataclass(frozen=True, slots=True)
class EngineStart:
    """An engine just recorded, and the others whose heartbeat is fresh on the file."""

    engine: EngineOnRecord
    others: tuple[EngineOnRecord, ...]


class Engines(RoomBase):
    """The record of a running engine: started, heard from, stopped."""

    def engine_started(self, pid: int, host: str, listen: str, version: str) -> EngineStart:
        """Record this engine (forgetting engines whose heartbeat stopped long ago: they
        were killed); returns its record and the other engines still running."""
        from warroom.domain.engine_presence import STALE_AFTER
        from warroom.store import engine_queries

        with self.unit_of_work() as uow:
            engine_writes.remove_stale(uow, uow.now - STALE_AFTER)
            engine_id = engine_writes.insert_engine(uow, pid, host, listen, version)
            found = engine_queries.engines(uow.db)
        mine = next(e for e in found if e.id == engine_id)
        return EngineStart(mine, tuple(e for e in found if e.id != engine_id))

    def engine_heartbeat(self, engine: EngineOnRecord) -> None:
        """Say the engine still runs; its record is put back if another removed it."""
        with self.unit_of_work() as uow:
            if not engine_writes.beat(uow, engine.id):
                engine_writes.insert_engine(
                    uow,
                    engine.pid,
                    engine.host,
                    engine.listen,
                    engine.version,
                    engine_id=engine.id,
                    started_at=engine.started_at,
                )

    def engine_stopped(self, engine: EngineOnRecord) -> None:
        """The engine stops cleanly: its record goes."""
        with self.unit_of_work() as uow:
            engine_writes.remove_engine(uow, engine.id)
