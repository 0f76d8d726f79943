"""The quiet keyboard driver's wake pipe: closed once, never written after closing (the
numbers may be reused by another file by then)."""

from __future__ import annotations

import os

from textual.app import App

from warroom.tui.quiet_input import QuietLinuxDriver


async def test_after_close_the_stop_writes_nothing_and_a_second_close_is_harmless() -> None:
    driver = QuietLinuxDriver(App(), debug=False, mouse=False, size=None)
    wake = driver.exit_event.wake
    driver.close()
    reuse_read, reuse_write = os.pipe()  # likely takes the numbers just freed
    try:
        os.set_blocking(reuse_read, False)
        driver.exit_event.set()  # a late stop
        driver.close()
        assert driver.exit_event.wake == -1
        try:
            written = os.read(reuse_read, 16)
        except BlockingIOError:
            written = b""
        assert written == b"", f"the stop wrote into a reused descriptor ({wake})"
    finally:
        os.close(reuse_read)
        os.close(reuse_write)
