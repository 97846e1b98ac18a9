"""/log under load: many members logging at once, against a bare discord.py command.

1,000 /log from 50 members with 50 in flight: each member sends their next /log as soon as
the previous one is answered. The same load goes to NetGain (real SQLite file,
synchronous=FULL) and to a bare discord.py command answering the same interaction with a
reply laid out like NetGain's (`log_reply.bare_bot`), in the same run, both through
SimCord. Printed: requests per second, and the median and 99th percentile of the time to
answer, with NetGain's ratios to the bare command against the targets (p50 at most 2x bare,
throughput at least 0.5x bare). The targets are printed, not asserted: the figures depend
on the machine.

Both run in one process, so each timed load starts from a collected heap (neither pays for
the other's garbage), and the pair is run in several interleaved rounds: the figures are
the median over the rounds, with each round's ratios printed so the spread is visible.

SimCord runs one operation at a time, so the interactions are fed to the bot the way its
gateway would deliver them, without waiting for the bot to settle between them; an answer
is the bot's interaction callback (or, for a deferred command, its follow-up) reaching the
simulated Discord.

    .venv/bin/python bench/log_load.py [--requests 1000] [--members 50] [--rounds 9]
                                       [--dir PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import discord
import simcord
from log_reply import bare_bot
from simcord.interactions import base_payload

from bot.client import NetGainBot
from bot.settings import Settings
from storage.sqlite import SQLiteStorage

_INTEGER = 4


class Answers(list):  # type: ignore[type-arg]
    """SimCord's request log, resolving each interaction's future when it is answered."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[str, asyncio.Future[float]] = {}

    def append(self, entry: Any) -> None:
        if entry.method == "POST" and entry.path.startswith("/interactions/"):
            interaction_id = entry.path.split("/")[2]
            future = self.waiting.get(interaction_id)
            if future is not None and not future.done() and entry.json.get("type") != 5:
                future.set_result(time.perf_counter())
        elif entry.method == "POST" and entry.path.startswith("/webhooks/"):
            token = entry.path.split("/")[3]
            future = self.waiting.get(token)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())
        super().append(entry)


# SimCord's settle fails once its timeout passes with work still running. What a load
# leaves running once every /log is answered (the reminders' refresh after first logs) can
# outlast the five seconds on a slow machine, above all on PostgreSQL, where each statement
# is a hop to a worker thread. So settling is tried again while that work goes on, up to
# this many timeouts in all. (A longer timeout instead holds every round until its end: the
# timers due before it must fire first.)
SETTLE_TRIES = 12


async def settle(env: simcord.Env, tries: int = SETTLE_TRIES) -> None:
    """Wait for the bot's work to end, for up to `tries` of SimCord's settle timeouts."""
    for attempt in range(1, tries + 1):
        try:
            await env.settle()
            return
        except TimeoutError:
            if attempt == tries:
                raise


async def load(
    bot: discord.Client,
    requests: int,
    members: int,
    *,
    settle_timeout: float = 5.0,
    settle_tries: int = SETTLE_TRIES,
) -> tuple[float, list[float]]:
    """Seconds for the whole load, and each /log's time to answer."""
    async with simcord.run(bot, settle_timeout=settle_timeout) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        actors = [guild.add_member(env.create_user(f"m{i}")) for i in range(members)]
        command = env.backend.find_command("log", guild.id)
        assert command is not None
        answers = Answers()
        env.backend.http_requests = answers
        loop = asyncio.get_running_loop()
        samples: list[float] = []
        per_member = [requests // members + (i < requests % members) for i in range(members)]

        async def member(index: int) -> None:
            actor = actors[index]
            for n in range(per_member[index]):
                data = {
                    "id": command["id"],
                    "name": "log",
                    "type": 1,
                    "options": [
                        {"name": "followers", "type": _INTEGER, "value": 1200 + n},
                        {"name": "following", "type": _INTEGER, "value": 300},
                    ],
                }
                record, payload = base_payload(
                    env.backend,
                    type=2,
                    channel_id=channel.id,
                    guild_id=guild.id,
                    user_id=actor.id,
                    data=data,
                )
                answered = loop.create_future()
                answers.waiting[str(record.id)] = answered
                answers.waiting[record.token] = answered
                started = time.perf_counter()
                env.backend.emit("INTERACTION_CREATE", payload)
                samples.append(await answered - started)

        began = time.perf_counter()
        await asyncio.gather(*(member(i) for i in range(members)))
        elapsed = time.perf_counter() - began
        await settle(env, settle_tries)
        assert not env.errors, env.errors
    return elapsed, samples


async def netgain_load(requests: int, members: int, folder: Path) -> tuple[float, list[float]]:
    path = folder / "load.db"
    storage = await SQLiteStorage.open(path)
    try:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{path}")  # type: ignore[call-arg]
        return await load(NetGainBot(storage=storage, settings=settings), requests, members)
    finally:
        await storage.close()


async def netgain_pg_load(requests: int, members: int, url: str) -> tuple[float, list[float]]:
    """The same load with NetGain on PostgreSQL, in a schema of its own, dropped afterwards."""
    from bench.postgres_schema import storage_of_its_own

    async with storage_of_its_own(url) as storage:
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        return await load(NetGainBot(storage=storage, settings=settings), requests, members)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * fraction) - 1))]


