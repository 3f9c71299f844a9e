"""The one exception the parser raises for bad member input."""

from __future__ import annotations


class ParseError(ValueError):
    """Member input that cannot be read; ``str(e)`` is safe to show to the member.

    ``limit`` names the safety limit that was hit ("length", "nesting depth", ...) or is None for
    ordinary syntax errors, so callers can tell hostile input from a typo.
    """

    def __init__(self, message: str, *, limit: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit
