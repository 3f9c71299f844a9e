"""The process's one log handler: set up once, plain text unless a person is watching a terminal."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
_COLOURS = {"DEBUG": "\x1b[2m", "INFO": "\x1b[34m", "WARNING": "\x1b[33m", "ERROR": "\x1b[31m"}


class _ColourFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        colour = _COLOURS.get(record.levelname, "\x1b[1;31m")
        return f"{colour}{text}\x1b[0m"


class _StudybotHandler(logging.StreamHandler):
    """Marks the handler as ours, so a second call replaces nothing and adds nothing."""


def setup_logging(level: str | int = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Install one stderr handler on the root logger, replacing any other (basicConfig's, or
    discord.py's `setup_logging`), so every line is printed once. Colour only on a terminal: a
    container's log file or `docker logs` gets no escape codes."""
    root = logging.getLogger()
    stream = stream or sys.stderr
    for handler in list(root.handlers):
        if isinstance(handler, _StudybotHandler) and handler.stream is stream:
            root.setLevel(level)
            return handler
        root.removeHandler(handler)
    handler = _StudybotHandler(stream)
    tty = hasattr(stream, "isatty") and stream.isatty()
    handler.setFormatter((_ColourFormatter if tty else logging.Formatter)(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    # discord.py's DEBUG is every gateway payload (tokens of interactions included): it stays at
    # INFO even when studybot's own DEBUG lines are asked for.
    logging.getLogger("discord").setLevel(max(logging.INFO, root.level))
    return handler
