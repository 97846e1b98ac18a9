"""Shared fixtures: real SQLite files on a temporary path, Discord simulated by SimCord.

Every SimCord test runs with the wall clock (which APScheduler reads) frozen at SimCord's own
starting instant; `clock` moves both forward together, so scheduled jobs fire on time.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from simcord import Env

from bot.client import NetGainBot
from bot.sandbox.clock import SimulatedTime
from bot.settings import Settings
from storage.sqlite import SQLiteStorage
from tests.support.db import count_rows

# Property tests: a bounded number of examples by default, so the suite stays quick; set
# HYPOTHESIS_PROFILE=thorough to search harder. A failure prints the blob that replays it
# (@reproduce_failure), and hypothesis keeps failing examples in .hypothesis/ for the next run.
hypothesis_settings.register_profile(
    "default",
    max_examples=150,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("thorough", max_examples=3_000, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Every REST request the bot makes in any test is checked against Discord's API description.
pytest_plugins = ["pytester", "tests.support.conformance"]


@pytest.fixture(scope="session", autouse=True)
def matplotlib_loaded() -> None:
    """Load matplotlib (and its font cache) once, before any test draws a chart.

    The bot loads it on the first chart, which takes a second or more; SimCord waits at most
    five seconds for the bot to settle, and on a busy machine the first chart of a test run
    could pass that. Start-up without matplotlib is tested in a fresh process
    (tests/bot/test_start_up.py), which this does not touch.
    """
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.charts import community_chart
    from bot.domain.series import CommunityWeek

    week = CommunityWeek(datetime(2026, 1, 5, tzinfo=UTC).date(), 1, 10)
    community_chart([week], "warm-up", ZoneInfo("UTC"))


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """A database connection left open keeps its worker thread, and the process, alive."""
    before = set(threading.enumerate())
    yield
    for thread in set(threading.enumerate()) - before:
        if not thread.daemon:
            thread.join(timeout=5)
            assert not thread.is_alive(), f"the test left thread {thread.name} running"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "netgain.db"


# Simulated time stops at every scheduler wake-up, so the 30-second sweep for abandoned
# claims would make each simulated week 20,000 steps. Tests run it once a day; the tests
# of the sweep itself (tests/scheduled/test_takeover.py) run it at the real default.
SWEEP_IN_TESTS = 24 * 3600


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{db_path}",
        claim_sweep_seconds=SWEEP_IN_TESTS,
        settings_poll_seconds=SWEEP_IN_TESTS,
    )


@pytest_asyncio.fixture
async def storage(db_path: Path) -> AsyncIterator[SQLiteStorage]:
    opened = await SQLiteStorage.open(db_path)
    yield opened
    await opened.close()


SIMCORD_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


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


@dataclass
class World:
    """A server with a #general channel and two members, alice and bob."""

    env: Env
    db_path: Path

    def __post_init__(self) -> None:
        self.guild = self.env.create_guild(name="Creators")
        self.channel = self.guild.create_text_channel("general")
        self.alice = self.guild.add_member(self.env.create_user("alice"))
        self.bob = self.guild.add_member(self.env.create_user("bob"))

    def readings(self) -> int:
        return count_rows(self.db_path, "readings")


@pytest.fixture
def world(simcord_env: Env, db_path: Path) -> World:
    return World(simcord_env, db_path)
