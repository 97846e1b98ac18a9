"""Helpers for the scheduled half's tests: a simulated server, and a simulated restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
from simcord import Env

from bot.client import NetGainBot
from bot.settings import Settings
from storage.sqlite import SQLiteStorage


class Server:
    """A simulated server with an admin (Manage Server), two members and a digest channel."""

    def __init__(self, env: Env, name: str = "Creators", *, shard_id: int | None = None) -> None:
        self.env = env
        self.guild = env.create_guild(name=name, shard_id=shard_id)
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


async def many_members_log(
    storage: SQLiteStorage,
    server: Server,
    count: int,
    name: str,
    *,
    with_posts: bool = False,
    **extra: int,
) -> None:
    """`count` members each log twice in the server's first days (through the use cases,
    quicker than slash commands), under names like `name.format(user)`; `with_posts`, and
    each logs a post with each reading."""
    from bot.domain.models import PostCounts, PostDraft, ReadingDraft
    from bot.usecases import posting, tracking

    start = server.env.now()
    for user in range(1, count + 1):
        for day, followers in ((0, 1000 + user), (2, 1000 + user * 3)):
            await tracking.log_reading(
                storage,
                ReadingDraft(
                    user_id=user,
                    guild_id=server.guild.id,
                    platform=None,
                    followers=followers,
                    following=100,
                    display_name=name.format(user),
                    **{key: value + day for key, value in extra.items()},  # type: ignore[arg-type]
                ),
                now=start + timedelta(days=day, minutes=user),
                confirmed=True,
            )
            if with_posts:
                counts = PostCounts(views=10_000 + user, likes=700, comments=40, shares=9)
                await posting.log_post(
                    storage,
                    PostDraft(user, server.guild.id, None, counts),
                    now=start + timedelta(days=day, minutes=user, seconds=1),
                )


async def restart(env: Env, db_path: Path, settings: Settings) -> SQLiteStorage:
    """A new process: the old bot's scheduler stops, a new bot opens the same database."""
    if env.bot.scheduler.running:
        env.bot.scheduler.shutdown(wait=False)
    storage = await SQLiteStorage.open(db_path)
    await env.restart_bot(NetGainBot(storage=storage, settings=settings))
    return storage


@asynccontextmanager
async def restarted(env: Env, db_path: Path, settings: Settings) -> AsyncIterator[SQLiteStorage]:
    """`restart`, with the new process's database closed at the end."""
    storage = await restart(env, db_path, settings)
    try:
        yield storage
    finally:
        await storage.close()


def posts_to(env: Env, channel_id: int) -> list[Any]:
    """Every message POST the bot sent to one channel, in order (SimCord's request log)."""
    path = f"/channels/{channel_id}/messages"
    return [r for r in env.http_requests if r.method == "POST" and r.path == path]


def close_dms(env: Env, member: Any) -> Any:
    """The member's DMs refuse the bot from now on, as Discord does (403, code 50007)."""
    dm = member.user.dm_channel
    env.inject_error(
        "POST",
        f"/channels/{dm.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    return dm
