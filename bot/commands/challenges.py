"""/challenge show|join|leaderboard for everyone, /challenge-admin create|edit|cancel for moderators.

Discord applies default permissions to a whole group, never to one subcommand, so the moderator
subcommands live in a group of their own that Discord hides from members (Manage Server). The
service's runtime moderator check (Manage Server or the moderator role) still guards them: an admin
may open the group to @everyone in Server Settings, and the console has no Discord permissions.
"""

from __future__ import annotations

from bot.commands.spec import Defer, Group, Option, Spec, text
from bot.services.challenges import MAX_TITLE

CHALLENGE = Group("challenge", "Weekly challenges: join, answer by number, climb the board.")
CHALLENGE_ADMIN = Group(
    "challenge-admin", "Moderators: create, edit or cancel weekly challenges.", moderator=True
)

_WHEN = "YYYY-MM-DD or 'YYYY-MM-DD HH:MM' in the server's time zone"


def _number(description: str) -> Option:
    return Option("challenge", "integer", description, min_value=1)


def _pick(new: str = "") -> tuple[Option, ...]:
    return (
        text("topics", new or "Comma-separated topics (default: the curriculum's week, else all)", 200),
        Option(
            "count",
            "integer",
            "New number of problems (3 to 10)" if new else "How many problems (3 to 10, default 5)",
            min_value=3,
            max_value=10,
        ),
        Option(
            "difficulty",
            "integer",
            "New target difficulty 1-5" if new else "Target difficulty 1-5 (problems within one level)",
            min_value=1,
            max_value=5,
        ),
        text("start", f"{'New opening time' if new else 'When it opens'}: {_WHEN}", 20),
        text("end", f"{'New closing time' if new else 'When it closes'}: {_WHEN}", 20),
    )


SPECS = (
    Spec(
        "create",
        "Moderators: create a challenge (default: Monday to Sunday).",
        lambda ctx, title, **options: ctx.services.challenges.create(ctx.actor, title, **options),
        (text("title", "Its name, e.g. Week 1", MAX_TITLE, required=True), *_pick()),
        group=CHALLENGE_ADMIN,
        defer=Defer(),
        moderator=True,
    ),
    Spec(
        "edit",
        "Moderators: change a challenge before it opens.",
        lambda ctx, challenge, **options: ctx.services.challenges.edit(ctx.actor, challenge, **options),
        (
            _number("Challenge number (default: the next one to open)"),
            text("title", "New name", MAX_TITLE),
            *_pick("New comma-separated topics (new problems are drawn)"),
        ),
        group=CHALLENGE_ADMIN,
        defer=Defer(),
        moderator=True,
    ),
    Spec(
        "cancel",
        "Moderators: cancel a challenge before it opens.",
        lambda ctx, challenge: ctx.services.challenges.cancel(ctx.actor, challenge),
        (_number("Challenge number (default: the next one to open)"),),
        group=CHALLENGE_ADMIN,
        moderator=True,
    ),
    Spec(
        "show",
        "The challenge's problems, time left and who joined.",
        lambda ctx, challenge: ctx.services.challenges.show(ctx.actor, challenge),
        (_number("Challenge number (default: the current one)"),),
        group=CHALLENGE,
        defer=Defer(),
    ),
    Spec(
        "join",
        "Join the challenge (then /answer problem:<n> text:<answer>).",
        lambda ctx, challenge: ctx.services.challenges.join(ctx.actor, challenge),
        (_number("Challenge number (default: the current one)"),),
        group=CHALLENGE,
    ),
    Spec(
        "leaderboard",
        "Points per problem solved, ties by the earlier finish.",
        lambda ctx, challenge: ctx.services.challenges.leaderboard(ctx.actor, challenge),
        (_number("Challenge number (default: the current one)"),),
        group=CHALLENGE,
        defer=Defer(private=False),
    ),
)
