"""The pacer keeps posting under Discord's global limit, however many digests fall due at
once: 2,000 on virtual time."""

from __future__ import annotations

import asyncio
from bisect import bisect_left

from bot.domain.shards import Shards
from bot.pacing import BURST, RATE, Pacer


async def test_a_burst_of_2000_digests_never_passes_50_requests_a_second() -> None:
    now = [0.0]
    sent: list[float] = []

    async def wait(seconds: float) -> None:  # virtual time: the clock moves, nothing sleeps
        now[0] += seconds

    pacer = Pacer(clock=lambda: now[0], sleep=wait)
    for _ in range(2_000):  # all due at the same instant, each waiting for its turn
        await pacer.turn()
        sent.append(now[0])
    assert len(sent) == 2_000 and sent == sorted(sent)
    # No one-second window holds more than Discord's 50 (40 a second, after a burst of 10).
    busiest = max(bisect_left(sent, t + 1.0) - i for i, t in enumerate(sent))
    assert busiest <= RATE + BURST <= 50
    # ...and they all go out within a minute: 2,000 at 40 a second.
    assert sent[-1] <= 2_000 / RATE


async def test_turns_unused_for_a_while_allow_only_a_short_burst() -> None:
    pacer = Pacer(rate=10, burst=3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(3):
        await pacer.turn()  # the burst goes at once
    assert loop.time() - started < 0.05


def test_each_process_paces_at_its_shards_share_of_the_bots_limit() -> None:
    assert Shards().share == 1.0
    assert Shards(4, (0, 1)).share == 0.5
    assert Shards(3, (2,)).share == 1 / 3
