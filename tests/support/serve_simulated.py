"""Run NetGain's real start-up and shutdown path with SimCord standing in for Discord.

`python -m tests.support.serve_simulated` reads the same settings as `netgain`, prints
`ready` once the bot is connected to the simulated Discord, and serves until SIGTERM/SIGINT.

While it serves, each line on stdin is a slash command a member sends, as JSON:
`["a", "log", {"followers": 1200, "following": 300}]` (a label, the command, its options).
It is sent at once, without waiting for earlier ones, and what happens to it is printed on
stdout as JSON lines: `{"admitted": "a"}` once the bot has taken it on, and
`{"reply": "a", "content": ..., "embeds": [titles], "ephemeral": ...}` when it is answered.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import discord
import simcord
from simcord import Env

from bot.client import NetGainBot
from bot.logs import setup_logging
from bot.runner import run
from bot.sandbox import forget_simulated_interactions
from bot.settings import load_settings
from tests.support.simulated import send_slash


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def report_admissions(bot: NetGainBot, labels: dict[int, str]) -> None:
    admit = bot.in_flight.admit

    async def admitted(interaction: discord.Interaction[Any]) -> bool:
        taken = await admit(interaction)
        if taken and interaction.id in labels:
            emit(admitted=labels[interaction.id])
        return taken

    bot.in_flight.admit = admitted  # type: ignore[method-assign]


def report_reply(env: Env, record: Any, label: str) -> None:
    respond = record.respond_with_message

    def responded(message_id: int, *, ephemeral: bool) -> None:
        respond(message_id, ephemeral=ephemeral)
        message = env.backend.get_message(record.channel_id, message_id)
        embeds = [embed.get("title") for embed in message.embeds]
        emit(reply=label, content=message.content, embeds=embeds, ephemeral=ephemeral)

    record.respond_with_message = responded


async def serve_commands(env: Env, bot: NetGainBot) -> None:
    guild = env.create_guild(name="Creators")
    general = guild.create_text_channel("general")
    member = guild.add_member(env.create_user("alex"))
    labels: dict[int, str] = {}
    report_admissions(bot, labels)
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print("ready", flush=True)
    while line := await reader.readline():
        label, name, options = json.loads(line)
        record = send_slash(member, general, name, **options)
        labels[record.id] = label
        report_reply(env, record, label)
    await asyncio.Event().wait()


async def connect(bot: NetGainBot) -> None:
    await forget_simulated_interactions(bot)
    async with simcord.run(bot) as env:
        await serve_commands(env, bot)


def main() -> None:
    settings = load_settings()
    setup_logging(settings.log_level)
    # Each run starts a new simulated Discord that knows no commands (Discord itself keeps
    # them), so the commands are synced whatever the database says was synced last time.
    asyncio.run(run(settings, connect, force_sync=True))


if __name__ == "__main__":
    main()
