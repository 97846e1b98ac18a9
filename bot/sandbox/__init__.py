"""The local sandbox: the real bot against a simulated Discord, driven from the keyboard.

Same bot class, cogs, storage and start-up path as production; only the connection differs:
SimCord stands in for Discord in this process, so no token and no network are needed.
"""

from __future__ import annotations

import getpass
import logging
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.client import NetGainBot
from bot.runner import run
from bot.settings import Settings

DEFAULT_DATABASE = Path("data/sandbox.db")
DEFAULT_OUTPUT = Path("sandbox-output")


@dataclass(frozen=True)
class SandboxOptions:
    database: Path = DEFAULT_DATABASE
    fresh: bool = False
    script: Path | None = None
    name: str | None = None
    output: Path = DEFAULT_OUTPUT


def keyboard_name(explicit: str | None) -> str:
    """The name of the person at the keyboard, usable as a member nickname."""
    raw = explicit or getpass.getuser() or "you"
    cleaned = re.sub(r"[^\w.\-]", "", raw)[:32]
    return cleaned or "you"


def intro(options: SandboxOptions, you: str) -> str:
    return "\n".join(
        (
            "NetGain sandbox: a simulated Discord on this machine; nothing is sent anywhere.",
            "To connect to real Discord, set DISCORD_TOKEN (README: 'Connect to Discord').",
            f"Server 'NetGain Sandbox' with #general and #weekly-digest. You are {you}, "
            "with Manage Server.",
            f"History is kept in {options.database} (--fresh starts empty). "
            "Type /help, :help, or :quit.",
        )
    )


def _wall_clock() -> datetime:
    """The sandbox bot reads the wall clock, which the sandbox moves (see SimulatedTime)."""
    return datetime.now(UTC)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _import_simcord() -> None:
    # SimCord checks discord.py at import with an intent-less probe client, which makes
    # discord.py warn about a disabled guilds intent that the bot itself does have.
    state_log = logging.getLogger("discord.state")
    level = state_log.level
    state_log.setLevel(logging.ERROR)
    try:
        import simcord  # noqa: F401
    finally:
        state_log.setLevel(level)


async def forget_simulated_interactions(bot: NetGainBot) -> None:
    """The simulated Discord numbers its interactions from the same start in every session,
    where Discord never reuses an id: forget those a past session stored, or a new command
    could be taken for one another process already handled (`storage.sqlite_interactions`)."""
    await bot.storage.prune_interactions(bot.now() + timedelta(days=365_000))


async def run_sandbox(settings: Settings, options: SandboxOptions) -> int:
    """Run the sandbox until the person quits (or the script ends); returns the exit status."""
    _import_simcord()
    import simcord

    from bot.sandbox.console import interactive, scripted
    from bot.sandbox.session import CLOCK_KEY, Sandbox

    if options.fresh:
        _remove_database(options.database)
    # The sandbox never touches the configured database, nor a development server.
    # It is one process on a database of its own: an hourly look for work another process
    # left half-done, or settings it changed, is plenty, and keeps `:advance` quick.
    sandbox_settings = settings.model_copy(
        update={
            "database_url": f"sqlite:///{options.database}",
            "dev_guild_id": None,
            "claim_sweep_seconds": max(settings.claim_sweep_seconds, 3600),
            "settings_poll_seconds": max(settings.settings_poll_seconds, 3600),
        }
    )
    you = keyboard_name(options.name)
    status = 0

    async def connect(bot: NetGainBot) -> None:
        nonlocal status
        import time_machine

        from bot.sandbox.clock import SimulatedTime

        # Sandbox time starts now, or where the last session left it if that is later, so the
        # sandbox's history never sees time run backwards. The wall clock (which the bot and
        # its scheduler read) is set before the bot starts, so jobs are scheduled against it.
        await forget_simulated_interactions(bot)
        stored = await bot.storage.get_state(CLOCK_KEY)
        start = max(datetime.now(UTC), datetime.fromisoformat(stored or "2000-01-01T00:00Z"))
        with time_machine.travel(start, tick=False) as traveller:
            async with simcord.run(bot, check_errors=False) as env:
                sandbox = Sandbox(
                    env,
                    bot,
                    you=you,
                    clock=SimulatedTime(env, traveller, lambda: bot.scheduler),
                    output=options.output,
                    colour=sys.stdout.isatty(),
                    follow_wall_clock=options.script is None,
                )
                await sandbox.open()
                print(intro(options, you), flush=True)
                try:
                    if options.script is not None:
                        status = await scripted(sandbox, options.script)
                    else:
                        history = options.database.parent / ".sandbox_history"
                        status = await interactive(sandbox, history)
                finally:
                    await sandbox.close()

    # The simulated Discord forgets its commands when the process ends: sync every time.
    await run(sandbox_settings, connect, force_sync=True, stop_on_signals=False, clock=_wall_clock)
    return status
