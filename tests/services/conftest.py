"""Service and scheduler tests run on both backends: `settings` and `db_target` are parametrised."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from tests.conftest import backend_settings


@pytest.fixture
def settings(db_target: Path | str) -> Settings:
    return backend_settings(db_target)
