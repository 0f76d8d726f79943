"""`python -m warroom` runs the same entry point as the `warroom` script."""

from __future__ import annotations

from warroom.cli import main

main()
