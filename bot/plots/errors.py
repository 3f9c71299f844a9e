"""The one error type members see from the plotting engine."""

from __future__ import annotations


class PlotError(ValueError):
    """A member-facing problem with the request: the message is safe to show as is."""
