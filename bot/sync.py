"""Sync slash commands only when their definitions changed (or when asked to).

Discord rate-limits command syncs hard; syncing on every start wastes them. The hash of what
was last synced, per application and scope, is kept in the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.client import NetGainBot

log = logging.getLogger(__name__)


def command_payload(bot: NetGainBot, guild: discord.abc.Snowflake | None) -> list[object]:
    return [command.to_dict(bot.tree) for command in bot.tree.get_commands(guild=guild)]


def payload_hash(payload: list[object]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def sync_commands(bot: NetGainBot, *, force: bool) -> bool:
    """Push the command tree to Discord when it changed; True when a sync was made."""
    guild_id = bot.settings.dev_guild_id
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        bot.tree.copy_global_to(guild=guild)
    scope = f"guild {guild_id}" if guild_id else "all servers"
    digest = payload_hash(command_payload(bot, guild))
    key = f"command_sync:{bot.application_id}:{guild_id or 'global'}"
    if not force and await bot.storage.get_state(key) == digest:
        log.info("Slash commands unchanged since the last sync (%s); not syncing", scope)
        return False
    try:
        synced = await bot.tree.sync(guild=guild)
    except discord.HTTPException:
        log.exception("Syncing slash commands to %s failed; will try again at next start", scope)
        return False
    await bot.storage.set_state(key, digest)
    log.info("Synced %d slash commands to %s", len(synced), scope)
    return True
