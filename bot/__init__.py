"""studybot: a Discord study-group bot for the math behind deep learning."""

from __future__ import annotations

__version__ = "0.1.0"
