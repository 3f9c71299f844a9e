"""One log handler, set up once: no doubled lines, colour only on a terminal."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    logger = logging.getLogger()
    saved, level = list(logger.handlers), logger.level
    discord_level = logging.getLogger("discord").level
    try:
        yield logger
    finally:
        logger.handlers[:] = saved
        logger.setLevel(level)
        logging.getLogger("discord").setLevel(discord_level)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_one_handler_even_after_basicconfig_and_a_second_call(root: logging.Logger) -> None:
    root.addHandler(logging.StreamHandler(io.StringIO()))  # what basicConfig / discord.py would add
    out = io.StringIO()
    setup_logging("INFO", out)
    setup_logging("INFO", out)
    logging.getLogger("studybot.test").info("hello once")
    assert out.getvalue().count("hello once") == 1
    assert len(root.handlers) == 1
    assert "\x1b[" not in out.getvalue()
    assert "INFO" in out.getvalue() and "studybot.test: hello once" in out.getvalue()


def test_colour_only_on_a_terminal(root: logging.Logger) -> None:
    tty = Terminal()
    setup_logging("INFO", tty)
    logging.getLogger("studybot.test").warning("careful")
    assert "\x1b[33m" in tty.getvalue()


def test_discord_gateway_debug_stays_off(root: logging.Logger) -> None:
    setup_logging("DEBUG", io.StringIO())
    assert logging.getLogger("discord").getEffectiveLevel() == logging.INFO
    assert logging.getLogger("bot").getEffectiveLevel() == logging.DEBUG
    setup_logging("WARNING", io.StringIO())
    assert logging.getLogger("discord").getEffectiveLevel() == logging.WARNING
