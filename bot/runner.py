"""Start-up and shutdown: storage first, then the bot; closed in reverse order.

SIGTERM and Ctrl-C stop the bot (new interactions are turned away, those in flight get up
to 5 s to finish and answer), then close the database, so the process ends within seconds
(aiosqlite's worker thread would otherwise keep it alive).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime

import discord

from bot.client import NetGainBot
from bot.settings import Settings
from storage import open_storage

log = logging.getLogger(__name__)

Connect = Callable[[NetGainBot], Awaitable[None]]

# The collector's youngest pass runs once this many more objects were made than freed
# (Python's default: 700). Building a server's digest holds a few thousand at once (rows,
# readings, its members' weeks) and frees them when done: with the default, about one pass a
# server walked objects still in use, some 4% of building a week's digests
# (`bench/digest.py`); with this, none.
YOUNG_PASS_AFTER = 20_000


async def serve_until_signal(
    running: Awaitable[None], close: Callable[[], Awaitable[None]]
) -> None:
    """Await `running` until it ends or SIGINT/SIGTERM arrives; then `close` either way."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    main = asyncio.ensure_future(running)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({main, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if main.done():
            main.result()
        else:
            log.info("Shutting down")
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
        stopper.cancel()
        await close()
        if not main.done():
            main.cancel()
            with suppress(asyncio.CancelledError):
                await main


def settle_start_up() -> None:
    """Keep what start-up made (modules, the bot, its storage) out of the collector's passes:
    it lives as long as the process, and a full pass would walk it again every few seconds of
    busy work (about 5% of building a week's digests, `bench/digest.py`). Objects made later
    are collected as usual, in passes that wait for more of them (`YOUNG_PASS_AFTER`)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_PASS_AFTER, *gc.get_threshold()[1:])


async def run(
    settings: Settings,
    connect: Connect,
    *,
    force_sync: bool = False,
    stop_on_signals: bool = True,
    clock: Callable[[], datetime] = discord.utils.utcnow,
) -> None:
    """Open storage, build the bot, and serve through `connect` until it ends.

    With `stop_on_signals`, SIGINT and SIGTERM end it too; the sandbox's console handles
    them itself, so that a signal never interrupts a half-run command.
    """
    storage = await open_storage(settings.database_url, pool_size=settings.database_pool_size)
    try:
        bot = NetGainBot(storage=storage, settings=settings, clock=clock, force_sync=force_sync)
        settle_start_up()
        async with bot:
            if stop_on_signals:
                await serve_until_signal(connect(bot), bot.close)
            else:
                await connect(bot)
    finally:
        await storage.close()
