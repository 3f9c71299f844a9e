"""The discord.py side: a slash-first Bot that owns the services, loads every cog and runs jobs."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.discord_posts import DiscordDelivery
from bot.discord_render import private_error
from bot.replies import Post
from bot.services.app import Services
from bot.services.context import Clock
from bot.services.errors import UserError
from bot.services.job_scope import ShardScope, scope_scheduler
from bot.storage import state

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
    """The global error handler: members get a short ephemeral message, we get the traceback.

    Buttons and the answer modal (cogs/buttons.py) hand their exceptions here too, so every
    interaction gets the same friendly, private answer."""

    async def on_error(self, interaction: discord.Interaction[StudyBot], error: Exception) -> None:
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
            log.error("%s failed", _what(interaction), exc_info=original)
            message = GENERIC_ERROR
        try:
            await private_error(interaction, message)  # after a public defer too: never public
        except discord.HTTPException:
            log.warning("could not tell the member about an error", exc_info=True)


def _what(interaction: discord.Interaction[StudyBot]) -> str:
    """The command, or the button or modal, an error came from (for the log)."""
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, object] = dict(interaction.data or {})
    return str(data.get("custom_id", "?"))


def tree_digest(payload: list[dict[str, object]]) -> str:
    """A stable hash of the commands as Discord receives them: equal digests, nothing to sync."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class StudyBot(commands.AutoShardedBot):
    """Auto-sharded so one process can run many shards (and several processes split them): with no
    shard count Discord's recommended count is used, which is 1 below 1,000 servers."""

    def __init__(
        self,
        settings: Settings,
        *,
        services: Services | None = None,
        clock: Clock | None = None,
        start_jobs: bool = True,
        sync: str = "if-changed",  # if-changed | force | never
        warm_workers: bool = True,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = False  # slash-first: no privileged intents needed
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=StudyTree,
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids is not None else None,  # type: ignore[arg-type]  # None: all shards
        )
        self.settings = settings
        self.services: Services = services  # type: ignore[assignment]  # set in setup_hook at the latest
        self.scope = ShardScope(settings.shard_count, settings.shard_ids)
        self._clock = clock
        self._start_jobs = start_jobs
        self._sync = sync
        self._warm_workers = warm_workers
        self.sync_ok: bool | None = None  # None: not tried
        self._jobs: list[asyncio.Task[None]] = []
        # The scheduler's way to send posts and to look for one that may already be in the channel.
        self.post_delivery = DiscordDelivery(self)
        self._closed_services = False

    async def setup_hook(self) -> None:
        if self.services is None:
            self.services = await Services.open(self.settings, clock=self._clock)
        if self.is_closed():  # a signal arrived while we were opening: close() found nothing to close
            if not self._closed_services:
                self._closed_services = True
                await self.services.close()
            return
        # Only this process's shards, and only guilds the bot is still in, are scheduled here.
        scope_scheduler(self.services.scheduler, self.services.db, self.scope)
        if self._warm_workers:
            self.services.start_workers()  # importing SymPy in the forkserver overlaps loading the cogs
        for extension in discover_cogs():
            await self.load_extension(extension)
        if self._sync != "never":
            self.sync_ok = await self.sync_commands(force=self._sync == "force")
        # Commands arrive once setup_hook returns: by then every worker is up and warm.
        if self._warm_workers and not await self.services.warm_workers():
            log.warning("worker processes did not come up in time; checks will wait for them")
        if self._start_jobs:
            self._jobs.append(
                asyncio.create_task(
                    self.services.scheduler.run_forever(self.post_delivery, on_tick=self._heartbeat)
                )
            )

    async def _heartbeat(self) -> None:
        # Wall time on purpose: `studybot health` compares it with the wall clock of another process.
        await state.record_tick(self.services.db, datetime.now(UTC))

    async def sync_commands(self, *, force: bool = False, guild_id: int | None = None) -> bool:
        """Sync the command tree when it differs from the last one synced (or when forced).

        A refused sync (an API incident, a Discord-compatible server that rejects part of the
        payload) is logged with the server's reason and returns False: the bot carries on with the
        commands synced before instead of never connecting."""
        target_id = guild_id if guild_id is not None else self.settings.dev_guild
        guild = discord.Object(target_id) if target_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        digest = tree_digest(payload)
        key = state.tree_hash_key(target_id)
        where = f"guild {target_id}" if target_id else "global"
        if not force and await state.get_state(self.services.db, key) == digest:
            log.info("commands unchanged since the last sync (%s): not syncing", where)
            return True
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            log.error(
                "command sync (%s) refused: HTTP %s: %s — carrying on with the commands synced before",
                where,
                exc.status,
                exc.text or exc,
            )
            return False
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.error(
                "command sync (%s) failed: %r — carrying on with the commands synced before", where, exc
            )
            return False
        except Exception:
            # e.g. an error body discord.py cannot read (seen from self-hosted servers): still not fatal.
            log.exception("command sync (%s) failed — carrying on with the commands synced before", where)
            return False
        await state.set_state(self.services.db, key, digest, datetime.now(UTC))
        log.info("synced %d commands (%s)", len(synced), where)
        return True

    # Discord tells us a guild changed under the bot: keep the schedule in step (see GuildService).
    async def on_ready(self) -> None:
        # Removals and re-invites that happened while the bot was offline. READY lists every guild
        # the bot is in (an unavailable one too), so a guild of ours missing here is really gone.
        removed, returned = await self.services.guilds.reconcile(
            [guild.id for guild in self.guilds], self.scope.owns, datetime.now(UTC)
        )
        if removed or returned:
            log.info(
                "while offline: removed from %d guilds (posts stop), back in %d", len(removed), len(returned)
            )

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        log.info("removed from guild %s: its scheduled posts stop", guild.id)
        await self.services.guilds.removed(guild.id, datetime.now(UTC))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.services.guilds.present(guild.id)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        if await self.services.guilds.channel_deleted(channel.guild.id, channel.id):
            log.info("guild %s: the daily-post channel was deleted; daily posts are off", channel.guild.id)

    async def on_guild_role_delete(self, role: discord.Role) -> None:
        cleared = await self.services.guilds.role_deleted(role.guild.id, role.id)
        if cleared:
            log.info("guild %s: deleted role was the %s; cleared", role.guild.id, " and ".join(cleared))

    async def deliver_post(self, post: Post) -> None:
        """Send one scheduled post (one attempt: discord.py retries 5xx/429 itself)."""
        await self.post_delivery.send(post)

    async def close(self) -> None:
        """Stop the scheduler, disconnect, then close the worker pool and the database (once)."""
        for task in self._jobs:
            task.cancel()
        if self._jobs:
            await asyncio.gather(*self._jobs, return_exceptions=True)
            self._jobs.clear()
        try:
            await super().close()
        finally:  # the database and the workers are closed even if disconnecting failed
            if self.services is not None and not self._closed_services:
                self._closed_services = True
                await self.services.close()


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at a self-hosted Discord-compatible server (Spacebar) when configured."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base
    if settings.gateway_url:
        import yarl
        from discord.gateway import DiscordWebSocket

        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def install_stop_handlers(loop: asyncio.AbstractEventLoop, stop: Callable[[], object]) -> None:
    """SIGTERM (docker stop, systemd) and SIGINT (Ctrl-C) both mean: close cleanly, exit 0.

    discord.py's own `run()` handles only Ctrl-C, and as PID 1 in a container SIGTERM is ignored
    unless someone handles it."""

    def handler(sig: signal.Signals) -> None:
        log.info("%s received: shutting down", sig.name)
        stop()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, handler, sig)


