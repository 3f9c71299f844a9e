"""Errors a member can fix: adapters show the message and change nothing."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a request that cannot be honoured; `str(e)` is the member-facing message."""


class PermissionDenied(UserError):
    """The member lacks the moderator permission a command needs."""
