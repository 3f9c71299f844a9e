"""Who is asking and what time it is: the two things every use case needs from the adapter."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class Actor:
    """A member acting in a guild, as the adapter saw them."""

    guild_id: int
    user_id: int
    name: str
    manage_guild: bool = False  # Discord's Manage Server permission (console: --moderator)
    role_ids: frozenset[int] = field(default_factory=frozenset)
    guild_name: str = ""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """Starts at a chosen instant and then runs at real speed (console `--now`, tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("OffsetClock needs an aware datetime")
        self._start = start.astimezone(UTC)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)


MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # checked from metadata, before anything is downloaded


def oversize_message(filename: str, size: int) -> str | None:
    """Why an upload of `size` bytes is refused, or None when it fits."""
    if size <= MAX_UPLOAD_BYTES:
        return None
    shown = f"{size / 2**20:.1f} MB"
    if shown == f"{MAX_UPLOAD_BYTES / 2**20:.1f} MB":  # rounding would hide the excess
        return f"{filename} is {size:,} bytes; the limit is 5 MB ({MAX_UPLOAD_BYTES:,} bytes)."
    return f"{filename} is {shown}; the limit is 5 MB."


@dataclass(frozen=True)
class Upload:
    """A file a member attached (Discord attachment, console path), already size-checked."""

    filename: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)
