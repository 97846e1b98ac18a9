"""The NetGain bot: resources are built by the caller and injected, extensions load here."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot.domain.schedule import DEFAULT_GRACE
from bot.drain import InFlight
from bot.errors import NetGainTree
from bot.settings import Settings
from bot.sync import sync_commands
from storage import Storage

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.tracking",
    "cogs.setup",
    "cogs.me",
    "cogs.digest",
    "cogs.reminders",
    "cogs.help",
)


def make_scheduler() -> AsyncIOScheduler:
    """APScheduler on the bot's event loop, set so that a busy loop cannot silently drop a run:
    a late job still runs within the grace period (and coalesces if it fell behind twice),
    and never twice at once."""
    return AsyncIOScheduler(
        timezone=UTC,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(DEFAULT_GRACE.total_seconds()),
        },
    )


def intents() -> discord.Intents:
    """Guild events only: slash commands need no privileged intent, nor message content."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class NetGainBot(commands.Bot):
    def __init__(
        self,
        *,
        storage: Storage[Any],
        settings: Settings,
        clock: Callable[[], datetime] = discord.utils.utcnow,
        force_sync: bool = False,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=NetGainTree,
            # Nobody is pinged unless a message opts one member in explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,
            chunk_guilds_at_startup=False,
        )
        self.storage = storage
        self.settings = settings
        self._clock = clock
        self.force_sync = force_sync
        self.scheduler = make_scheduler()
        self.in_flight = InFlight()
        # Who holds a digest claim: unique per running bot, readable in the database.
        self.instance_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def now(self) -> datetime:
        """The current aware UTC instant (injectable, so tests run on virtual time)."""
        return self._clock()

    async def setup_hook(self) -> None:
        # Started here, once: on_ready fires again after every reconnect.
        self.scheduler.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await sync_commands(self, force=self.force_sync)

    async def close(self) -> None:
        # Commands in flight finish and are answered first (no job starts meanwhile); then
        # the scheduler, then the connection (the caller closes the database last).
        if self.scheduler.running:
            self.scheduler.pause()
        await self.in_flight.drain()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await super().close()

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("Unhandled error in event %s", event_method)
