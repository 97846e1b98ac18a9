"""Simulated time that the real scheduler follows.

APScheduler decides what is due from the wall clock, while its wake-up timers run on SimCord's
virtual event-loop time. `SimulatedTime` holds the wall clock (through time-machine) and moves
it and SimCord's clock forward by the same amounts, in steps that stop at each scheduler
wake-up, so a job runs exactly at its time with the wall clock reading that time.

The two clocks may differ by a fixed offset (the sandbox's wall clock reads the present while
SimCord starts at its own fixed instant), but neither may ever move without the other: a timer
armed while only one of them moved would fire out of step with the jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from apscheduler.schedulers.asyncio import AsyncIOScheduler

_NUDGE = timedelta(milliseconds=1)
_NUDGES = 3  # a paused scheduler never runs its due jobs: stop nudging


class SimulatedTime:
    def __init__(
        self,
        env: Any,
        traveller: time_machine.Traveller,
        scheduler: Callable[[], AsyncIOScheduler],
    ) -> None:
        self.env = env
        self.traveller = traveller
        self.scheduler = scheduler

    def now(self) -> datetime:
        return datetime.now(UTC)

    def _next_wakeup(self) -> datetime | None:
        times = [job.next_run_time for job in self.scheduler().get_jobs() if job.next_run_time]
        return min(times) if times else None

    async def advance(self, delta: timedelta) -> None:
        """Move time forward by `delta`, running every job that falls due on the way."""
        target = self.now() + delta
        while True:
            now = self.now()
            wake = self._next_wakeup()
            stop = wake if wake is not None and now < wake < target else target
            self.traveller.move_to(stop)
            await self.env.advance_time((stop - now).total_seconds())
            await self._run_what_is_due(stop)
            if stop >= target:
                return

    async def _run_what_is_due(self, moment: datetime) -> None:
        """Let a job due at `moment` run even if its timer rounded a little past it.

        APScheduler computes its wake-up delay from float epoch timestamps (about 1e-7 s of
        precision), so its timer can land a fraction of a microsecond after the instant the
        step reached. A millisecond's nudge of SimCord's clock lets it fire; SimCord running
        ahead is harmless, since a timer that fires early is simply re-armed.
        """
        for _ in range(_NUDGES):
            wake = self._next_wakeup()
            if wake is None or wake > moment:
                return
            await self.env.advance_time(_NUDGE.total_seconds())

    async def advance_to(self, moment: datetime) -> None:
        await self.advance(max(moment - self.now(), timedelta(0)))
