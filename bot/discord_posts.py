"""Scheduled posts on Discord: send one, look for one already sent, and say why one cannot go out.

discord.py's HTTP client already retries 5xx and 429 responses (and waits out rate limits) inside
one `send`, so a send here is one attempt; the scheduler decides whether there is another. 403 and
404 are permanent: the scheduler gives the run up at once and /setup shows the reason.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord

from bot.discord_render import send_post
from bot.replies import Post
from bot.services.scheduler import DeliveryError, PermanentDeliveryError

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
        if post.channel_id is None:
            return
        channel = await self._channel(post)
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
        if not ref or post.channel_id is None:
            return False
        channel = await self._channel(post)
        me = self.client.user
        try:
            async for message in channel.history(
                limit=HISTORY_LIMIT, after=since - HISTORY_SLACK, oldest_first=True
            ):
                if me is not None and message.author.id != me.id:
                    continue
                footers = [embed.footer.text or "" for embed in message.embeds]
                if any(ref in text for text in [message.content, *footers]):
                    return True
        except discord.Forbidden:
            # Without Read Message History we cannot look; the message nonce still stops a
            # duplicate within Discord's window, so sending is the lesser risk than never posting.
            log.warning("cannot read the history of channel %s to check for a post", post.channel_id)
            return False
        except discord.NotFound as exc:
            raise PermanentDeliveryError(_reason(exc, f"channel {post.channel_id}")) from exc
        except discord.HTTPException as exc:
            raise DeliveryError(_reason(exc, f"channel {post.channel_id}")) from exc
        return False
