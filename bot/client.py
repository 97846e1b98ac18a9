"""The NetGain bot: resources are built by the caller and injected, extensions load here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import discord
from discord.ext import commands

from bot.errors import NetGainTree
from bot.settings import Settings
from bot.sync import sync_commands
from storage import Storage

log = logging.getLogger(__name__)

EXTENSIONS = ("cogs.tracking", "cogs.help")


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

    def now(self) -> datetime:
        """The current aware UTC instant (injectable, so tests run on virtual time)."""
        return self._clock()

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await sync_commands(self, force=self.force_sync)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("Unhandled error in event %s", event_method)
