"""The `netgain` command: `netgain` (or `netgain run`) serves, `netgain sync` syncs and exits."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import NoReturn

import aiohttp
import discord

from bot.client import NetGainBot
from bot.logs import setup_logging
from bot.runner import run
from bot.settings import SettingsError, load_settings
from storage import StorageError

log = logging.getLogger("netgain")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netgain",
        description="NetGain: log follower counts and read net followers, in Discord.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="connect to Discord and serve (the default)")
    commands.add_parser("sync", help="push the slash commands to Discord now, then exit")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        token = settings.require_token()
    except SettingsError as error:
        _stop(f"{error}", 2)
    setup_logging(settings.log_level, token)

    async def serve(bot: NetGainBot) -> None:
        await bot.start(token)

    async def sync_only(bot: NetGainBot) -> None:
        await bot.login(token)  # setup_hook runs here and syncs

    try:
        asyncio.run(
            run(
                settings,
                sync_only if args.command == "sync" else serve,
                force_sync=args.command == "sync",
            )
        )
    except KeyboardInterrupt:
        pass
    except StorageError as error:
        _stop(f"{error}", 1)
    except discord.LoginFailure:
        _stop(
            "DISCORD_TOKEN was refused by Discord: reset it in the Developer Portal "
            "(Bot > Reset Token) and update .env",
            1,
        )
    except (aiohttp.ClientError, OSError) as error:
        _stop(f"could not reach Discord ({error}); check the network and start again", 1)


def _stop(message: str, code: int) -> NoReturn:
    print(f"netgain: {message}", file=sys.stderr)
    raise SystemExit(code) from None
