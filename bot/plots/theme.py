"""One look for every image: an opaque card readable on Discord's dark and light themes.

Only worker processes import this (it imports matplotlib). We never touch pyplot: each
image is its own ``Figure`` on an Agg canvas, so renders share no global state.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no pyplot import: just pin the backend for anything that asks

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Opaque background: the image looks the same on #313338 (dark) and #ffffff (light).
BACKGROUND = "#ffffff"
FOREGROUND = "#1f2328"
GRID = "#d0d7de"
#: Okabe-Ito-like palette, darkened where needed for >= 3:1 contrast on the background.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#b5508f", "#8f6a00", "#56277e")
VALIDATION = "#d55e00"
BAD = "#d00000"

WIDTH_PX = 1000
HEIGHT_PX = 600
DPI = 100


def new_figure(width_px: int = WIDTH_PX, height_px: int = HEIGHT_PX) -> Figure:
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(fig)
    return fig


def style_axes(ax: object) -> None:
    """Axes colours and a light grid that read well at Discord's preview size."""
    ax.set_facecolor(BACKGROUND)  # type: ignore[attr-defined]
    for spine in ax.spines.values():  # type: ignore[attr-defined]
        spine.set_color("#57606a")
    ax.tick_params(colors=FOREGROUND, labelsize=10)  # type: ignore[attr-defined]
    ax.grid(True, color=GRID, linewidth=0.7, alpha=0.8)  # type: ignore[attr-defined]
    ax.xaxis.label.set_color(FOREGROUND)  # type: ignore[attr-defined]
    ax.yaxis.label.set_color(FOREGROUND)  # type: ignore[attr-defined]
    ax.title.set_color(FOREGROUND)  # type: ignore[attr-defined]


def layout(fig: Figure, *, title_lines: int = 1, ylabel: bool = True) -> None:
    """Fixed margins that fit our labels: tight_layout would cost ~40 ms per image."""
    top = {0: 0.965, 1: 0.93, 2: 0.895}.get(title_lines, 0.86)
    fig.subplots_adjust(left=0.085 if ylabel else 0.07, right=0.975, bottom=0.09, top=top)


def to_png(fig: Figure, *, tight: bool = False) -> bytes:
    """Encode as PNG; busy images are palette-quantised to stay small."""
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if tight:
        kwargs = {"bbox_inches": "tight", "pad_inches": 0.15}
    fig.savefig(
        buf,
        format="png",
        dpi=DPI,
        facecolor=BACKGROUND,
        # zlib's default level: "optimize" costs ~50 ms per image for ~3% fewer bytes
        **kwargs,
    )
    png = buf.getvalue()
    if len(png) > QUANTIZE_ABOVE:
        png = _quantize(png)
    return png


#: Busy images (dense contours) are re-encoded with a 256-colour palette to stay well under
#: Discord-friendly sizes; plain line plots never need it.
QUANTIZE_ABOVE = 180_000


def _quantize(png: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        pal = im.convert("RGB").quantize(colors=256)
        out = io.BytesIO()
        pal.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two ``#rrggbb`` colours (1 = none, 21 = black on white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
