"""The console's sweep steps aside while the person moves through the console (issue
12): each of its commits has the console read the file again and redraw, so keys
pressed while a backlog is recorded waited behind them (~60 ms a key on a month-old
file of 1,000 incidents, ~17 ms with the pause). Between two of its transactions it
waits until the person pauses, at most MOVING_WAIT_SECONDS, so a backlog is still
recorded while someone holds a key down; the mouse moving over the window is not the
person moving through the console."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.tui import bridge as bridge_module
from warroom.tui.bridge import Bridge


class Stepped:
    """`time` for the bridge: `sleep` moves `monotonic` on, and nothing else does."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Console:
    """The app as the bridge sees it: when the last key came (`OrderedKeys.pressed_at`);
    `holding`: a key held down, one each time it is asked."""

    def __init__(self, steps: Stepped, pressed_at: float, *, holding: bool = False) -> None:
        self.steps, self._pressed_at, self.holding = steps, pressed_at, holding
        self.keyed_at = steps.now  # the mouse moved just now: not a key

    @property
    def pressed_at(self) -> float:
        return self.steps.now if self.holding else self._pressed_at


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> Stepped:
    stepped = Stepped()
    monkeypatch.setattr(bridge_module, "time", stepped)
    return stepped


def bridge_for(app: Console, db_path: Path, clock: FrozenClock) -> Bridge:
    return Bridge(
        app,  # type: ignore[arg-type]
        db_path=db_path,
        clock=clock,
        actor=Actor("Ana", "ana"),
        policy=load_policy(),
    )


def test_the_sweep_waits_for_the_person_to_pause(
    steps: Stepped, db_path: Path, clock: FrozenClock
) -> None:
    pressed = steps.now - 0.1  # j, a moment ago
    bridge = bridge_for(Console(steps, pressed), db_path, clock)
    bridge._people_first()  # noqa: SLF001 - the pause before each of the sweep's transactions
    assert steps.now - pressed >= bridge_module.MOVING_SECONDS
    # (stepped in looks: within one look of it, give or take the sums' rounding)
    assert (
        steps.now - pressed < bridge_module.MOVING_SECONDS + 2 * bridge_module.MOVING_LOOK_SECONDS
    )


def test_a_key_held_down_holds_each_transaction_back_at_most_moving_wait_seconds(
    steps: Stepped, db_path: Path, clock: FrozenClock
) -> None:
    started = steps.now
    bridge = bridge_for(Console(steps, steps.now, holding=True), db_path, clock)
    bridge._people_first()  # noqa: SLF001
    waited = steps.now - started
    assert waited >= bridge_module.MOVING_WAIT_SECONDS
    assert waited < bridge_module.MOVING_WAIT_SECONDS + bridge_module.MOVING_LOOK_SECONDS * 2


def test_nobody_pressing_keys_the_sweep_goes_on_at_once(
    steps: Stepped, db_path: Path, clock: FrozenClock
) -> None:
    bridge = bridge_for(Console(steps, steps.now - 5.0), db_path, clock)
    bridge._people_first()  # noqa: SLF001
    assert steps.slept == []
