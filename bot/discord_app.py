"""The discord.py side: a slash-first Bot that owns the services, loads every cog and runs jobs."""

from __future__ import annotations

import asyncio
import logging
import pkgutil
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.discord_posts import DiscordDelivery
from bot.discord_render import respond
from bot.replies import Post, Reply
from bot.services.app import Services
from bot.services.context import Clock
from bot.services.errors import UserError

log = logging.getLogger(__name__)

COGS_PACKAGE = "cogs"
GENERIC_ERROR = "Something went wrong on our side; the error has been logged. Please try again."


def discover_cogs() -> list[str]:
    """Every module in cogs/ (not starting with _) is an extension with `async def setup(bot)`."""
    import cogs

    directory = Path(cogs.__file__).parent
    return [
        f"{COGS_PACKAGE}.{module.name}"
        for module in sorted(pkgutil.iter_modules([str(directory)]), key=lambda m: m.name)
        if not module.name.startswith("_")
    ]


class StudyTree(app_commands.CommandTree["StudyBot"]):
    """The global error handler: members get a short ephemeral message, we get the traceback."""

    async def on_error(
        self, interaction: discord.Interaction[StudyBot], error: app_commands.AppCommandError
    ) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, UserError):
            message = str(original)
        elif isinstance(error, app_commands.MissingPermissions):
            message = "You need the Manage Server permission for that."
        elif isinstance(error, app_commands.NoPrivateMessage):
            message = "studybot's commands work inside a server, not in DMs."
        elif isinstance(error, app_commands.CommandOnCooldown):
            message = f"Slow down a little: try again in {error.retry_after:.0f} s."
        elif isinstance(error, app_commands.CheckFailure):
            message = "You can't use that command here."
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("/%s failed", command, exc_info=original)
            message = GENERIC_ERROR
        try:
            await respond(interaction, Reply(text=message, tone="error", ephemeral=True))
        except discord.HTTPException:
            log.warning("could not tell the member about an error", exc_info=True)


class StudyBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        *,
        services: Services | None = None,
        clock: Clock | None = None,
        start_jobs: bool = True,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = False  # slash-first: no privileged intents needed
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=StudyTree,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.settings = settings
        self.services: Services = services  # type: ignore[assignment]  # set in setup_hook at the latest
        self._clock = clock
        self._start_jobs = start_jobs
        self._jobs: list[asyncio.Task[None]] = []
        # The scheduler's way to send posts and to look for one that may already be in the channel.
        self.post_delivery = DiscordDelivery(self)

    async def setup_hook(self) -> None:
        if self.services is None:
            self.services = await Services.open(self.settings, clock=self._clock)
        self.services.start_workers()  # importing SymPy in the forkserver overlaps loading the cogs
        for extension in discover_cogs():
            await self.load_extension(extension)
        await self.sync_commands()
        # Commands arrive once setup_hook returns: by then every worker is up and warm.
        if not await self.services.warm_workers():
            log.warning("worker processes did not come up in time; checks will wait for them")
        if self._start_jobs:
            self._jobs.append(asyncio.create_task(self.services.scheduler.run_forever(self.post_delivery)))

    async def sync_commands(self) -> None:
        if self.settings.dev_guild:
            guild = discord.Object(self.settings.dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), self.settings.dev_guild)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    async def deliver_post(self, post: Post) -> None:
        """Send one scheduled post (one attempt: discord.py retries 5xx/429 itself)."""
        await self.post_delivery.send(post)

    async def close(self) -> None:
        for task in self._jobs:
            task.cancel()
        if self._jobs:
            await asyncio.gather(*self._jobs, return_exceptions=True)
        if self.services is not None:
            await self.services.close()
        await super().close()


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at a self-hosted Discord-compatible server (Spacebar) when configured."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base
    if settings.gateway_url:
        import yarl
        from discord.gateway import DiscordWebSocket

        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def run_bot(settings: Settings) -> None:
    assert settings.discord_token
    configure_endpoints(settings)
    discord.utils.setup_logging(level=logging.getLevelName(settings.log_level))
    StudyBot(settings).run(settings.discord_token, log_handler=None)
