"""Per-member fairness: one heavy task in flight, and cooldowns on the picture commands.

One member firing 200 concurrent `/plot` and `/answer` calls must not make everyone else wait. The
worker pool already runs one task per member at a time; this limiter refuses the rest *before* they
queue, with a message that says why and when to come back. It is a plain service object shared by
every adapter (Discord and the console go through the same services), so a member cannot get
around it by switching adapters, and a command-spec layer can call :meth:`MemberLimiter.check`
itself to refuse before deferring.

Counts use the services' clock, so tests move time by hand instead of sleeping.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from bot.services.context import Clock
from bot.services.errors import UserError


@dataclass(frozen=True)
class Cooldown:
    """At most `rate` uses in any `per` seconds (a sliding window: no burst at a window edge)."""

    rate: int
    per: float

    def __post_init__(self) -> None:
        if self.rate < 1 or not self.per > 0:
            raise ValueError("a cooldown needs rate >= 1 and per > 0")


#: Drawing is the expensive, spammable part; answers and reading commands have no cooldown (one
#: in flight is enough there). Generous for a member exploring a function, tight for a script.
DEFAULT_COOLDOWNS: Mapping[str, Cooldown] = {
    "plot": Cooldown(5, 60.0),
    "gd": Cooldown(5, 60.0),
    "tex": Cooldown(8, 60.0),
    "losscurve": Cooldown(3, 60.0),
    # a whole member's history read and encoded: plenty for a person, not a loop hammering the database
    "mydata": Cooldown(3, 3600.0),
}

BUSY_MESSAGE = "Still working on your last one: wait for its reply, then send this again."


class Busy(UserError):
    """The member already has a heavy task in flight."""

    def __init__(self) -> None:
        super().__init__(BUSY_MESSAGE)


class CoolingDown(UserError):
    """The member used a command too often; `retry_after` seconds until the next use is allowed."""

    def __init__(self, command: str, cooldown: Cooldown, retry_after: float) -> None:
        self.command = command
        self.retry_after = retry_after
        wait = max(1, math.ceil(retry_after))
        times = "once" if cooldown.rate == 1 else f"{cooldown.rate} times"
        super().__init__(f"/{command} can be used {times} per {cooldown.per:g} s: try again in {wait} s.")


class MemberLimiter:
    """Tracks each member's task in flight and recent uses of commands with a cooldown."""

    def __init__(self, clock: Clock, cooldowns: Mapping[str, Cooldown] = DEFAULT_COOLDOWNS) -> None:
        self.clock = clock
        self.cooldowns = dict(cooldowns)
        self._uses: dict[tuple[Hashable, str], deque[float]] = {}
        self._in_flight: set[Hashable] = set()

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _window(self, member: Hashable, command: str, now: float) -> deque[float] | None:
        """The member's uses of `command` still inside its window (older ones dropped)."""
        cooldown = self.cooldowns.get(command)
        uses = self._uses.get((member, command))
        if cooldown is None or uses is None:
            return uses
        while uses and uses[0] <= now - cooldown.per:
            uses.popleft()
        if not uses:
            del self._uses[(member, command)]
            return None
        return uses

    def retry_after(self, member: Hashable, command: str) -> float:
        """Seconds until `member` may use `command` again (0: now). Changes nothing."""
        cooldown = self.cooldowns.get(command)
        if cooldown is None:
            return 0.0
        now = self._now()
        uses = self._window(member, command, now)
        if uses is None or len(uses) < cooldown.rate:
            return 0.0
        return uses[-cooldown.rate] + cooldown.per - now

    def busy(self, member: Hashable) -> bool:
        return member in self._in_flight

    def check(self, member: Hashable, command: str | None = None) -> None:
        """Raise Busy or CoolingDown if `member` may not start `command` now. Changes nothing."""
        if member in self._in_flight:
            raise Busy()
        if command is not None:
            wait = self.retry_after(member, command)
            if wait > 0:
                raise CoolingDown(command, self.cooldowns[command], wait)

    @contextmanager
    def heavy(self, member: Hashable, command: str | None = None) -> Iterator[None]:
        """Hold the member's one heavy slot for the block, and count a use of `command`.

        Refused (Busy / CoolingDown) before anything is recorded. The use counts even when the
        task then fails: the work was done (or attempted) all the same.
        """
        self.check(member, command)
        if command is not None and command in self.cooldowns:
            self._uses.setdefault((member, command), deque()).append(self._now())
        self._in_flight.add(member)
        try:
            yield
        finally:
            self._in_flight.discard(member)
