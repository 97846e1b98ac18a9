"""Run NetGain's real start-up and shutdown path with SimCord standing in for Discord.

`python -m tests.support.serve_simulated` reads the same settings as `netgain`, prints
`ready` once the bot is connected to the simulated Discord, and serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import asyncio

import simcord

from bot.client import NetGainBot
from bot.logs import setup_logging
from bot.runner import run
from bot.settings import load_settings


async def connect(bot: NetGainBot) -> None:
    async with simcord.run(bot):
        print("ready", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    settings = load_settings()
    setup_logging(settings.log_level)
    asyncio.run(run(settings, connect))


if __name__ == "__main__":
    main()
