"""One process of a sharded NetGain fleet, for the tests of several processes on one database.

`python -m tests.support.shard_process NAME` reads the same settings as `netgain`
(DATABASE_URL, SHARD_COUNT, SHARD_IDS, ...) and runs the real start-up path against a
simulated Discord of its own, which holds only a server on this process's first shard, as
Discord's gateway routes each server to its shard's session alone.

Its server, named NAME (`tests.scheduled.support.Server`), gets a digest channel through
/setup, and a member logs twice through /log. The process then prints `ready` and waits for
one line on stdin: the go-ahead, sent once every process of the fleet has stored its server,
so that each finds the others' in the database. It runs on to the day after the first
Monday's digest slot in simulated time, and prints one JSON line:
`{"guild": id, "digests": [ids of the messages it posted there]}`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta

import simcord
import time_machine

from bot.client import NetGainBot
from bot.logs import setup_logging
from bot.runner import run
from bot.sandbox import forget_simulated_interactions
from bot.sandbox.clock import SimulatedTime
from bot.settings import load_settings
from tests.scheduled.support import Server

SIMCORD_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # where SimCord's own clock starts
SLOT = datetime(2026, 1, 5, 9, tzinfo=UTC)  # the first Monday's digest, at the default time


async def _go_ahead() -> None:
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.readline()


def serve(name: str, shard: int) -> object:
    async def connect(bot: NetGainBot) -> None:
        await forget_simulated_interactions(bot)
        with time_machine.travel(SIMCORD_EPOCH, tick=False) as traveller:
            async with simcord.run(bot) as env:
                clock = SimulatedTime(env, traveller, lambda: bot.scheduler)
                # Each simulated Discord numbers its objects from the same instant; starting
                # an hour apart per shard keeps one fleet's ids (interactions included) apart.
                await clock.advance(timedelta(hours=1 + shard))
                server = Server(env, name, shard_id=shard)
                await server.setup_digest()
                await server.alice.slash(server.general, "log", followers=1_000, following=100)
                await clock.advance(timedelta(days=1))
                await server.alice.slash(server.general, "log", followers=1_100, following=100)
                print("ready", flush=True)
                await _go_ahead()
                await clock.advance_to(SLOT + timedelta(days=1))
                posted = [message.id for message in server.digests()]
                print(json.dumps({"guild": server.guild.id, "digests": posted}), flush=True)

    return connect


def main() -> None:
    settings = load_settings()
    setup_logging(settings.log_level)
    shard = int((settings.shard_ids or "0").split(",")[0])
    connect = serve(sys.argv[1], shard)
    asyncio.run(
        run(
            settings,
            connect,  # type: ignore[arg-type]
            force_sync=True,
            stop_on_signals=False,
            clock=lambda: datetime.now(UTC),  # the wall clock, which simulated time moves
        )
    )


if __name__ == "__main__":
    main()
