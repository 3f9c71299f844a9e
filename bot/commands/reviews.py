"""/review: spaced repetition of the problems a member missed (issue 16), its opt-in daily DM, and
/mydata, the member's own export of what the bot stores about them."""

from __future__ import annotations

from bot.commands.spec import Context, Defer, Option, Spec
from bot.replies import Reply
from bot.services.limits import DEFAULT_COOLDOWNS


async def _review(ctx: Context, remind: bool | None) -> Reply:
    if remind is not None:  # the setting alone: /review remind:true is not a request for a card
        return await ctx.services.reminders.set(ctx.actor, remind)
    return await ctx.services.reviews.review(ctx.actor)


SPECS = (
    Spec(
        "review",
        "Your next due review (problems you missed come back on FSRS's schedule) and how many are due.",
        _review,
        (
            Option(
                "remind",
                "boolean",
                "true: a DM once a day when reviews are due (false stops it); leave out to review",
            ),
        ),
        defer=Defer(),  # private, and a generated variant is built in a worker
    ),
    Spec(
        "mydata",
        "Everything studybot stores about you in this server, as a JSON file only you see.",
        lambda ctx: ctx.services.mydata.export(ctx.actor),
        defer=Defer(),  # private: the file is yours alone; reading and encoding may take a moment
        cooldown=DEFAULT_COOLDOWNS["mydata"],  # the limiter's: Discord and the console count the same uses
    ),
)
