"""Every command, declared once (see spec.py); the slash commands and the console read this table."""

from __future__ import annotations

from bot.commands import challenges, content, curricula, daily, general, pictures, reviews, setup
from bot.commands.spec import Context, Defer, FileInfo, Group, Option, Spec

SPECS: tuple[Spec, ...] = (
    *challenges.SPECS,
    *content.SPECS,
    *curricula.SPECS,
    *daily.SPECS,
    *general.SPECS,
    *pictures.SPECS,
    *reviews.SPECS,
    *setup.SPECS,
)
BY_NAME: dict[str, Spec] = {spec.qualified_name: spec for spec in SPECS}

__all__ = ["BY_NAME", "SPECS", "Context", "Defer", "FileInfo", "Group", "Option", "Spec"]
