"""What every area of the war room acts with: the database, the clock, who acts,
the policy and the runbooks; and `unit_of_work()`, the one way an action writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from warroom.clock import Clock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.timefmt import check_moment
from warroom.errors import InvalidInput
from warroom.store import queries, unit_of_work
from warroom.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    import sqlite_utils

    from warroom.domain.runbooks import Runbook


def checked_moment(at: dt.datetime, what: str) -> dt.datetime:
    """A time given to an action (CLI, console, import): refused, naming `what`, unless
    it is zoned and inside the range warroom keeps; a stored year 0999 or 9999 would
    break every later read and clock."""
    try:
        return check_moment(at, what)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


class RoomBase:
    """The user actions over one database connection, as one actor, on one clock."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        clock: Clock,
        actor: Actor,
        policy: Policy,
        runbooks: Sequence[Runbook] | Callable[[], Sequence[Runbook]] = (),
    ):
        self.db = db
        self.clock = clock
        self.actor = actor
        self.policy = policy
        # a callable is asked once, when an action first needs them: most writes never do
        self._runbooks = runbooks if callable(runbooks) else tuple(runbooks)

    @property
    def runbooks(self) -> tuple[Runbook, ...]:
        """The runbooks attached automatically where they apply."""
        if callable(self._runbooks):
            self._runbooks = tuple(self._runbooks())
        return self._runbooks

    @contextmanager
    def unit_of_work(self, now: dt.datetime | None = None) -> Iterator[UnitOfWork]:
        """One action's write transaction (BEGIN IMMEDIATE), at `now` (default: the clock's).

        Before it commits, the next deadline kept for each incident it changed is
        worked out again (store.next_due: what `warroom list` reads)."""
        with unit_of_work.begin(self.db, self.actor, now or self.clock.now()) as uow:
            mark = queries.change_mark(uow.db)
            yield uow
            if changed := queries.changed_since(uow.db, mark):
                from warroom.store import next_due  # only when a clock input changed

                next_due.refresh(uow.db, self.policy, sorted(changed))
