"""How much memory NetGain holds while idle, per 1,000 servers, against a bare discord.py bot.

Both bots join the same simulated servers (each with a #general and a digest channel);
NetGain's servers each have a weekly digest set up, so its scheduler holds one job per
server. Measured after start-up has settled and a garbage collection, with tracemalloc
(Python heap, SimCord's own objects included on both sides, so the difference is NetGain's),
in the same run.

    PYTHONPATH=. .venv/bin/python bench/idle_memory.py [--servers 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import discord
import simcord
from discord.ext import commands

from bot.client import NetGainBot
from bot.domain.schedule import GuildSettings
from bot.settings import Settings
from storage.sqlite import SQLiteStorage

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def bare_bot() -> discord.Client:
    intents = discord.Intents.none()
    intents.guilds = True
    return commands.Bot(command_prefix="!", intents=intents, max_messages=None)


Hook = Callable[[simcord.Env, list[int]], Awaitable[None]]


async def idle_heap(bot: discord.Client, servers: int, joined: Hook) -> int:
    """Bytes the bot and SimCord hold once `servers` servers are joined (and `joined` has
    run on them) and all is quiet."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    async with simcord.run(bot) as env:
        ids = []
        for n in range(servers):
            guild = env.create_guild(name=f"server {n}")
            guild.create_text_channel("general")
            ids.append(guild.id)
        await joined(env, ids)
        await env.settle()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return held


async def netgain_heap(servers: int, folder: Path) -> int:
    path = folder / "idle.db"
    storage = await SQLiteStorage.open(path)
    settings = Settings(_env_file=None, database_url=f"sqlite:///{path}")  # type: ignore[call-arg]
    bot = NetGainBot(storage=storage, settings=settings)

    async def set_up_digests(env: simcord.Env, ids: list[int]) -> None:
        # As /setup digest leaves each server: settings stored, the job scheduled.
        for guild_id in ids:
            changed = GuildSettings(guild_id, digest_channel_id=guild_id)
            await storage.save_guild_settings(changed, now=NOW)
            bot.dispatch("netgain_guild_settings_changed", changed)
        await env.settle()
        jobs = [j for j in bot.jobs.scheduler.get_jobs() if j.id.startswith("digest:")]
        assert len(jobs) == len(ids), len(jobs)

    try:
        return await idle_heap(bot, servers, set_up_digests)
    finally:
        await storage.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1_000)
    args = parser.parse_args()

    async def nothing(env: simcord.Env, ids: list[int]) -> None:
        return None

    bare = await idle_heap(bare_bot(), args.servers, nothing)
    with tempfile.TemporaryDirectory() as folder:
        netgain = await netgain_heap(args.servers, Path(folder))
    per = 1_000 / args.servers / 2**20
    print(f"idle memory, {args.servers:,} servers joined (Python heap, tracemalloc)")
    print(f"  bare discord.py bot: {bare * per:8.1f} MiB per 1,000 servers")
    print(f"  NetGain:             {netgain * per:8.1f} MiB per 1,000 servers")
    print(f"  ratio NetGain / bare: {netgain / bare:.2f}×")


if __name__ == "__main__":
    asyncio.run(main())
