"""Helpers for the scheduled half's tests: a simulated server, and a simulated restart."""

from __future__ import annotations

from pathlib import Path

import discord
from simcord import Env

from bot.client import NetGainBot
from bot.settings import Settings
from storage.sqlite import SQLiteStorage


class Server:
    """A simulated server with an admin (Manage Server), two members and a digest channel."""

    def __init__(self, env: Env, name: str = "Creators") -> None:
        self.env = env
        self.guild = env.create_guild(name=name)
        self.general = self.guild.create_text_channel("general")
        self.digest = self.guild.create_text_channel("weekly-digest")
        admins = self.guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
        self.admin = self.guild.add_member(env.create_user(f"{name}-admin"), roles=[admins])
        self.alice = self.guild.add_member(env.create_user(f"{name}-alice"))
        self.bob = self.guild.add_member(env.create_user(f"{name}-bob"))

    async def setup_digest(self, **options: object):  # type: ignore[no-untyped-def]
        return await self.admin.slash(self.general, "setup digest", channel=self.digest, **options)

    def digests(self) -> list[discord.Message]:
        return [m for m in self.digest.history() if m.author.bot]

    def text(self) -> str:
        """Everything the digest channel shows: content, embed titles, descriptions, fields."""
        parts: list[str] = []
        for message in self.digests():
            parts.append(message.content)
            for embed in message.embeds:
                parts += [embed.title or "", embed.description or ""]
                parts += [f"{f.name}: {f.value}" for f in embed.fields]
        return "\n".join(parts)


async def restart(env: Env, db_path: Path, settings: Settings) -> SQLiteStorage:
    """A new process: the old bot's scheduler stops, a new bot opens the same database."""
    if env.bot.scheduler.running:
        env.bot.scheduler.shutdown(wait=False)
    storage = await SQLiteStorage.open(db_path)
    await env.restart_bot(NetGainBot(storage=storage, settings=settings))
    return storage
