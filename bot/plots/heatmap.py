"""A GitHub-style calendar of a member's days (weeks as columns, Monday on top).

Runs in a worker (imports matplotlib through bot.plots.theme); the request is plain data so it
pickles cheaply. Colours sit on the theme's opaque white card, so the image reads the same on
Discord's dark and light themes, and every level differs in lightness, not only in hue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

#: Day levels, in legend order.
NONE, TRIED, SOLVED_LATE, SOLVED, FROZEN = 0, 1, 2, 3, 4
LEVELS = (
    (NONE, "no activity", "#ebedf0"),
    (TRIED, "tried", "#f2cc60"),
    (SOLVED_LATE, "solved after the solution", "#9be9a8"),
    (SOLVED, "solved", "#1a7f37"),
    (FROZEN, "streak freeze", "#54aeff"),
)


@dataclass(frozen=True, slots=True)
class HeatmapRequest:
    title: str
    start: str  # ISO date of the first cell
    levels: tuple[int, ...]  # one per day from start


def render_heatmap(request: HeatmapRequest) -> bytes:
    from matplotlib.patches import Rectangle

    from bot.plots import theme

    start = date.fromisoformat(request.start)
    first_monday = start - timedelta(days=start.weekday())
    weeks = (len(request.levels) + start.weekday() + 6) // 7
    colours = {level: colour for level, _, colour in LEVELS}
    fig = theme.new_figure(max(560, 60 + weeks * 16), 260)
    ax = fig.add_axes((0.07, 0.2, 0.91, 0.62))
    ax.set_xlim(0, weeks)
    ax.set_ylim(7, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    month_seen: set[tuple[int, int]] = set()
    for offset, level in enumerate(request.levels):
        day = start + timedelta(days=offset)
        column = (day - first_monday).days // 7
        ax.add_patch(
            Rectangle(
                (column + 0.08, day.weekday() + 0.08),
                0.84,
                0.84,
                linewidth=0,
                facecolor=colours.get(level, colours[NONE]),
            )
        )
        if day.day <= 7 and (day.year, day.month) not in month_seen:
            month_seen.add((day.year, day.month))
            ax.text(column, -0.4, day.strftime("%b"), fontsize=9, color=theme.FOREGROUND, va="bottom")
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
        ax.text(-0.3, row + 0.5, name, fontsize=8, color=theme.FOREGROUND, ha="right", va="center")
    fig.text(0.07, 0.93, request.title, fontsize=12, color=theme.FOREGROUND, va="top")
    x = 0.07
    for _, label, colour in LEVELS:
        fig.patches.append(
            Rectangle(
                (x, 0.07),
                0.018,
                0.05,
                transform=fig.transFigure,
                facecolor=colour,
                edgecolor="#57606a",
                linewidth=0.4,
            )
        )
        text = fig.text(x + 0.024, 0.095, label, fontsize=8, color=theme.FOREGROUND, va="center")
        # the next entry starts after this label's measured width, not a guess from its length
        right = text.get_window_extent(renderer=fig.canvas.get_renderer()).x1  # type: ignore[attr-defined]
        x = fig.transFigure.inverted().transform((right, 0))[0] + 0.025
    return theme.to_png(fig)
