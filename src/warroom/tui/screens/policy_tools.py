"""`L`: adopt this console's policy as the one in effect (`warroom policy adopt`),
after a confirm that says what differs. The top bar stops saying POLICY DIFFERS."""

from __future__ import annotations

from warroom.domain.policy_record import PolicyMismatch, record_of
from warroom.tui.bridge import Write
from warroom.tui.screens.console_base import ConsoleBase


class PolicyTools(ConsoleBase):
    """The policy in effect, from the console."""

    policy_mismatch: PolicyMismatch | None = None  # set by the policy check at start

    def action_adopt_policy(self) -> None:
        from warroom.tui.dialogs.adopt_policy import AdoptPolicyScreen

        mismatch = self.policy_mismatch
        if mismatch is None or self.policy_differs is None:
            mine = record_of(self.policy)
            self.notify(
                f"This console's policy is the one in effect: {mine.source}"
                f" (fingerprint {mine.fingerprint}).",
                markup=False,
            )
            return

        def adopted(_: object) -> None:
            self.policy_differs = None
            self.policy_mismatch = None
            self.notify(
                f"Policy in effect: {mismatch.mine.source} (fingerprint"
                f" {mismatch.mine.fingerprint}); it was {mismatch.recorded.source}"
                f" ({mismatch.recorded.fingerprint}).",
                markup=False,
            )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(Write(lambda room: room.adopt_policy(), "Policy", on_success=adopted))

        self.app.push_screen(AdoptPolicyScreen(mismatch, str(self.settings.db_path)), confirmed)
