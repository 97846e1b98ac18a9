"""How much /log costs over a bare discord.py command answering the same interaction.

Both bots run in this process against SimCord (real discord.py dispatch, simulated Discord),
so what differs is NetGain's own work: option checks, one SQLite transaction committed with
synchronous=FULL on a real file, and building the embed. The two are measured in the same run,
and the ratio is what matters; absolute figures depend on the machine.

What is timed is time to answer: from invoking /log to the moment the bot's interaction
response reaches the simulated Discord, which is when the member sees it. (Timing the whole
SimCord call instead would include SimCord's own idle checks after the answer.)

    .venv/bin/python bench/log_reply.py [--iterations 400] [--dir PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import simcord
from discord import app_commands

from bot.client import NetGainBot, intents
from bot.domain.models import ReadingDraft
from bot.settings import Settings
from bot.usecases import tracking
from storage.sqlite import SQLiteStorage


def bare_bot() -> discord.Client:
    """The baseline: a /log with the same required options, answering at once.

    Its reply is laid out like NetGain's (title, colour, author and avatar, the three counts,
    two long fields, footer, timestamp, mentions disabled), filled from the options alone. The
    simulated Discord runs on the same event loop as the bot and spends time on every message
    in proportion to its size, as discord.py does turning it into JSON and back; with the same
    reply on both sides, what the ratio shows is NetGain's own work (option checks, the
    database, the rules, building the reply).
    """
    client = discord.Client(intents=intents(), allowed_mentions=discord.AllowedMentions.none())
    tree = app_commands.CommandTree(client)
    client.tree = tree  # type: ignore[attr-defined]  # where SimCord looks for it

    @tree.command(name="log", description="Log your follower and following counts")
    async def log(interaction: discord.Interaction, followers: int, following: int) -> None:
        member = interaction.user
        embed = discord.Embed(title="TikTok reading logged", colour=discord.Colour(0x2ECC71))
        embed.set_author(name=member.display_name, icon_url=member.display_avatar.url)
        embed.add_field(name="Followers", value=f"{followers:,}")
        embed.add_field(name="Following", value=f"{following:,}")
        embed.add_field(
            name="Net followers",
            value=f"**{followers - following:,}**\nratio {followers / max(following, 1):,.1f}×",
        )
        embed.add_field(
            name="Change since previous reading",
            value=f"+1 follower · ±0 following · net +1\nprevious reading "
            f"<t:{int(interaction.created_at.timestamp())}:f>, under a minute before this one",
            inline=False,
        )
        embed.add_field(
            name="This week",
            value=f"**+19** followers (+1.6%) since Mon 23 Nov\n"
            f"{followers - 19:,} → {followers:,} · net followers +19",
            inline=False,
        )
        embed.set_footer(text="Source: self-reported · /net for growth · /undo to remove it")
        embed.timestamp = interaction.created_at
        await interaction.response.send_message(embed=embed)

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    return client


class AnswerClock(list):  # type: ignore[type-arg]
    """SimCord's request log, noting when each interaction answer arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: list[float] = []

    def append(self, entry: Any) -> None:
        if entry.method == "POST" and entry.path.endswith("/callback"):
            self.answered.append(time.perf_counter())
        super().append(entry)


async def timed_logs(bot: discord.Client, iterations: int, members: int) -> list[float]:
    """Seconds from invoking /log to the bot's answer reaching Discord."""
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        actors = [guild.add_member(env.create_user(f"m{i}")) for i in range(members)]
        clock = AnswerClock()
        env.backend.http_requests = clock
        samples: list[float] = []
        for i in range(iterations):
            actor = actors[i % members]
            started = time.perf_counter()
            result = await actor.slash(channel, "log", followers=1200 + i, following=300)
            samples.append(clock.answered[-1] - started)
            assert len(clock.answered) == i + 1
            assert result.response is not None
            assert not env.errors, env.errors
            await env.advance_time(60)
    return samples


async def transaction_only(iterations: int, folder: Path) -> list[float]:
    """The /log transaction alone, outside SimCord: what storage costs in production."""
    storage = await SQLiteStorage.open(folder / "storage.db")
    now = datetime(2026, 11, 19, tzinfo=UTC)
    samples = []
    try:
        for i in range(iterations):
            draft = ReadingDraft(
                user_id=i % 20, guild_id=1, platform=None, followers=1200 + i, following=300
            )
            started = time.perf_counter()
            await tracking.log_reading(storage, draft, now=now + timedelta(minutes=i))
            samples.append(time.perf_counter() - started)
    finally:
        await storage.close()
    return samples


async def netgain_logs(iterations: int, folder: Path) -> list[float]:
    path = folder / "bench.db"
    storage = await SQLiteStorage.open(path)
    try:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{path}")  # type: ignore[call-arg]
        bot = NetGainBot(storage=storage, settings=settings)
        return await timed_logs(bot, iterations, members=20)
    finally:
        await storage.close()


async def peak_memory(run: Any) -> int:
    tracemalloc.start()
    try:
        await run
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def measure(iterations: int, folder: Path) -> dict[str, Any]:
    memory_runs = min(iterations, 100)
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    (folder / "c").mkdir()
    return {
        "bare": await timed_logs(bare_bot(), iterations, members=20),
        "netgain": await netgain_logs(iterations, folder / "a"),
        "transaction": await transaction_only(iterations, folder / "b"),
        "bare_peak": await peak_memory(timed_logs(bare_bot(), memory_runs, members=20)),
        "netgain_peak": await peak_memory(netgain_logs(memory_runs, folder / "c")),
    }


def summary(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return (
        statistics.median(ordered) * 1000,
        ordered[int(len(ordered) * 0.95) - 1] * 1000,
        statistics.fmean(ordered) * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=400)
    parser.add_argument("--dir", type=Path, help="folder for the database (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        # Warm-up, so imports and first-use caches are not counted.
        (Path(folder) / "warm").mkdir()
        asyncio.run(measure(min(args.iterations, 20), Path(folder) / "warm"))
        (Path(folder) / "run").mkdir()
        results = asyncio.run(measure(args.iterations, Path(folder) / "run"))
    bare, ng = summary(results["bare"]), summary(results["netgain"])
    tx = summary(results["transaction"])
    print(f"/log, {args.iterations} interactions each, time to answer through SimCord")
    print(f"{'':>24} {'median ms':>10} {'p95 ms':>10} {'mean ms':>10}")
    for label, row in (("bare discord.py /log", bare), ("NetGain /log", ng)):
        print(f"{label:>24} {row[0]:>10.3f} {row[1]:>10.3f} {row[2]:>10.3f}")
    ratios = [n / b for n, b in zip(ng, bare, strict=True)]
    print(f"{'ratio':>24} {ratios[0]:>10.2f} {ratios[1]:>10.2f} {ratios[2]:>10.2f}")
    print(f"{'extra per /log':>24} {ng[0] - bare[0]:>10.3f} ms (median)")
    print(
        f"{'its transaction alone':>24} {tx[0]:>10.3f} {tx[1]:>10.3f} {tx[2]:>10.3f}"
        "  (outside SimCord, synchronous=FULL on a real file)"
    )
    netgain_kib, bare_kib = results["netgain_peak"] / 1024, results["bare_peak"] / 1024
    print(
        f"peak traced memory over {min(args.iterations, 100)} /log: "
        f"NetGain {netgain_kib:.0f} KiB, bare {bare_kib:.0f} KiB"
    )


if __name__ == "__main__":
    main()
