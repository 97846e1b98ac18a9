"""Simulated time runs the real scheduler's jobs exactly when they are due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import simcord
import time_machine
from apscheduler.triggers.cron import CronTrigger

from bot.client import NetGainBot
from bot.sandbox.clock import SimulatedTime
from bot.settings import Settings
from storage.sqlite import SQLiteStorage
from tests.conftest import SWEEP_IN_TESTS


class BotWithDailyJob(NetGainBot):
    """The bot, with one more job added the way cogs add theirs: from the bot's own code."""

    ran: list[datetime]

    async def setup_hook(self) -> None:
        await super().setup_hook()
        self.ran = []

        async def record() -> None:
            self.ran.append(datetime.now(UTC))

        self.scheduler.add_job(record, CronTrigger(hour=18, minute=0, timezone=UTC))


async def test_a_job_runs_at_its_time_even_when_the_timer_rounds_past_it(tmp_path: Path) -> None:
    # APScheduler computes its wake-up delay from float epoch timestamps; from this instant
    # to 18:00 the delay comes out a fraction of a microsecond long, so its timer lands just
    # after the step's end. The job must still run at 18:00, not at the end of the advance.
    start = datetime(2026, 11, 29, 16, 12, 1, 879330, tzinfo=UTC)
    storage = await SQLiteStorage.open(tmp_path / "t.db")
    try:
        with time_machine.travel(start, tick=False) as traveller:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                database_url=f"sqlite:///{tmp_path}/t.db",
                claim_sweep_seconds=SWEEP_IN_TESTS,
                settings_poll_seconds=SWEEP_IN_TESTS,
            )
            bot = BotWithDailyJob(storage=storage, settings=settings)
            async with simcord.run(bot) as env:
                clock = SimulatedTime(env, traveller, lambda: bot.scheduler)
                await clock.advance(timedelta(days=2))
    finally:
        await storage.close()
    assert bot.ran == [
        datetime(2026, 11, 29, 18, tzinfo=UTC),
        datetime(2026, 11, 30, 18, tzinfo=UTC),
    ]
