"""/curriculum ... in the console (moderators: run the console with --moderator). `import` takes a
path; the session reads it as an upload (5 MB at most)."""

from __future__ import annotations

from bot.console.registry import Option, command
from bot.console.session import ConsoleContext
from bot.replies import Reply
from bot.services.context import Upload


@command("curriculum list", "Moderators: the curricula this server can run.")
async def curriculum_list(ctx: ConsoleContext) -> Reply:
    return await ctx.services.curricula.list_all(ctx.actor)


@command(
    "curriculum show",
    "Moderators: a curriculum's weeks, topics and resources.",
    Option("name", "text", required=True),
)
async def curriculum_show(ctx: ConsoleContext, name: str) -> Reply:
    return await ctx.services.curricula.show(ctx.actor, name)


@command(
    "curriculum import",
    "Moderators: add a curriculum from a YAML file.",
    Option("file", "attachment", required=True),
    Option("replace", "boolean", description="Replace the curriculum with the same slug"),
)
async def curriculum_import(ctx: ConsoleContext, file: Upload, replace: bool = False) -> Reply:
    return await ctx.services.curricula.import_file(ctx.actor, file, replace=replace)


@command(
    "curriculum export",
    "Moderators: a curriculum as a YAML file to edit.",
    Option("name", "text", required=True),
)
async def curriculum_export(ctx: ConsoleContext, name: str) -> Reply:
    return await ctx.services.curricula.export(ctx.actor, name)


@command(
    "curriculum start",
    "Moderators: daily prompts follow a curriculum from a date.",
    Option("name", "text", required=True),
    Option("date", "text"),
)
async def curriculum_start(ctx: ConsoleContext, name: str, date: str | None = None) -> Reply:
    return await ctx.services.curricula.start(ctx.actor, name, date)


@command("curriculum pause", "Moderators: back to the rotation until resume.")
async def curriculum_pause(ctx: ConsoleContext) -> Reply:
    return await ctx.services.curricula.pause(ctx.actor)


@command("curriculum resume", "Moderators: continue a paused curriculum where it stopped.")
async def curriculum_resume(ctx: ConsoleContext) -> Reply:
    return await ctx.services.curricula.resume(ctx.actor)


@command("curriculum skip", "Moderators: move on to the next week now.")
async def curriculum_skip(ctx: ConsoleContext) -> Reply:
    return await ctx.services.curricula.skip(ctx.actor)


@command("curriculum upcoming", "Moderators: the next 7 daily posts with dates and topics.")
async def curriculum_upcoming(ctx: ConsoleContext) -> Reply:
    return await ctx.services.curricula.upcoming(ctx.actor)
