"""A reminder time that a DST change skips still reaches the member that day, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from simcord import Env

from bot.sandbox.clock import SimulatedTime
from tests.scheduled.support import Server
from tests.scheduled.test_reminders import dms


@pytest.mark.parametrize(
    ("zone", "jump_utc"),
    [
        # 00:30 never happens on these nights: clocks go from 00:00 to 01:00.
        ("America/Santiago", datetime(2026, 9, 6, 4, 0)),  # Sunday 6 September
        ("Asia/Beirut", datetime(2026, 3, 28, 22, 0)),  # Sunday 29 March
    ],
)
async def test_a_skipped_reminder_time_is_sent_at_the_jump(
    simcord_env: Env, clock: SimulatedTime, zone: str, jump_utc: datetime
) -> None:
    jump = jump_utc.replace(tzinfo=UTC)
    # Seven days without a log are up an hour before that night's reminder time.
    await clock.advance_to(jump - timedelta(days=7, hours=1))
    server = Server(simcord_env)
    await server.alice.slash(server.general, "me", timezone=zone, reminder_time="00:30")
    await server.alice.slash(server.general, "log", followers=100, following=10)
    await clock.advance_to(jump - timedelta(minutes=1))
    assert dms(simcord_env, server.alice) == []
    await clock.advance(timedelta(minutes=2))
    [reminder] = dms(simcord_env, server.alice)
    assert reminder.created_at == jump
    await clock.advance(timedelta(hours=12))
    assert len(dms(simcord_env, server.alice)) == 1  # once
