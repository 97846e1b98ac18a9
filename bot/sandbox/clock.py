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
            if stop >= target:
                return

    async def advance_to(self, moment: datetime) -> None:
        await self.advance(max(moment - self.now(), timedelta(0)))
