"""Scheduled posts on Discord: send one, look for one already sent, and say why one cannot go out.

discord.py's HTTP client already retries 5xx and 429 responses (and waits out rate limits) inside
one `send`, so a send here is one attempt; the scheduler decides whether there is another. 403 and
404 are permanent: the scheduler gives the run up at once and /setup shows the reason.

A post whose `extra["thread"]` is "open" or "close" goes into the discussion thread of a daily post
(bot/services/threads.py): the daily post is found in its channel by its run reference, and the
thread on it has the daily post's id, as every thread started from a message does.

A post with `extra["dm_user_id"]` is a direct message to that member (review reminders): sent in the
bot's DM channel with them, looked for there before a resend. 403 there means the member does not
take DMs from the bot (closed DMs, no shared server, blocked): RecipientRefused, so the scheduler
ends only that run and the job turns the member's reminders off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import discord

from bot.discord_render import send_post
from bot.replies import Post
from bot.services.scheduler import DeliveryError, PermanentDeliveryError, RecipientRefused

log = logging.getLogger(__name__)

#: How many of the bot's messages since the run was first claimed are read to find a post. The
#: scan starts at the claim, so the post (sent right after it) is among the first ones read.
HISTORY_LIMIT = 200
#: Clock skew between this host and Discord's snowflakes.
HISTORY_SLACK = timedelta(minutes=1)


def _reason(exc: discord.HTTPException, channel: str) -> str:
    text = exc.text or getattr(exc.response, "reason", "")
    if isinstance(exc, discord.Forbidden):
        return f"403 Forbidden: the bot may not post in {channel} ({text or 'missing permissions'})"
    if isinstance(exc, discord.NotFound):
        return f"404 Not Found: {channel} no longer exists ({text or 'unknown channel'})"
    return f"{exc.status} {text or 'Discord error'}"


@contextmanager
def _dm_errors(user_id: int, what: str, *, refused: str) -> Iterator[None]:
    """Discord's errors around a member's DMs in the scheduler's terms: 403 is the member refusing
    (RecipientRefused: that run ends, reminders go off), anything else may pass (DeliveryError)."""
    try:
        yield
    except discord.Forbidden as exc:
        raise RecipientRefused(f"403: user {user_id} {refused} ({exc.text or 'forbidden'})") from exc
    except discord.HTTPException as exc:
        raise DeliveryError(_reason(exc, f"{what} of user {user_id}")) from exc
    except (OSError, TimeoutError) as exc:
        raise DeliveryError(f"could not reach Discord ({type(exc).__name__})") from exc


class DiscordDelivery:
    """The scheduler's `Delivery` for a discord.py client."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _channel(self, post: Post) -> discord.abc.Messageable:
        assert post.channel_id is not None
        label = f"channel {post.channel_id}"
        try:
            channel = self.client.get_channel(post.channel_id) or await self.client.fetch_channel(
                post.channel_id
            )
        except discord.HTTPException as exc:
            raise (
                PermanentDeliveryError
                if isinstance(exc, discord.Forbidden | discord.NotFound)
                else DeliveryError
            )(_reason(exc, label)) from exc
        if not isinstance(channel, discord.abc.Messageable):
            raise PermanentDeliveryError(f"{label} is not a text channel")
        return channel

    async def send(self, post: Post) -> None:
        if post.extra.get("dm_user_id"):
            await self._send_dm(post)
            return
        if post.channel_id is None:
            return
        channel = await self._channel(post)
        if post.extra.get("thread"):
            await self._send_in_thread(channel, post)
            return
        label = f"#{getattr(channel, 'name', post.channel_id)}"
        try:
            await send_post(channel, post)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise PermanentDeliveryError(_reason(exc, label)) from exc
        except discord.HTTPException as exc:
            raise DeliveryError(_reason(exc, label)) from exc
        except (OSError, TimeoutError) as exc:
            raise DeliveryError(f"could not reach Discord ({type(exc).__name__})") from exc

    async def find(self, post: Post, since: datetime) -> bool:
        """Is a message of ours carrying this post's run reference in the channel since `since`?"""
        ref = post.extra.get("run_ref")
        if ref and post.extra.get("dm_user_id"):
            return await self._find_in(await self._dm_channel(post), post, since)
        if not ref or post.channel_id is None:
            return False
        channel = await self._channel(post)
        if post.extra.get("thread"):
            return await self._find_in_thread(channel, post, since)
        return await self._find_in(channel, post, since)

    async def _find_in(self, channel: discord.abc.Messageable, post: Post, since: datetime) -> bool:
        ref = post.extra.get("run_ref") or ""
        message = await self._ours_with(channel, ref, since, post)
        return message is not None

    async def _ours_with(
        self, channel: discord.abc.Messageable, ref: str, since: datetime, post: Post
    ) -> discord.Message | None:
        """Our first message in `channel` since `since` that carries `ref` (text or embed footer)."""
        me = self.client.user
        try:
            async for message in channel.history(
                limit=HISTORY_LIMIT, after=since - HISTORY_SLACK, oldest_first=True
            ):
                if me is not None and message.author.id != me.id:
                    continue
                footers = [embed.footer.text or "" for embed in message.embeds]
                if any(ref in text for text in [message.content, *footers]):
                    return message
        except discord.Forbidden:
            # Without Read Message History we cannot look; the message nonce still stops a
            # duplicate within Discord's window, so sending is the lesser risk than never posting.
            log.warning("cannot read the history of channel %s to check for a post", post.channel_id)
            return None
        except discord.NotFound as exc:
            raise PermanentDeliveryError(_reason(exc, f"channel {post.channel_id}")) from exc
        except discord.HTTPException as exc:
            raise DeliveryError(_reason(exc, f"channel {post.channel_id}")) from exc
        return None

    # -- direct messages (bot/services/reminders.py) ---------------------------------------------

    async def _dm_channel(self, post: Post) -> discord.DMChannel:
        user_id = int(post.extra["dm_user_id"])
        with _dm_errors(user_id, "the DM channel", refused="cannot be messaged"):
            try:
                user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
                return user.dm_channel or await user.create_dm()
            except discord.NotFound as exc:
                raise RecipientRefused(f"404: user {user_id} no longer exists") from exc

    async def _send_dm(self, post: Post) -> None:
        channel = await self._dm_channel(post)
        # 403 here is 50007: the member closed DMs (or blocked the bot)
        with _dm_errors(int(post.extra["dm_user_id"]), "the DM", refused="does not accept DMs from the bot"):
            await send_post(channel, post)

    # -- discussion threads (bot/services/threads.py) ---------------------------------------------

    async def _starter(self, channel: discord.abc.Messageable, post: Post) -> discord.Message:
        """The daily post the thread belongs to; without it there is nothing to open or close."""
        since = datetime.fromisoformat(post.extra["starter_since"])
        starter = await self._ours_with(channel, post.extra["starter_ref"], since, post)
        if starter is None:
            raise PermanentDeliveryError(
                f"the daily post for {post.extra['thread_name']!r} is no longer in"
                f" #{getattr(channel, 'name', post.channel_id)}"
            )
        return starter

    async def _thread(self, starter: discord.Message) -> discord.Thread | None:
        """The thread started from `starter`, if there is one (its id is the message's)."""
        if starter.thread is not None:
            return starter.thread
        try:
            found = await self.client.fetch_channel(starter.id)
        except discord.NotFound:
            return None
        except discord.HTTPException as exc:
            raise (PermanentDeliveryError if isinstance(exc, discord.Forbidden) else DeliveryError)(
                _reason(exc, "the discussion thread")
            ) from exc
        return found if isinstance(found, discord.Thread) else None

    async def _send_in_thread(self, channel: discord.abc.Messageable, post: Post) -> None:
        name = post.extra["thread_name"]
        label = f"#{getattr(channel, 'name', post.channel_id)}"
        starter = await self._starter(channel, post)
        try:
            thread = await self._thread(starter)
            if post.extra["thread"] == "open":
                # A thread opened by a run that died before its first message is used, not doubled;
                # a quiet thread is archived by Discord after a day (1440 min) even if we cannot.
                if thread is None:
                    thread = await starter.create_thread(name=name, auto_archive_duration=1440)
                    log.info("[thread] opened %r in %s", name, label)
                await send_post(thread, post)
                return
            if thread is None:
                raise PermanentDeliveryError(f"the thread {name!r} in {label} was deleted")
            if thread.archived:  # Discord archived it after a quiet day: reopen it for the solution
                thread = await thread.edit(archived=False)
            await send_post(thread, post)
            log.info("[thread] solution posted in %r", name)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise PermanentDeliveryError(_reason(exc, f"the thread {name!r} in {label}")) from exc
        except discord.HTTPException as exc:
            raise DeliveryError(_reason(exc, label)) from exc
        except (OSError, TimeoutError) as exc:
            raise DeliveryError(f"could not reach Discord ({type(exc).__name__})") from exc
        await self._archive(thread)

    async def _archive(self, thread: discord.Thread) -> None:
        """Archive (not lock: see bot/services/threads.py). Without the right to, the solution is
        out anyway and Discord archives the quiet thread after a day: worth a warning, not a retry."""
        if thread.archived:
            return
        try:
            await thread.edit(archived=True)
            log.info("[thread] archived %r", thread.name)
        except discord.HTTPException:
            log.warning("could not archive the thread %r; Discord archives it after a day", thread.name)

    async def _find_in_thread(self, channel: discord.abc.Messageable, post: Post, since: datetime) -> bool:
        """Did a send of this run reach its thread? A solution found there finishes its archiving."""
        starter = await self._starter(channel, post)
        thread = await self._thread(starter)
        if thread is None:
            return False
        if not await self._find_in(thread, post, since):
            return False
        if post.extra["thread"] == "close":
            await self._archive(thread)
        return True
