"""Commands are synced when their definitions change, or when asked; not on every start."""

from __future__ import annotations

from pathlib import Path

import discord
from simcord import Env

from bot.client import NetGainBot
from bot.settings import Settings
from storage.sqlite import SQLiteStorage
from tests.support.db import query


def syncs(env: Env) -> list[str]:
    return [r.path for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]


class BotWithPing(NetGainBot):
    """The same bot after a release that added one command."""

    async def setup_hook(self) -> None:
        @self.tree.command(name="ping", description="Check the bot answers")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

        await super().setup_hook()


async def restart(
    env: Env,
    bot_class: type[NetGainBot],
    settings: Settings,
    storage: SQLiteStorage,
    **options: object,
) -> list[str]:
    before = len(syncs(env))
    await env.restart_bot(bot_class(storage=storage, settings=settings, **options))  # type: ignore[arg-type]
    return syncs(env)[before:]


async def test_first_start_syncs_and_keeps_the_hash(simcord_env: Env, db_path: Path) -> None:
    app = simcord_env.bot.application_id
    assert syncs(simcord_env) == [f"/applications/{app}/commands"]
    [(key, digest)] = query(db_path, "SELECT key, value FROM bot_state")
    assert key == f"command_sync:{app}:global"
    assert len(digest) == 64


async def test_a_restart_with_the_same_commands_does_not_sync(
    simcord_env: Env, settings: Settings, storage: SQLiteStorage
) -> None:
    assert await restart(simcord_env, NetGainBot, settings, storage) == []
    # The commands Discord already has still work.
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("alice"))
    result = await member.slash(channel, "log", followers=1200, following=300)
    assert result.response.embeds[0].title == "TikTok reading logged"


async def test_changed_definitions_sync_again(
    simcord_env: Env, settings: Settings, storage: SQLiteStorage
) -> None:
    assert len(await restart(simcord_env, BotWithPing, settings, storage)) == 1
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("alice"))
    assert "ping" in member.available_commands(channel)


async def test_netgain_sync_forces_a_sync(
    simcord_env: Env, settings: Settings, storage: SQLiteStorage
) -> None:
    assert len(await restart(simcord_env, NetGainBot, settings, storage, force_sync=True)) == 1


async def test_dev_guild_gets_the_commands_instantly(
    simcord_env: Env, settings: Settings, storage: SQLiteStorage
) -> None:
    guild = simcord_env.create_guild(name="Dev")
    dev = settings.model_copy(update={"dev_guild_id": guild.id})
    app = simcord_env.bot.application_id
    assert await restart(simcord_env, NetGainBot, dev, storage) == [
        f"/applications/{app}/guilds/{guild.id}/commands"
    ]
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("alice"))
    result = await member.slash(channel, "log", followers=1200, following=300)
    assert not result.ephemeral
