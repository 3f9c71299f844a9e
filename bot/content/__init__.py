"""Prompt bank, resource catalog and curricula: load and validate data/."""

from __future__ import annotations

from bot.content.loader import ContentBank, default_data_dir, load_content, use_data_dir
from bot.content.models import Curriculum, CurriculumWeek, Mistake, Prompt, Resource, Topic
from bot.content.yamlio import ContentError

__all__ = [
    "ContentBank",
    "ContentError",
    "Curriculum",
    "CurriculumWeek",
    "Mistake",
    "Prompt",
    "Resource",
    "Topic",
    "default_data_dir",
    "load_content",
    "use_data_dir",
]
