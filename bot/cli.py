"""The `netgain` command.

`netgain` connects to Discord when DISCORD_TOKEN is set and opens the local sandbox when it
is not; `netgain run`, `netgain sync` and `netgain sandbox` choose explicitly.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import NoReturn

import aiohttp
import discord

from bot.client import NetGainBot
from bot.logs import setup_logging
from bot.runner import run
from bot.sandbox import DEFAULT_DATABASE, DEFAULT_OUTPUT, SandboxOptions, run_sandbox
from bot.settings import Settings, SettingsError, load_settings
from storage import StorageError

log = logging.getLogger("netgain")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netgain",
        description="NetGain: log follower counts and read net followers, in Discord. "
        "With no command: connect to Discord if DISCORD_TOKEN is set, else open the sandbox.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="connect to Discord and serve")
    commands.add_parser("sync", help="push the slash commands to Discord now, then exit")
    sandbox = commands.add_parser(
        "sandbox", help="try NetGain against a simulated Discord on this machine (no token)"
    )
    sandbox.add_argument("--script", type=Path, help="run the lines of FILE, then exit")
    sandbox.add_argument("--fresh", action="store_true", help="start with an empty database")
    sandbox.add_argument(
        "--database",
        type=Path,
        default=DEFAULT_DATABASE,
        help=f"the sandbox's own database file (default: {DEFAULT_DATABASE})",
    )
    sandbox.add_argument("--name", help="your name in the sandbox (default: your login name)")
    migrate = commands.add_parser(
        "migrate", help="copy a SQLite database into PostgreSQL (safe to run again)"
    )
    migrate.add_argument("--from", dest="source", required=True, help="sqlite:///path.db")
    migrate.add_argument("--to", dest="target", required=True, help="postgresql://…")
    migrate.add_argument(
        "--force", action="store_true", help="replace what the target already holds"
    )
    return parser


def _stop(message: str, code: int) -> NoReturn:
    print(f"netgain: {message}", file=sys.stderr)
    raise SystemExit(code) from None


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        _stop(f"{error}", 2)
    command = args.command or ("run" if settings.discord_token else "sandbox")
    try:
        if command == "sandbox":
            raise SystemExit(_sandbox(settings, args))
        if command == "migrate":
            raise SystemExit(asyncio.run(_migrate(settings, args)))
        _connect(settings, sync_only=command == "sync")
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


def _sandbox(settings: Settings, args: argparse.Namespace) -> int:
    # The console is the sandbox's screen: warnings only, unless LOG_LEVEL asks for DEBUG.
    # A token in the environment is never used here, and never written either.
    level = "DEBUG" if settings.log_level == "DEBUG" else "WARNING"
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    setup_logging(level, token)
    options = SandboxOptions(
        database=getattr(args, "database", DEFAULT_DATABASE),
        fresh=getattr(args, "fresh", False),
        script=getattr(args, "script", None),
        name=getattr(args, "name", None),
        output=DEFAULT_OUTPUT,
    )
    if options.script is not None and not options.script.is_file():
        _stop(f"no script at {options.script}", 2)
    return asyncio.run(run_sandbox(settings, options))


async def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    """Copy --from (SQLite) into --to (PostgreSQL), with a progress bar, then count."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
    from rich.table import Table

    from storage.copy import copy_database
    from storage.postgres import PostgresStorage
    from storage.sqlite import SQLiteStorage
    from storage.url import PostgresTarget, SQLiteTarget, parse_database_url

    setup_logging("WARNING")
    try:
        source, target = parse_database_url(args.source), parse_database_url(args.target)
    except ValueError as error:
        _stop(f"--from/--to: {error}", 2)
    if not isinstance(source, SQLiteTarget) or not isinstance(target, PostgresTarget):
        _stop("migrate copies from a sqlite:/// database to a postgresql:// one", 2)
    if not source.path.is_file():
        _stop(f"no SQLite database at {source.path}", 2)
    console = Console(stderr=True)
    opened_source = await SQLiteStorage.open(source.path)
    try:
        opened_target = await PostgresStorage.open(
            target.dsn, pool_size=min(settings.database_pool_size, 2)
        )
        try:
            with Progress(
                TextColumn("{task.description:<24}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
            ) as bar:
                tasks: dict[str, TaskID] = {}

                def advance(table: str, done: int, total: int) -> None:
                    if table not in tasks:
                        label = table if total else f"{table} (empty)"
                        tasks[table] = bar.add_task(label, total=max(total, 1))
                    bar.update(tasks[table], completed=done if total else 1)

                counted = await copy_database(
                    opened_source, opened_target, force=args.force, progress=advance
                )
        finally:
            await opened_target.close()
    finally:
        await opened_source.close()
    table = Table("table", "SQLite rows", "PostgreSQL rows", "")
    for row in counted:
        table.add_row(
            row.table, f"{row.source:,}", f"{row.target:,}", "ok" if row.matches else "DIFFERS"
        )
    Console().print(table)
    if all(row.matches for row in counted):
        print("Copied: every table holds the same rows on both sides.")
        return 0
    print("The counts differ: the copy was kept, but check the tables marked DIFFERS.")
    return 1


def _connect(settings: Settings, *, sync_only: bool) -> None:
    try:
        token = settings.require_token()
    except SettingsError as error:
        _stop(f"{error}", 2)
    setup_logging(settings.log_level, token)

    async def serve(bot: NetGainBot) -> None:
        await bot.start(token)

    async def sync(bot: NetGainBot) -> None:
        await bot.login(token)  # setup_hook runs here and syncs

    asyncio.run(run(settings, sync if sync_only else serve, force_sync=sync_only))
