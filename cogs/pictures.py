"""/plot, /gd, /losscurve and /tex: pictures drawn in the worker pool, posted for everyone to see.

Each command first checks its options (cheap, no I/O) and refuses bad ones privately at once; then it
defers publicly (a cold worker may need a second or two), downloads the attachment if there is one,
and follows up with the picture. A mistake found while drawing (bad expression, malformed file, too
slow) must not stay in the channel: the public "thinking…" placeholder is completed, the message is
sent privately, and the placeholder removed (Discord's first follow-up after a public defer is
always public, whatever its ephemeral flag says).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import StudyBot
from bot.discord_render import actor_from, respond
from bot.plots.models import GD_MAX_STEPS
from bot.replies import Reply, error
from bot.services import pictures
from bot.services.context import Upload
from bot.services.errors import UserError

log = logging.getLogger(__name__)

_PLACEHOLDER = "Couldn't draw that; the reason was sent to you privately."


async def _refused(interaction: discord.Interaction, check: Callable[[], object]) -> bool:
    """Run a pure option check; on a mistake answer privately (no defer yet) and report True."""
    try:
        check()
    except UserError as exc:
        await respond(interaction, error(str(exc)))
        return True
    return False


async def _private_error(interaction: discord.Interaction, message: str) -> None:
    """After a public defer: complete the placeholder, say it privately, remove the placeholder."""
    if not interaction.response.is_done():
        await respond(interaction, error(message))
        return
    await interaction.edit_original_response(content=_PLACEHOLDER)
    await interaction.followup.send(content=message[:2000], ephemeral=True)
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:  # already gone: nothing public is left either way
        log.debug("could not delete the placeholder", exc_info=True)


async def _draw(interaction: discord.Interaction, work: Callable[[], Awaitable[Reply]]) -> None:
    """Defer publicly, await the picture, follow up; a member's mistake becomes a private message."""
    if not interaction.response.is_done():
        await interaction.response.defer(thinking=True)
    try:
        reply = await work()
    except UserError as exc:
        await _private_error(interaction, str(exc))
        return
    await respond(interaction, reply)


class Pictures(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def service(self) -> pictures.PictureService:
        return self.bot.services.pictures

    @app_commands.command(
        name="plot", description="Plot f(x) [; g(x) ...] (up to 5), or contours of f(x, y)."
    )
    @app_commands.describe(
        expr="e.g. sin(x); x^2/10 (up to 5 separated by ;) or x^2 + y^2",
        x_min="Left end of the x range (default: chosen for you)",
        x_max="Right end of the x range",
        y_min="Bottom of the y range (default: fitted to the curves)",
        y_max="Top of the y range",
        derivative="Also draw each derivative, dashed",
    )
    async def plot(
        self,
        interaction: discord.Interaction,
        expr: app_commands.Range[str, 1, pictures.MAX_EXPR_CHARS],
        x_min: float | None = None,
        x_max: float | None = None,
        y_min: float | None = None,
        y_max: float | None = None,
        derivative: bool = False,
    ) -> None:
        if await _refused(
            interaction, lambda: pictures.plot_request(expr, x_min, x_max, y_min, y_max, derivative)
        ):
            return
        actor = actor_from(interaction)
        if await _refused(interaction, lambda: self.service.limits.check(actor.user_id, "plot")):
            return  # busy or cooling down: told at once, nothing deferred
        await _draw(
            interaction, lambda: self.service.plot(actor, expr, x_min, x_max, y_min, y_max, derivative)
        )

    @app_commands.command(name="gd", description="Run gradient descent on f(x) or f(x, y) and draw its path.")
    @app_commands.describe(
        expr="The function to minimise, e.g. x^4 - 3x^2 + x or x^2 + 10y^2",
        lr="Learning rate (step size), e.g. 0.1",
        start="Starting point: x0, or (x0, y0) for f(x, y)",
        steps=f"Most steps to take (1-{GD_MAX_STEPS}, default 50)",
    )
    async def gd(
        self,
        interaction: discord.Interaction,
        expr: app_commands.Range[str, 1, pictures.MAX_EXPR_CHARS],
        lr: float,
        start: app_commands.Range[str, 1, pictures.MAX_START_CHARS],
        steps: app_commands.Range[int, 1, GD_MAX_STEPS] | None = None,
    ) -> None:
        if await _refused(interaction, lambda: pictures.gd_request(expr, lr, start, steps)):
            return
        actor = actor_from(interaction)
        if await _refused(interaction, lambda: self.service.limits.check(actor.user_id, "gd")):
            return  # busy or cooling down: told at once, nothing deferred
        await _draw(interaction, lambda: self.service.gd(actor, expr, lr, start, steps))

    @app_commands.command(name="losscurve", description="Draw a training-loss curve and diagnose it.")
    @app_commands.describe(
        file="CSV (TensorBoard, Lightning, any step/loss/val_loss), Keras history JSON or numbers",
        values="Or type the losses: 2.3, 1.9, 1.6, 1.4 ...",
        smoothing="EMA smoothing weight 0-0.99, like TensorBoard's slider (default 0.6)",
        log="Log-scale y axis",
    )
    async def losscurve(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        values: app_commands.Range[str, 1, pictures.MAX_VALUES_CHARS] | None = None,
        smoothing: app_commands.Range[float, 0.0, pictures.MAX_SMOOTHING] | None = None,
        log: bool = False,
    ) -> None:
        # The size comes from the attachment's metadata: nothing is downloaded before this check.
        if await _refused(
            interaction,
            lambda: pictures.check_losscurve_options(
                filename=file.filename if file else None,
                size=file.size if file else None,
                values=values,
                smoothing=smoothing,
            ),
        ):
            return
        actor = actor_from(interaction)
        if await _refused(interaction, lambda: self.service.limits.check(actor.user_id, "losscurve")):
            return  # busy or cooling down: told at once, nothing deferred

        async def work() -> Reply:
            upload = None
            if file is not None:
                try:
                    data = await file.read()
                except discord.HTTPException:
                    raise UserError(f"I couldn't download {file.filename}; please attach it again.") from None
                upload = Upload(file.filename, data)
            return await self.service.losscurve(actor, upload, values, smoothing, log)

        await _draw(interaction, work)

    @app_commands.command(name="tex", description="Render a LaTeX formula as an image.")
    @app_commands.describe(latex="The formula, e.g. \\frac{\\partial L}{\\partial w} = x (y - \\hat{y})")
    async def tex(
        self,
        interaction: discord.Interaction,
        latex: app_commands.Range[str, 1, pictures.MAX_LATEX_CHARS],
    ) -> None:
        if await _refused(interaction, lambda: pictures.tex_source(latex)):
            return
        actor = actor_from(interaction)
        if await _refused(interaction, lambda: self.service.limits.check(actor.user_id, "tex")):
            return  # busy or cooling down: told at once, nothing deferred
        await _draw(interaction, lambda: self.service.tex(actor, latex))


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Pictures(bot))
