"""Weekly challenges, in four parts: commands, the answer hook, reply formatting, scheduled jobs."""

from __future__ import annotations

from bot.services.challenges.commands import MAX_TITLE, MAX_UPCOMING, ChallengeService
from bot.services.challenges.jobs import (
    ChallengeOpenJob,
    ChallengeReminderJob,
    ChallengeResultsJob,
    WeeklyChallengeJob,
)
from bot.services.challenges.replies import join_button

__all__ = [
    "MAX_TITLE",
    "MAX_UPCOMING",
    "ChallengeOpenJob",
    "ChallengeReminderJob",
    "ChallengeResultsJob",
    "ChallengeService",
    "WeeklyChallengeJob",
    "join_button",
]
