"""Mastery per area as horizontal bars (0-100), for /stats.

Runs in a worker (imports matplotlib through bot.plots.theme); the request is plain data. An area
with no answers yet is drawn as an empty, labelled row so the picture shows what is still untried.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The areas a learner of the maths behind deep learning works through, in teaching order.
AREAS = ("calculus", "linear algebra", "probability", "statistics", "information theory", "optimisation")


@dataclass(frozen=True, slots=True)
class MasteryRequest:
    title: str
    areas: tuple[tuple[str, float | None], ...]  # (area, score 0-100 or None when untried)


def render_mastery(request: MasteryRequest) -> bytes:
    from bot.plots import theme

    fig = theme.new_figure(800, 80 + 46 * max(1, len(request.areas)))
    ax = fig.add_axes((0.24, 0.12, 0.7, 0.72))
    theme.style_axes(ax)
    names = [area for area, _ in request.areas]
    scores = [score or 0.0 for _, score in request.areas]
    rows = range(len(names))
    colours = [
        "#d0d7de"
        if score is None
        else theme.PALETTE[2]
        if score >= 70
        else theme.PALETTE[4]
        if score >= 40
        else theme.PALETTE[1]
        for _, score in request.areas
    ]
    ax.barh(rows, scores, color=colours, height=0.6)
    for row, (_, score) in zip(rows, request.areas, strict=True):
        label = "not tried yet" if score is None else f"{score:.0f}"
        ax.text((score or 0) + 1.5, row, label, va="center", fontsize=10, color=theme.FOREGROUND)
    ax.set_yticks(list(rows), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xticks([0, 40, 70, 90, 100])
    ax.set_xlabel("mastery (0-100): starting < 40 ≤ learning < 70 ≤ solid < 90 ≤ mastered")
    fig.text(0.03, 0.95, request.title, fontsize=12, color=theme.FOREGROUND, va="top")
    return theme.to_png(fig)
