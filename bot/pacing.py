"""Posting paced under Discord's global rate limit, across every server a process posts to.

Discord allows a bot 50 requests a second in all (interaction responses aside). When the
digests of thousands of servers fall on the same minute, sending them as fast as they are
built would run into that limit, and every request over it is refused (429) and has to
wait. Digest pages and reminders take a turn here first: at most `rate` a second, after a
burst of `burst`, so they go out over a few minutes with room left for everything else.
discord.py still honours a 429's Retry-After (and its global flag) should one come anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

# Under Discord's 50 a second, leaving room for the bot's other requests.
RATE = 40.0
BURST = 10


class Pacer:
    """Hands out turns at most `rate` a second (after `burst` at once), in order of asking."""

    def __init__(
        self,
        rate: float = RATE,
        burst: int = BURST,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._gap = 1 / rate
        self._burst = burst
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def turn(self) -> None:
        """Wait for this request's turn; every caller gets its own, `1 / rate` apart."""
        now = self._now()
        # Unused turns pile up to a burst, no more.
        slot = max(self._next, now - (self._burst - 1) * self._gap)
        self._next = slot + self._gap
        if slot > now:
            await self._sleep(slot - now)
