"""The NetGain bot: resources are built by the caller and injected, extensions load here."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot.drain import InFlight
from bot.errors import NetGainTree
from bot.jobs import Jobs
from bot.pacing import RATE, Pacer
from bot.settings import Settings
from bot.sync import pace_identify, sync_commands
from storage import Storage

log = logging.getLogger(__name__)
# How long a stop waits to hand its unfinished claims over (the database may be locked).
RELEASE_WAIT = 2.0
# Interactions recorded as stored are kept this long, and forgotten this often.
KEEP_INTERACTIONS = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)

EXTENSIONS = (
    "cogs.tracking",
    "cogs.posting",
    "cogs.goals",
    "cogs.leaderboard",
    "cogs.setup",
    "cogs.me",
    "cogs.digest",
    "cogs.reminders",
    "cogs.help",
)


def intents() -> discord.Intents:
    """Guild events only: slash commands need no privileged intent, nor message content."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class NetGainBot(commands.AutoShardedBot):
    def __init__(
        self,
        *,
        storage: Storage[Any],
        settings: Settings,
        clock: Callable[[], datetime] = discord.utils.utcnow,
        force_sync: bool = False,
    ) -> None:
        # One shard unless SHARD_COUNT says more; SHARD_IDS: which of them run here.
        ours = settings.shards
        shards: dict[str, Any] = {"shard_count": ours.count}
        if ours.ids is not None:
            shards["shard_ids"] = list(ours.ids)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=NetGainTree,
            # Nobody is pinged unless a message opts one member in explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,
            chunk_guilds_at_startup=False,
            **shards,
        )
        self.storage = storage
        self.settings = settings
        self.hosted = ours  # the shards, so the servers, this process looks after
        self._clock = clock
        self.force_sync = force_sync
        self.jobs = Jobs(serves=self.serves)
        self.in_flight = InFlight()
        # Digest pages and reminders take turns under Discord's global rate limit, which is
        # the whole bot's: each process takes its shards' share of it.
        self.pacer = Pacer(RATE * ours.share)
        # Who holds a digest claim: unique per running bot, readable in the database.
        self.instance_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._max_concurrency: int | None = None  # Discord's, read before the first IDENTIFY

    @property
    def scheduler(self) -> AsyncIOScheduler:
        """The APScheduler underneath `jobs` (simulated time follows its wake-ups)."""
        return self.jobs.scheduler

    def serves(self, guild_id: int | None) -> bool:
        """Whether this process looks after the server (None: a member with no server): it
        runs the server's shard, and is in it (or not connected yet)."""
        if not self.hosted.hosts(guild_id):
            return False
        return guild_id is None or not self.is_ready() or self.get_guild(guild_id) is not None

    def now(self) -> datetime:
        """The current aware UTC instant (injectable, so tests run on virtual time)."""
        return self._clock()

    async def setup_hook(self) -> None:
        # Started here, once: on_ready fires again after every reconnect.
        self.jobs.start()
        self.jobs.every("forget interactions seen a day ago", self._prune, PRUNE_EVERY)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await sync_commands(self, force=self.force_sync)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Take this shard's turn to IDENTIFY among every process of the bot, so a fleet
        restarting at once does not get its sessions reset (`bot.sync.pace_identify`)."""
        if self._max_concurrency is None:
            try:
                self._max_concurrency = (await self.fetch_session_start_limits()).max_concurrency
            except discord.HTTPException:
                self._max_concurrency = 1
        await pace_identify(self, shard_id or 0, self._max_concurrency)

    async def close(self) -> None:
        # Commands in flight finish and are answered first (no job starts meanwhile); then
        # the scheduler, then the connection (the caller closes the database last).
        self.jobs.pause()
        await asyncio.gather(self.in_flight.drain(), self.jobs.drain())
        self.jobs.shutdown()
        # What this process was posting or sending and did not finish is left for the next
        # one (or another process) to take over at once, not after its lease runs out.
        await self._release_claims()
        await super().close()

    async def _prune(self) -> None:
        try:
            await self.storage.prune_interactions(self.now() - KEEP_INTERACTIONS)
        except Exception:
            log.exception("Could not forget old interactions; trying again later")

    async def _release_claims(self) -> None:
        """Best effort, and quick: a claim not released here expires with its lease."""
        try:
            if not await self.storage.holds_claims(self.instance_id):
                return
            released = await asyncio.wait_for(
                self.storage.release_claims(self.instance_id, now=self.now()), RELEASE_WAIT
            )
            log.info("Released %d unfinished claim(s) for another process to finish", released)
        except Exception:
            log.exception("Could not release this process's claims; they expire on their own")

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("Unhandled error in event %s", event_method)