Figures = tuple[float, float, float]  # requests per second, p50 ms, p99 ms


def figures(elapsed: float, samples: list[float]) -> Figures:
    return (
        len(samples) / elapsed,
        statistics.median(samples) * 1000,
        percentile(samples, 0.99) * 1000,
    )


def timed(run: Callable[[], Coroutine[Any, Any, tuple[float, list[float]]]]) -> Figures:
    """One load, from a heap with no garbage left by the previous one."""
    gc.collect()
    return figures(*asyncio.run(run()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--dir", type=Path, help="folder for the database (default: a temp dir)")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "both"),
        default="both",
        help="both: NetGain on PostgreSQL too, beside SQLite, when a server answers",
    )
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("NETGAIN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1/test"),
    )
    args = parser.parse_args()
    bare: list[Figures] = []
    netgain: list[Figures] = []
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        # Warm-up, so imports and first-use caches are not counted.
        (Path(folder) / "warm").mkdir()
        asyncio.run(load(bare_bot(), min(args.requests, 50), args.members))
        asyncio.run(netgain_load(min(args.requests, 50), args.members, Path(folder) / "warm"))
        for n in range(args.rounds):
            run = Path(folder) / f"run{n}"  # each round starts with an empty database
            run.mkdir()
            bare.append(timed(lambda: load(bare_bot(), args.requests, args.members)))
            netgain.append(timed(lambda: netgain_load(args.requests, args.members, run)))  # noqa: B023
    print(
        f"/log under load: {args.requests} requests from {args.members} members, "
        f"{args.members} in flight, through SimCord; median of {args.rounds} rounds"
    )
    print(f"{'':>22} {'requests/s':>11} {'p50 ms':>9} {'p99 ms':>9}")
    medians = {}
    for label, rounds in (("bare discord.py /log", bare), ("NetGain /log", netgain)):
        rate, p50, p99 = (statistics.median(column) for column in zip(*rounds, strict=True))
        medians[label] = (rate, p50, p99)
        print(f"{label:>22} {rate:>11.0f} {p50:>9.2f} {p99:>9.2f}")
    (b_rate, b_p50, b_p99), (n_rate, n_p50, n_p99) = medians.values()
    print(
        f"{'ratio NetGain / bare':>22} {n_rate / b_rate:>11.2f} {n_p50 / b_p50:>9.2f} "
        f"{n_p99 / b_p99:>9.2f}"
    )
    for n, (b, g) in enumerate(zip(bare, netgain, strict=True), start=1):
        print(f"{f'round {n}':>22} {g[0] / b[0]:>11.2f} {g[1] / b[1]:>9.2f} {g[2] / b[2]:>9.2f}")
    if args.backend == "both":
        on_postgresql(args, medians["NetGain /log"])
    print(
        f"targets: throughput ratio >= 0.5 ({'met' if n_rate / b_rate >= 0.5 else 'not met'}), "
        f"p50 ratio <= 2 ({'met' if n_p50 / b_p50 <= 2 else 'not met'})"
    )


PG_REQUESTS = 200  # fewer than on SQLite: see `on_postgresql`


def on_postgresql(args: Any, sqlite: Figures) -> None:
    """NetGain's /log on PostgreSQL, printed beside SQLite's: 200 requests a round, since
    SimCord's tracking of every cross-thread hop (one per statement here) slows this path far
    more than a real event loop does."""
    import asyncpg

    async def reachable() -> None:
        await (await asyncpg.connect(args.postgresql, timeout=5)).close()

    try:
        asyncio.run(reachable())
    except (OSError, asyncpg.PostgresError) as error:
        print(f"PostgreSQL: no server answers at {args.postgresql} ({error}); SQLite only")
        return
    requests = min(args.requests, PG_REQUESTS)
    rounds = [
        timed(lambda: netgain_pg_load(requests, args.members, args.postgresql))
        for _ in range(args.rounds)
    ]
    rate, p50, p99 = (statistics.median(column) for column in zip(*rounds, strict=True))
    print(f"on PostgreSQL ({requests} requests a round, through SimCord):")
    print(f"{'NetGain on PostgreSQL':>22} {rate:>11.0f} {p50:>9.2f} {p99:>9.2f}")
    print(
        f"{'PostgreSQL / SQLite':>22} {rate / sqlite[0]:>11.2f} {p50 / sqlite[1]:>9.2f}"
        f" {p99 / sqlite[2]:>9.2f}"
    )


if __name__ == "__main__":
    main()
