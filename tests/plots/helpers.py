"""Shared checks on rendered images."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

MAX_BYTES = 300_000


def decode(png: bytes) -> np.ndarray:
    """RGBA pixels of a PNG (fails loudly if it is not one)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(png)) as im:
        return np.asarray(im.convert("RGBA"))


def check_picture(png: bytes, *, size: tuple[int, int] | None = (1000, 600)) -> np.ndarray:
    """Decodable, about the agreed size, under the byte budget, opaque, and not blank."""
    assert len(png) < MAX_BYTES
    px = decode(png)
    h, w = px.shape[:2]
    if size is not None:
        assert abs(w - size[0]) <= 20 and abs(h - size[1]) <= 20, (w, h)
    assert (px[..., 3] == 255).all(), "transparent pixels would look different on dark and light themes"
    rgb = px[..., :3].astype(int)
    assert (np.abs(rgb - rgb[0, 0]).sum(axis=2) > 60).mean() > 0.005, "image looks empty"
    return px


def on_background(px: np.ndarray, background: tuple[int, int, int]) -> np.ndarray:
    """Alpha-composite an RGBA image over a Discord theme colour."""
    a = px[..., 3:4] / 255
    return (px[..., :3] * a + np.array(background) * (1 - a)).astype(np.uint8)
