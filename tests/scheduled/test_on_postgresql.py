"""The whole bot on PostgreSQL: the cogs and use cases run unchanged on the other backend.

The storage contract suite (tests/storage) checks each port on both backends; these drive
the bot end to end through SimCord with the storage fixture swapped for PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest_asyncio
from simcord import Env

from bot.client import NetGainBot
from bot.sandbox.clock import SimulatedTime
from bot.settings import Settings
from cogs.digest.poster import LEASE
from storage.postgres import PostgresStorage
from tests.scheduled.support import Server
from tests.support.db import rows
from tests.support.postgres import postgres_storage

DAY = timedelta(days=1)
SLOT = datetime(2026, 1, 5, 9, tzinfo=UTC)  # SimCord's first Monday, the default slot


@pytest_asyncio.fixture
async def storage() -> AsyncIterator[PostgresStorage]:
    async with postgres_storage() as pg:
        yield pg


async def test_log_net_history_goal_and_the_digest_on_postgresql(
    simcord_env: Env, clock: SimulatedTime, storage: PostgresStorage
) -> None:
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1_000, following=100, note="a")
    again = await server.alice.slash(server.general, "log", followers=1_000, following=100)
    assert again.ephemeral  # the same reading twice is stored once
    await clock.advance(DAY)
    await server.alice.slash(server.general, "log", followers=1_100, following=100)
    await server.bob.slash(server.general, "log", followers=500, following=50)
    await server.alice.slash(server.general, "post", views=1_000, likes=80, comments=5, shares=2)
    await server.alice.slash(server.general, "goal", followers=2_000)
    net = await server.bob.slash(server.general, "net", member=server.alice)
    assert "+100" in str(net.response.embeds[0].to_dict())
    history = await server.alice.slash(server.general, "history")
    assert history.followups or history.response
    await clock.advance_to(SLOT + timedelta(hours=1))
    assert len(server.digests()) == 1
    assert "Community net growth:** +100 followers (+10.0%)" in server.text()
    assert await rows(storage, "SELECT state, pages_posted FROM digest_runs") == [("posted", 1)]
    assert await rows(storage, "SELECT count(*) FROM readings") == [(3,)]
    assert simcord_env.errors == []


async def test_a_claim_left_by_a_stopped_process_is_taken_over_on_postgresql(
    simcord_env: Env, clock: SimulatedTime, storage: PostgresStorage, settings: Settings
) -> None:
    """Another process claimed the week's digest at the slot and stopped: once its lease
    runs out, this one takes the claim over and posts the digest, once."""
    server = Server(simcord_env)
    await server.setup_digest()
    await server.alice.slash(server.general, "log", followers=1_000, following=100)
    await clock.advance(DAY)
    await server.alice.slash(server.general, "log", followers=1_100, following=100)
    simcord_env.bot.scheduler.pause()  # this process is down at the slot...
    await clock.advance_to(SLOT)
    week = SLOT.date() - timedelta(days=7)
    claimed = await storage.claim_digest(
        server.guild.id, week, owner="stopped:1", now=SLOT, lease_until=SLOT + LEASE
    )
    assert claimed is not None  # ...while another one claimed it, then stopped
    simcord_env.bot.scheduler.shutdown(wait=False)
    await simcord_env.restart_bot(NetGainBot(storage=storage, settings=settings))
    await clock.advance(LEASE)
    assert server.digests() == []  # not before the lease runs out
    await clock.advance(timedelta(minutes=1))
    assert len(server.digests()) == 1
    assert await rows(storage, "SELECT state, owner FROM digest_runs") == [("posted", None)]
