"""warroom: a keyboard-driven terminal war-room console for incident response."""

from __future__ import annotations

__version__ = "0.1.0"
