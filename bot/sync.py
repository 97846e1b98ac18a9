"""Sync slash commands only when their definitions changed (or when asked to).

Discord rate-limits command syncs hard; syncing on every start wastes them. The hash of what
was last synced, per application and scope, is kept in the database, and a lease there lets
one process at a time check and sync: a fleet restarting together syncs a change once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.client import NetGainBot

log = logging.getLogger(__name__)

SYNC_LEASE = "command-sync"
SYNC_HOLD = timedelta(minutes=2)  # a sync that takes longer (a stopped process) is let go
IDENTIFY_GAP = timedelta(seconds=5.5)  # Discord's five seconds, and a little margin
TURN_POLL = 0.5  # seconds between two looks at a lease another process holds


def command_payload(bot: NetGainBot, guild: discord.abc.Snowflake | None) -> list[object]:
    return [command.to_dict(bot.tree) for command in bot.tree.get_commands(guild=guild)]


def payload_hash(payload: list[object]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def sync_commands(bot: NetGainBot, *, force: bool, owner: str | None = None) -> bool:
    """Push the command tree to Discord when it changed; True when a sync was made.

    `owner`: who holds the sync lease meanwhile (this process, by default)."""
    guild_id = bot.settings.dev_guild_id
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        bot.tree.copy_global_to(guild=guild)
    scope = f"guild {guild_id}" if guild_id else "all servers"
    digest = payload_hash(command_payload(bot, guild))
    key = f"command_sync:{bot.application_id}:{guild_id or 'global'}"
    holder = owner or bot.instance_id
    if force:
        # Asked for (`netgain sync`, or a simulated Discord that starts with no commands):
        # no turn to wait for, and nothing another process could have done instead.
        return await _sync(bot, guild, key, digest, scope)
    if await bot.storage.get_state(key) == digest:
        log.info("Slash commands unchanged since the last sync (%s); not syncing", scope)
        return False
    await _take_turn(bot, SYNC_LEASE, holder, SYNC_HOLD)
    try:
        # Another process may have synced this very change while this one waited its turn.
        if await bot.storage.get_state(key) == digest:
            log.info("Slash commands were just synced by another process (%s)", scope)
            return False
        return await _sync(bot, guild, key, digest, scope)
    finally:
        await bot.storage.drop_lease(SYNC_LEASE, holder)


async def _sync(
    bot: NetGainBot, guild: discord.Object | None, key: str, digest: str, scope: str
) -> bool:
    try:
        synced = await bot.tree.sync(guild=guild)
    except discord.HTTPException:
        log.exception("Syncing slash commands to %s failed; will try at next start", scope)
        return False
    await bot.storage.set_state(key, digest)
    log.info("Synced %d slash commands to %s", len(synced), scope)
    return True


async def _take_turn(bot: NetGainBot, name: str, owner: str, hold: timedelta) -> None:
    """Wait until this process holds the lease `name` (held `hold` at most, then free)."""
    # Another process holds it: only the database can say when it is free, so look again.
    while True:
        if await bot.storage.take_lease(name, owner, now=bot.now(), until=bot.now() + hold):
            return
        await _pause(TURN_POLL)


async def _pause(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def pace_identify(bot: NetGainBot, shard_id: int, max_concurrency: int) -> None:
    """Wait for this shard's turn to IDENTIFY: Discord allows `max_concurrency` of them per
    five seconds across every process of the bot, one per bucket (`shard_id %
    max_concurrency`); the lease of a bucket lasts those five seconds."""
    bucket = shard_id % max(max_concurrency, 1)
    await _take_turn(bot, f"identify:{bucket}", f"{bot.instance_id}:{shard_id}", IDENTIFY_GAP)
