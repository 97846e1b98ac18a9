"""Simulated time that the real scheduler follows.

APScheduler decides what is due from the wall clock, while SimCord's event-loop timers run on
virtual time. `SimulatedTime` keeps the two together: it holds the wall clock (through
time-machine) and moves both forward in steps that stop at each scheduler wake-up, so a job
runs exactly at its time, with the wall clock reading that time.
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
