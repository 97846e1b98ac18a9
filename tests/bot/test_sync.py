"""Commands are synced when their definitions change, or when asked; not on every start."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from simcord import Env

from bot import sync
from bot.client import NetGainBot
from bot.settings import Settings
from bot.sync import SYNC_HOLD, SYNC_LEASE, sync_commands
from storage.sqlite import SQLiteStorage
from tests.support.db import query


def syncs(env: Env) -> list[str]:
    return [r.path for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]


class BotWithPing(NetGainBot):
    """The same bot after a release that added one command."""

    async def setup_hook(self) -> None:
        @self.tree.command(name="ping", description="Check the bot answers")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

        await super().setup_hook()


async def restart(
    env: Env,
    bot_class: type[NetGainBot],
    settings: Settings,
    storage: SQLiteStorage,
    **options: object,
) -> list[str]:
    before = len(syncs(env))
    await env.restart_bot(bot_class(storage=storage, settings=settings, **options))  # type: ignore[arg-type]
    return syncs(env)[before:]


async def test_first_start_syncs_and_keeps_the_hash(simcord_env: Env, db_path: Path) -> None:
    app = simcord_env.bot.application_id
    assert syncs(simcord_env) == [f"/applications/{app}/commands"]
    [(key, digest)] = query(db_path, "SELECT key, value FROM bot_state")
    assert key == f"command_sync:{app}:global"
    assert len(digest) == 64


async def test_a_restart_with_the_same_commands_does_not_sync(
    simcord_env: Env, settings: Settings, storage: SQLiteStorage
) -> None:
    assert await restart(simcord_env, NetGainBot, settings, storage) == []
    # The commands Discord already has still work.
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("alice"))
    result = await member.slash(channel, "log", followers=1200, following=300)
    assert result.response.embeds[0].title == "TikTok reading logged"


async def test_changed_definitions_sync_again(
    simcord_env: Env, settings: Settings, storage: SQLiteStorage
) -> None:
    assert len(await restart(simcord_env, BotWithPing, settings, storage)) == 1
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("alice"))
    assert "ping" in member.available_commands(channel)


async def test_netgain_sync_forces_a_sync(
    simcord_env: Env, settings: Settings, storage: SQLiteStorage
) -> None:
    assert len(await restart(simcord_env, NetGainBot, settings, storage, force_sync=True)) == 1


async def test_dev_guild_gets_the_commands_instantly(
    simcord_env: Env, settings: Settings, storage: SQLiteStorage
) -> None:
    guild = simcord_env.create_guild(name="Dev")
    dev = settings.model_copy(update={"dev_guild_id": guild.id})
    app = simcord_env.bot.application_id
    assert await restart(simcord_env, NetGainBot, dev, storage) == [
        f"/applications/{app}/guilds/{guild.id}/commands"
    ]
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("alice"))
    result = await member.slash(channel, "log", followers=1200, following=300)
    assert not result.ephemeral


async def test_processes_starting_together_sync_a_change_once(
    simcord_env: Env, storage: SQLiteStorage
) -> None:
    """Three processes find the commands changed at once: they take turns on the sync lease,
    the first syncs, the others find it done."""
    bot = simcord_env.bot
    await storage.set_state(f"command_sync:{bot.application_id}:global", "an older release")
    before = len(syncs(simcord_env))
    done = await asyncio.gather(
        *(sync_commands(bot, force=False, owner=f"process-{n}") for n in range(3))
    )
    assert sorted(done) == [False, False, True]
    assert len(syncs(simcord_env)) == before + 1


async def test_a_sync_lease_left_by_a_stopped_process_runs_out(
    simcord_env: Env, storage: SQLiteStorage
) -> None:
    bot = simcord_env.bot
    now = bot.now()
    await storage.set_state(f"command_sync:{bot.application_id}:global", "an older release")
    # A process took the lease and stopped; it runs out after SYNC_HOLD.
    assert await storage.take_lease(SYNC_LEASE, "gone", now=now - SYNC_HOLD, until=now)
    assert await sync_commands(bot, force=False, owner="alive")


async def test_identifies_are_paced_across_processes_per_bucket(
    storage: SQLiteStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discord allows max_concurrency IDENTIFYs per five seconds for the whole bot: a shard
    of another process in the same bucket waits for the first one's five seconds."""
    clock = [datetime(2026, 1, 1, tzinfo=UTC)]

    async def waited(seconds: float) -> None:  # virtual time: the clock moves, nothing sleeps
        clock[0] += timedelta(seconds=seconds)

    monkeypatch.setattr(sync, "_pause", waited)

    def process(name: str) -> Any:
        return SimpleNamespace(storage=storage, instance_id=name, now=lambda: clock[0])

    start = clock[0]
    await sync.pace_identify(process("a"), shard_id=0, max_concurrency=1)
    assert clock[0] == start  # the first goes at once
    await sync.pace_identify(process("b"), shard_id=1, max_concurrency=1)
    assert clock[0] - start >= timedelta(seconds=5)  # same bucket: its turn five seconds on
    turn = clock[0]
    await sync.pace_identify(process("c"), shard_id=3, max_concurrency=2)  # bucket 1: free
    assert clock[0] == turn