async def serve(settings: Settings, bot: StudyBot | None = None) -> int:
    """Log in, connect and run until closed (by a signal); returns the exit status."""
    assert settings.discord_token
    bot = bot or StudyBot(settings)
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def stop() -> None:
        if not closing:  # a second signal while closing changes nothing
            closing.append(loop.create_task(bot.close()))

    try:
        async with bot:  # sets up discord.py's loop state, so close() works from here on
            install_stop_handlers(loop, stop)
            await bot.start(settings.discord_token)
    except discord.LoginFailure:
        log.error("Discord refused DISCORD_TOKEN (401): check the bot token")
        return 1
    finally:
        if closing:
            await asyncio.gather(*closing, return_exceptions=True)
    log.info("closed: scheduler, gateway, workers and database")
    return 0


async def sync_once(settings: Settings, guild_id: int | None) -> int:
    """`studybot sync`: log in, sync the command tree (globally or to one guild), log out."""
    assert settings.discord_token
    bot = StudyBot(settings, start_jobs=False, sync="never", warm_workers=False)
    async with bot:
        try:
            await bot.login(settings.discord_token)
        except discord.LoginFailure:
            log.error("Discord refused DISCORD_TOKEN (401): check the bot token")
            return 1
        ok = await bot.sync_commands(force=True, guild_id=guild_id)
    return 0 if ok else 1


def run_bot(settings: Settings) -> int:
    configure_endpoints(settings)
    return asyncio.run(serve(settings))


def run_sync(settings: Settings, guild_id: int | None) -> int:
    configure_endpoints(settings)
    return asyncio.run(sync_once(settings, guild_id))
