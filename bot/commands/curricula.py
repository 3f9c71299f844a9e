"""/curriculum list|show|import|export|start|pause|resume|skip|upcoming: moderators plan the daily
prompts weeks ahead. The whole group is for moderators: hidden from members by default, and every
subcommand is also checked at run time by the service (the moderator role counts too)."""

from __future__ import annotations

from bot.commands.spec import Defer, Group, Option, Spec, text

CURRICULUM = Group("curriculum", "Moderators: plan the daily prompts week by week.", moderator=True)

_NAME = text("name", "Its name or slug (any case)", 100, required=True)


def _spec(name: str, description: str, call, options=(), **more) -> Spec:  # type: ignore[no-untyped-def]
    return Spec(name, f"Moderators: {description}", call, options, group=CURRICULUM, moderator=True, **more)


SPECS = (
    _spec(
        "list", "the curricula this server can run.", lambda ctx: ctx.services.curricula.list_all(ctx.actor)
    ),
    _spec(
        "show",
        "a curriculum's weeks, topics and resources.",
        lambda ctx, name: ctx.services.curricula.show(ctx.actor, name),
        (_NAME,),
    ),
    _spec(
        "import",
        "add a curriculum from a YAML file.",
        lambda ctx, file, replace: ctx.services.curricula.import_file(ctx.actor, file, replace=replace),
        (
            Option(
                "file",
                "attachment",
                "A .yaml file in the data/curricula format (5 MB at most)",
                required=True,
            ),
            Option(
                "replace",
                "boolean",
                "Replace the curriculum with the same slug (the reply says what moves if it is running)",
                default=False,
            ),
        ),
        defer=Defer(),
    ),
    _spec(
        "export",
        "a curriculum as a YAML file to edit.",
        lambda ctx, name: ctx.services.curricula.export(ctx.actor, name),
        (_NAME,),
    ),
    _spec(
        "start",
        "daily prompts follow a curriculum from a date.",
        lambda ctx, name, date: ctx.services.curricula.start(ctx.actor, name, date),
        (_NAME, text("date", "First day, YYYY-MM-DD (default: today)", 10)),
    ),
    _spec("pause", "back to the rotation until resume.", lambda ctx: ctx.services.curricula.pause(ctx.actor)),
    _spec(
        "resume",
        "continue a paused curriculum where it stopped.",
        lambda ctx: ctx.services.curricula.resume(ctx.actor),
    ),
    _spec("skip", "move on to the next week now.", lambda ctx: ctx.services.curricula.skip(ctx.actor)),
    _spec(
        "upcoming",
        "the next 7 daily posts with dates and topics.",
        lambda ctx: ctx.services.curricula.upcoming(ctx.actor),
        defer=Defer(),
    ),
)
