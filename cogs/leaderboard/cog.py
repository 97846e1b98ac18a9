"""/leaderboard [period] [by] [platform]: growth % by default, so small creators can win."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Transform
from discord.ext import commands

from bot.domain.leaderboard import Measure
from bot.domain.models import Period, Platform
from bot.usecases import leaderboard
from cogs.leaderboard import render
from cogs.options import enum_choices
from cogs.tracking.options import PERIOD, PLATFORM

if TYPE_CHECKING:
    from bot.client import NetGainBot

BY = enum_choices("by", list(Measure), lambda measure: measure.value)


class Leaderboard(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    @app_commands.command(name="leaderboard", description="Members ranked by growth and more")
    @app_commands.guild_only()
    @app_commands.describe(
        period="Which calendar period so far, in the server's time zone (default: week)",
        by="Rank by growth % (default), growth, consistency or engagement",
        platform="Only this platform (default: every platform, added up)",
    )
    async def leaderboard(
        self,
        interaction: discord.Interaction[NetGainBot],
        period: Transform[Period, PERIOD] = Period.WEEK,
        by: Transform[Measure, BY] = Measure.GROWTH_PCT,
        platform: Transform[Platform, PLATFORM] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        found = await leaderboard.leaderboard(
            self.bot.storage,
            guild_id=interaction.guild_id,
            viewer_id=interaction.user.id,
            measure=by,
            platform=platform,
            period=period,
            now=self.bot.now(),
        )
        await interaction.response.send_message(
            embed=render.board(found, interaction.user.id),
            allowed_mentions=discord.AllowedMentions.none(),
        )
