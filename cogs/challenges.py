"""/challenge create|edit|cancel|show|join|leaderboard and the persistent Join button.

Members need show, join and leaderboard, so the group is visible to everyone: discord.py's
`default_permissions` applies to a whole group, not to one subcommand. create, edit and cancel are
therefore guarded by the service's runtime moderator check (Manage Server or the moderator role),
which refuses ephemerally and changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import StudyBot
from bot.discord_render import actor_from, answer


def _services(interaction: discord.Interaction) -> Any:
    return interaction.client.services  # type: ignore[attr-defined]


class JoinButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"studybot:join:(?P<id>[0-9]{1,12})"
):
    """The Join button under a challenge announcement; rebuilt from its custom id after a restart."""

    def __init__(self, challenge_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Join", style=discord.ButtonStyle.success, custom_id=f"studybot:join:{challenge_id}"
            )
        )
        self.challenge_id = challenge_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> JoinButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await answer(
            interaction, _services(interaction).challenges.join(actor_from(interaction), self.challenge_id)
        )


_WHEN = "YYYY-MM-DD or 'YYYY-MM-DD HH:MM' in the server's time zone"


class Challenges(commands.Cog):
    challenge = app_commands.Group(
        name="challenge",
        description="Weekly challenges: join, answer by number, climb the board.",
        guild_only=True,
    )

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @challenge.command(
        name="create", description="Moderators: create a challenge (default: Monday to Sunday)."
    )
    @app_commands.describe(
        title="Its name, e.g. Week 1",
        topics="Comma-separated topics (default: the curriculum's week, else all)",
        count="How many problems (3 to 10, default 5)",
        difficulty="Target difficulty 1-5 (problems within one level)",
        start=f"When it opens: {_WHEN}",
        end=f"When it closes: {_WHEN}",
    )
    async def create(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 80],
        topics: app_commands.Range[str, 1, 200] | None = None,
        count: app_commands.Range[int, 3, 10] | None = None,
        difficulty: app_commands.Range[int, 1, 5] | None = None,
        start: app_commands.Range[str, 1, 20] | None = None,
        end: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(
            interaction,
            self.bot.services.challenges.create(
                actor_from(interaction),
                title,
                topics=topics,
                count=count,
                difficulty=difficulty,
                start=start,
                end=end,
            ),
        )

    @challenge.command(name="edit", description="Moderators: change a challenge before it opens.")
    @app_commands.describe(
        challenge="Challenge number (default: the next one to open)",
        title="New name",
        topics="New comma-separated topics (new problems are drawn)",
        count="New number of problems (3 to 10)",
        difficulty="New target difficulty 1-5",
        start=f"New opening time: {_WHEN}",
        end=f"New closing time: {_WHEN}",
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        challenge: app_commands.Range[int, 1, None] | None = None,
        title: app_commands.Range[str, 1, 80] | None = None,
        topics: app_commands.Range[str, 1, 200] | None = None,
        count: app_commands.Range[int, 3, 10] | None = None,
        difficulty: app_commands.Range[int, 1, 5] | None = None,
        start: app_commands.Range[str, 1, 20] | None = None,
        end: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(
            interaction,
            self.bot.services.challenges.edit(
                actor_from(interaction),
                challenge,
                title=title,
                topics=topics,
                count=count,
                difficulty=difficulty,
                start=start,
                end=end,
            ),
        )

    @challenge.command(name="cancel", description="Moderators: cancel a challenge before it opens.")
    @app_commands.describe(challenge="Challenge number (default: the next one to open)")
    async def cancel(
        self, interaction: discord.Interaction, challenge: app_commands.Range[int, 1, None] | None = None
    ) -> None:
        await answer(interaction, self.bot.services.challenges.cancel(actor_from(interaction), challenge))

    @challenge.command(name="show", description="The challenge's problems, time left and who joined.")
    @app_commands.describe(challenge="Challenge number (default: the current one)")
    async def show(
        self, interaction: discord.Interaction, challenge: app_commands.Range[int, 1, None] | None = None
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(interaction, self.bot.services.challenges.show(actor_from(interaction), challenge))

    @challenge.command(
        name="join", description="Join the challenge (then /answer problem:<n> text:<answer>)."
    )
    @app_commands.describe(challenge="Challenge number (default: the current one)")
    async def join(
        self, interaction: discord.Interaction, challenge: app_commands.Range[int, 1, None] | None = None
    ) -> None:
        await answer(interaction, self.bot.services.challenges.join(actor_from(interaction), challenge))

    @challenge.command(
        name="leaderboard", description="Points per problem solved, ties by the earlier finish."
    )
    @app_commands.describe(challenge="Challenge number (default: the current one)")
    async def leaderboard(
        self, interaction: discord.Interaction, challenge: app_commands.Range[int, 1, None] | None = None
    ) -> None:
        await interaction.response.defer(thinking=True)
        await answer(
            interaction, self.bot.services.challenges.leaderboard(actor_from(interaction), challenge)
        )


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(JoinButton)
    await bot.add_cog(Challenges(bot))
