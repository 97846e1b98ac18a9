"""Sharded processes on one database: each server's digest is posted once, by the process
that runs its shard, and no other process claims it, fails it or reminds its members.

Process 0 runs shard 0 of 2 against a simulated Discord that routes it only shard 0's
servers (as Discord's gateway does); then process 1 starts on the same database for shard 1.
What Beta's admin and members did through process 1 is in the database already.
"""

from __future__ import annotations

import asyncio
import dataclasses
from bisect import bisect_left
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from simcord import Env

from bot.domain.models import ReadingDraft
from bot.domain.schedule import GuildSettings
from bot.domain.shards import Shards, shard_of
from bot.pacing import Pacer
from bot.sandbox.clock import SimulatedTime
from bot.settings import Settings
from bot.usecases import tracking
from tests.scheduled.support import Server, restarted
from tests.scheduled.test_reminders import dms
from tests.support.db import query

DAY = timedelta(days=1)
SLOT = datetime(2026, 1, 5, 9, tzinfo=UTC)  # SimCord's first Monday, the default slot


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """This process runs shard 0 of 2."""
    return settings.model_copy(update={"shard_count": 2, "shard_ids": "0"})


def test_a_server_belongs_to_the_shard_discord_routes_it_to() -> None:
    guild = 1456074443980800018
    assert shard_of(guild, 2) == (guild >> 22) % 2
    assert Shards(2, (shard_of(guild, 2),)).hosts(guild)
    assert not Shards(2, (1 - shard_of(guild, 2),)).hosts(guild)
    assert Shards(2, (0,)).hosts(None) and not Shards(2, (1,)).hosts(None)  # DMs: shard 0
    assert Shards().hosts(guild)  # one process, every shard


