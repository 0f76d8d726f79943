"""Run the policy's notify hook for an escalation: argv only, never a shell.

The incident's fields go in environment variables (WARROOM_INCIDENT, ...) and
in `{placeholders}` in the hook's arguments. Text people typed is passed as
data in argv/env, never built into a shell string. A failure or a timeout is
reported back as a sentence; it never stops the console.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from warroom.domain.policy import NotifyHook

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class HookRun:
    """What one run of the hook did, in a sentence; `failed` when it did not page."""

    text: str
    failed: bool = False

    def __str__(self) -> str:
        return self.text


def run_hook(hook: NotifyHook, values: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> HookRun:
    """Run the hook; returns what happened, e.g. `notify hook ran (exit 0)`.

    Raises nothing: a missing program, a non-zero exit and a timeout come back
    as a failed run whose text says why.
    """
    import subprocess  # only when a hook runs: ~10 ms off every CLI command

    argv = hook.command(values)
    env = os.environ | {f"WARROOM_{k.upper()}": v for k, v in values.items()}
    try:
        done = subprocess.run(
            argv,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return HookRun(f"notify hook failed: {argv[0]} did not finish within {timeout:g}s", True)
    except OSError as exc:
        return HookRun(f"notify hook failed: cannot run {argv[0]}: {exc.strerror or exc}", True)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        reason = f": {said[-1][:200]}" if said else ""
        return HookRun(f"notify hook failed: {argv[0]} exited {done.returncode}{reason}", True)
    return HookRun(f"notify hook ran ({argv[0]}, exit 0)")
