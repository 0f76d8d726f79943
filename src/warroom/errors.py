"""Errors a person can read: each one says what was wrong in one line."""

from __future__ import annotations


class WarroomError(Exception):
    """Base of every error warroom reports to a user instead of a traceback."""


class NotFound(WarroomError):
    """An incident, entry or role that does not exist."""


class InvalidInput(WarroomError):
    """A value a person typed that warroom does not accept (severity, status, ...)."""


class DatabaseRefused(WarroomError):
    """A file that is not a warroom database, or one from a newer warroom."""


class WriteFailed(WarroomError):
    """A write that did not happen (locked, read-only, disk full); nothing was changed."""