async def test_each_server_is_posted_once_by_the_process_running_its_shard(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    alpha = Server(simcord_env, "Alpha", shard_id=0)
    beta = Server(simcord_env, "Beta", shard_id=1)
    assert shard_of(alpha.guild.id, 2) == 0 and shard_of(beta.guild.id, 2) == 1
    storage = simcord_env.bot.storage
    await alpha.setup_digest()
    await storage.save_guild_settings(
        GuildSettings(beta.guild.id, digest_channel_id=beta.digest.id), now=clock.now()
    )
    for followers in (1_000, 1_100):
        await alpha.alice.slash(alpha.general, "log", followers=followers, following=100)
        draft = ReadingDraft(beta.alice.id, beta.guild.id, None, followers, 50)
        await tracking.log_reading(storage, draft, now=clock.now(), confirmed=True)
        await clock.advance(DAY)

    # Process 0 starts again, as it would any day, with both servers' settings stored.
    async with restarted(simcord_env, db_path, settings):
        await clock.advance_to(SLOT + timedelta(hours=1))
        assert len(alpha.digests()) == 1
        assert beta.digests() == []  # not process 0's: not claimed, not failed, not its own
        runs = "SELECT guild_id, state FROM digest_runs ORDER BY guild_id"
        assert query(db_path, runs) == [(alpha.guild.id, "posted")]

    one = settings.model_copy(update={"shard_ids": "1"})
    async with restarted(simcord_env, db_path, one):
        await clock.advance(timedelta(minutes=5))  # process 1 catches up on its start
        assert len(beta.digests()) == 1
        assert "**Community net growth:** +100 followers (+10.0%)" in beta.text()
        assert len(alpha.digests()) == 1  # posted once, by process 0
        assert sorted(query(db_path, runs)) == sorted(
            [(alpha.guild.id, "posted"), (beta.guild.id, "posted")]
        )
    assert query(db_path, "SELECT count(*) FROM digest_runs WHERE state = 'failed'") == [(0,)]


async def test_members_are_reminded_by_the_process_running_their_home_servers_shard(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    alpha = Server(simcord_env, "Alpha", shard_id=0)
    beta = Server(simcord_env, "Beta", shard_id=1)
    storage = simcord_env.bot.storage
    await alpha.alice.slash(alpha.general, "log", followers=1_000, following=100)
    draft = ReadingDraft(beta.alice.id, beta.guild.id, None, 1_000, 50)
    await tracking.log_reading(storage, draft, now=clock.now(), confirmed=True)

    async with restarted(simcord_env, db_path, settings):  # process 0, shard 0
        await clock.advance(8 * DAY)  # a week without a log: reminders are due
        assert len(dms(simcord_env, alpha.alice)) == 1
        assert dms(simcord_env, beta.alice) == []  # Beta is shard 1's: not reminded here
    one = settings.model_copy(update={"shard_ids": "1"})
    async with restarted(simcord_env, db_path, one):  # process 1, shard 1
        await clock.advance(DAY)
        assert len(dms(simcord_env, beta.alice)) == 1
        assert len(dms(simcord_env, alpha.alice)) == 1  # not again, from the other process


async def test_a_schedule_changed_through_another_process_is_followed_within_a_minute(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    alpha = Server(simcord_env, "Alpha", shard_id=0)
    await alpha.setup_digest()
    await alpha.alice.slash(alpha.general, "log", followers=1_000, following=100)
    storage = simcord_env.bot.storage
    await clock.advance_to(SLOT - timedelta(hours=1))
    polling = settings.model_copy(update={"settings_poll_seconds": 60})
    async with restarted(simcord_env, db_path, polling):
        # Another process stores a new time for Alpha's digest (as its /setup would).
        moved = (await storage.guild_settings(alpha.guild.id)).with_changes(
            digest_time=datetime(2026, 1, 1, 15).time()
        )
        await storage.save_guild_settings(moved, now=clock.now())
        await clock.advance(timedelta(minutes=2))
        job = simcord_env.bot.jobs.scheduler.get_job(simcord_env.bot.jobs.digest_id(alpha.guild.id))
        assert job.next_run_time == SLOT.replace(hour=15)
        await clock.advance_to(SLOT + timedelta(hours=1))
        assert alpha.digests() == []  # not at the old time
        await clock.advance_to(SLOT.replace(hour=15) + timedelta(minutes=5))
        assert len(alpha.digests()) == 1


async def test_digests_due_together_take_turns_under_the_global_rate_limit(
    simcord_env: Env, clock: SimulatedTime
) -> None:
    """Servers whose digests fall on the same minute: every page waits for its turn (here 5
    a second after a burst of 2, so that a few servers show it), and all are posted."""
    servers = [Server(simcord_env, f"S{n}") for n in range(16)]
    for server in servers:
        await server.setup_digest()
        await server.alice.slash(server.general, "log", followers=100, following=1)
    bot = simcord_env.bot
    turns: list[float] = []
    paced = Pacer(rate=5, burst=2)

    async def recorded() -> None:
        await paced.turn()
        turns.append(asyncio.get_running_loop().time())

    bot.pacer.turn = recorded  # type: ignore[method-assign]
    await clock.advance_to(SLOT + timedelta(minutes=5))
    assert all(len(server.digests()) == 1 for server in servers)
    assert len(turns) == 16
    turns.sort()
    busiest = max(bisect_left(turns, t + 1.0) - i for i, t in enumerate(turns))
    assert busiest <= 5 + 2
    assert turns[-1] - turns[0] >= (16 - 2) / 5 - 0.01  # spread out, not sent at once


async def test_a_reminder_time_changed_through_another_process_is_followed(
    simcord_env: Env, clock: SimulatedTime, db_path: Path, settings: Settings
) -> None:
    """A member of Alpha (shard 0) sets their reminder time with /me in a server of shard 1:
    process 0, which reminds them, schedules the new time within a poll."""
    alpha = Server(simcord_env, "Alpha", shard_id=0)
    await alpha.alice.slash(alpha.general, "log", followers=1_000, following=100)
    storage = simcord_env.bot.storage
    polling = settings.model_copy(update={"settings_poll_seconds": 60})
    async with restarted(simcord_env, db_path, polling):
        jobs = simcord_env.bot.jobs
        assert jobs.scheduler.get_job(jobs.reminder_id("UTC", "18:00")) is not None
        own = await storage.member_settings(alpha.alice.id)
        changed = dataclasses.replace(own, reminder_time=time(7, 15))
        await storage.save_member_settings(changed, now=clock.now())  # through process 1
        await clock.advance(timedelta(minutes=2))
        assert jobs.scheduler.get_job(jobs.reminder_id("UTC", "07:15")) is not None
        assert jobs.scheduler.get_job(jobs.reminder_id("UTC", "18:00")) is None
