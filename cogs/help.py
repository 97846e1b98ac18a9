"""/help: what NetGain does and every command, in one screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

if TYPE_CHECKING:
    from bot.client import NetGainBot

ABOUT = (
    "NetGain keeps the history of the follower counts you read off your profiles and "
    "answers with your **net followers**, two ways:\n"
    "• **Net followers** = followers − following (1,200 − 300 = 900), with the ratio (4.0×).\n"
    "• **Net growth** over a period = followers at the end − at the start, with the %.\n"
    "Numbers are self-reported: it works for every platform and account size. Log your posts "
    "for engagement rates beside rough benchmarks, set a goal for an estimated date, and see "
    "your history as a chart. Every week the server gets a digest of everyone's growth, and "
    "reminders keep the habit going."
)

# (command, what it does, an example). Every slash command appears here; a test checks it.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "log",
        "Log your counts; a big jump asks you to confirm first.",
        "/log followers:1200 following:300 platform:TikTok",
    ),
    (
        "post",
        "Log one post's views, likes, comments and shares: engagement and posting streak.",
        "/post views:12000 likes:900 comments:40 shares:25",
    ),
    (
        "goal",
        "Set a follower goal (`clear:True` removes it); `/net` shows progress and a date.",
        "/goal followers:10000",
    ),
    (
        "net",
        "Net followers, growth, recent weeks, streaks, goal and engagement.",
        "/net period:month",
    ),
    ("history", "Your readings over a period, with changes.", "/history member:@alex"),
    (
        "leaderboard",
        "Members ranked by growth % (or growth, consistency, engagement).",
        "/leaderboard period:month",
    ),
    ("undo", "Remove your latest reading, after showing it.", "/undo"),
    (
        "edit",
        "Correct or remove any one of your readings, after showing it.",
        "/edit reading:… followers:1250",
    ),
    (
        "me",
        "Your time zone, default platform, reminders, mentions and posting target; `/me` "
        "alone shows them.",
        "/me reminders:off",
    ),
    (
        "privacy",
        "Keep your numbers out of digests, leaderboards and lookups by others.",
        "/privacy hidden:true",
    ),
    ("export", "Your own data as a CSV file, only for you.", "/export"),
    ("import", "Bring a history in from a CSV, after seeing what it adds.", "/import file:…"),
    ("forget", "Delete your data (everything, or only this server), after confirming.", "/forget"),
    (
        "setup",
        "Admins: where and when the weekly digest posts, and reminders.",
        "/setup digest channel:#weekly-digest day:Monday time:09:00",
    ),
    ("digest", "Admins: preview the weekly digest, or post it now.", "/digest preview"),
    ("help", "This screen.", "/help"),
)


def help_embed() -> discord.Embed:
    embed = discord.Embed(title="NetGain", description=ABOUT, colour=discord.Colour(0x5865F2))
    for name, what, example in COMMANDS:
        embed.add_field(name=f"/{name}", value=f"{what}\n`{example}`", inline=False)
    embed.set_footer(
        text="Platforms: TikTok, Instagram, YouTube, X, Twitch · periods: week, month, "
        "quarter, year, all"
    )
    return embed


class Help(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What NetGain does and how to use it")
    async def help(self, interaction: discord.Interaction[NetGainBot]) -> None:
        await interaction.response.send_message(embed=help_embed(), ephemeral=True)


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Help(bot))
