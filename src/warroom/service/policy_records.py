"""The policy in effect: recorded once per database, compared by every process.

`check_policy` is what a console or command runs when it opens the file: the
first one records its policy; a later one with another policy gets a
`PolicyMismatch` to warn with (it never changes the record). `adopt_policy`
(`warroom policy adopt`) makes this process's policy the one in effect.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from warroom.domain.policy import Policy, parse_policy
from warroom.domain.policy_reader import PolicyError
from warroom.domain.policy_record import PolicyMismatch, PolicyRecord, differences, record_of
from warroom.errors import InvalidInput, WriteFailed
from warroom.service.base import RoomBase
from warroom.store import policy_record

if TYPE_CHECKING:
    import sqlite_utils


class PolicyRecords(RoomBase):
    """The policy every console and command of this database should run with."""

    def check_policy(self) -> PolicyMismatch | None:
        """Record this policy when none is (a read-only file records nothing); otherwise
        the mismatch between this policy and the recorded one, or None when they agree."""
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
            return None
        return mismatch(mine, recorded, self.policy)

    def adopt_policy(self) -> PolicyRecord:
        """Make this process's policy the one in effect; returns the record it replaced
        (or this one, when it already was)."""
        mine = record_of(self.policy)
        with self.unit_of_work() as uow:
            before = policy_record.recorded_policy(uow.db)
            if before is not None and before.fingerprint == mine.fingerprint:
                raise InvalidInput(
                    f"the policy in effect is already {mine.source}"
                    f" (fingerprint {mine.fingerprint})"
                )
            policy_record.record_policy(uow, mine)
        return before or mine


def compare_policy(db: sqlite_utils.Database, policy: Policy) -> PolicyMismatch | None:
    """The mismatch between `policy` and the recorded one, reading only (None: they
    agree, or none is recorded yet)."""
    recorded = policy_record.recorded_policy(db)
    mine = record_of(policy)
    if recorded is None or recorded.fingerprint == mine.fingerprint:
        return None
    return mismatch(mine, recorded, policy)


def mismatch(mine: PolicyRecord, recorded: PolicyRecord, policy: Policy) -> PolicyMismatch:
    """The mismatch, with what differs when the recorded text still reads as a policy."""
    try:
        theirs = parse_policy(recorded.text, f"{recorded.source} (recorded)")
    except PolicyError:
        found = ["the recorded policy cannot be read by this warroom"]
    else:
        found = differences(policy, replace(theirs, modified=recorded.modified))
    return PolicyMismatch(mine, recorded, tuple(found))
