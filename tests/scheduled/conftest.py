"""The scheduled half runs the real APScheduler on simulated time.

The wall clock (which APScheduler reads) is frozen at SimCord's starting instant before the
bot starts, and `clock` moves it and SimCord's clock forward together.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from simcord import Env

from bot.client import NetGainBot
from bot.sandbox.clock import SimulatedTime
from bot.settings import Settings
from storage.sqlite import SQLiteStorage
from tests.scheduled.support import SIMCORD_EPOCH


@pytest.fixture
def wall_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(SIMCORD_EPOCH, tick=False) as traveller:
        yield traveller


@pytest.fixture
def simcord_bot(
    wall_clock: time_machine.Traveller, storage: SQLiteStorage, settings: Settings
) -> NetGainBot:
    return NetGainBot(storage=storage, settings=settings)


@pytest.fixture
def clock(simcord_env: Env, wall_clock: time_machine.Traveller) -> SimulatedTime:
    return SimulatedTime(simcord_env, wall_clock, lambda: simcord_env.bot.scheduler)
