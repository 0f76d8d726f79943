"""The policy in effect: recorded once per database, compared by every process.

`check_policy` is what a console or command runs when it opens the file: the
first one records its policy; a later one with another policy gets a
`PolicyMismatch` to warn with (it never changes the record). `adopt_policy`
(`warroom policy adopt`) makes this process's policy the one in effect.
"""

from __future__ import annotations

from warroom.domain.policy_record import PolicyMismatch, PolicyRecord, mismatch, record_of
from warroom.errors import InvalidInput, WriteFailed
from warroom.service.base import RoomBase
from warroom.store import policy_record, read_model


class PolicyRecords(RoomBase):
    """The policy every console and command of this database should run with."""

    def check_policy(self, *, fill: bool = True) -> PolicyMismatch | None:
        """Record this policy when none is (a read-only file records nothing); otherwise
        the mismatch between this policy and the recorded one, or None when they agree.
        `fill`: also work out the kept next deadlines when other rules made them (a
        command does; a console, which works out its own board, leaves it to the next
        command: its people's writes would wait for it)."""
        mine = record_of(self.policy)
        recorded = policy_record.recorded_policy(self.db)
        if recorded is None:
            try:
                with self.unit_of_work() as uow:
                    if policy_record.recorded_policy(uow.db) is None:  # nobody came first
                        policy_record.record_policy(uow, mine)
            except WriteFailed:
                return None
            recorded = policy_record.recorded_policy(self.db)
        if recorded is None or recorded.fingerprint == mine.fingerprint:
            if fill:
                self._fill_next_due()
            return None
        return mismatch(mine, recorded, self.policy)

    def _fill_next_due(self) -> None:
        """Under the policy in effect, work out every incident's kept next deadline when
        they were worked out under other rules (an upgrade: store.next_due)."""
        from warroom.store import next_due

        rules = next_due.rules(self.policy)
        if rules is None or next_due.filled_under(self.db) == rules:
            return
        try:  # a batch per transaction: a person's write meanwhile waits for one
            for batch in next_due.incident_batches(self.db):
                with self.unit_of_work() as uow:
                    if next_due.filled_under(uow.db) == rules:  # another process finished
                        return
                    next_due.refresh(uow.db, self.policy, batch)
            with self.unit_of_work() as uow:
                next_due.mark_filled(uow.db, self.policy)
        except WriteFailed:
            return

    def adopt_policy(self) -> PolicyRecord:
        """Make this process's policy the one in effect; returns the record it replaced
        (or this one, when it already was)."""
        from warroom.store import next_due

        mine = record_of(self.policy)
        with self.unit_of_work() as uow:
            before = policy_record.recorded_policy(uow.db)
            if before is not None and before.fingerprint == mine.fingerprint:
                raise InvalidInput(
                    f"the policy in effect is already {mine.source}"
                    f" (fingerprint {mine.fingerprint})"
                )
            policy_record.record_policy(uow, mine)
            next_due.refresh(uow.db, self.policy, None)  # every incident's, under this one
        return before or mine


# reading only, as the read model does it (a command that only reads imports no service)
compare_policy = read_model.policy_mismatch
