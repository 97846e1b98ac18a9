"""/goal: a follower target per platform. `/goal followers:10000` sets one, `/goal clear:True`
removes it, `/goal` alone lists them; `/net` shows the progress and an estimated date."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Transform
from discord.ext import commands

from bot import format as fmt
from bot.domain.errors import UserError
from bot.domain.metrics import MAX_COUNT
from bot.domain.models import Platform
from bot.errors import defer_when_slow, reply_ephemeral
from bot.usecases import goals
from cogs.options import Whole
from cogs.tracking.options import PLATFORM

if TYPE_CHECKING:
    from bot.client import NetGainBot

FOLLOWERS = Whole("followers", 1, MAX_COUNT, "Type the follower count you aim for, like `10000`.")
HOW_TO = (
    "Set one with `/goal followers:10000` (add `platform:` for another account), remove it "
    "with `/goal clear:True`. `/net` shows your progress and an estimated date."
)


class Goals(commands.Cog):
    def __init__(self, bot: NetGainBot) -> None:
        self.bot = bot

    @app_commands.command(name="goal", description="Set, clear or list your follower goals")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(
        followers="The follower count you aim for",
        platform="Which account (default: your default platform)",
        clear="Remove your goal (on `platform`, or every goal without it)",
    )
    async def goal(
        self,
        interaction: discord.Interaction[NetGainBot],
        followers: Transform[int, FOLLOWERS] | None = None,
        platform: Transform[Platform, PLATFORM] | None = None,
        clear: bool = False,
    ) -> None:
        user_id = interaction.user.id
        if clear:
            if followers is not None:
                raise UserError(
                    "Use either `followers` to set a goal or `clear:True` to remove it, not "
                    "both. Nothing was changed."
                )
            removed = await goals.clear_goals(
                self.bot.storage,
                user_id,
                platform,
                on_slow=defer_when_slow(interaction, ephemeral=True),
            )
            if not removed:
                where = f" on {platform.label}" if platform else ""
                raise UserError(f"You have no goal{where} to remove. {HOW_TO}")
            listed = ", ".join(
                f"{fmt.count(g.followers)} {g.platform.label} followers" for g in removed
            )
            await reply_ephemeral(interaction, f"Removed your goal: {listed}.")
            return
        if followers is None:
            mine = await goals.my_goals(self.bot.storage, user_id)
            if not mine:
                await reply_ephemeral(interaction, f"You have no goals yet. {HOW_TO}")
                return
            lines = [
                f"• {g.platform.label}: **{fmt.count(g.followers)}** followers "
                f"(set {fmt.timestamp(g.set_at, 'R')})"
                for g in mine
            ]
            await reply_ephemeral(interaction, "Your goals:\n" + "\n".join(lines) + f"\n{HOW_TO}")
            return
        done = await goals.set_goal(
            self.bot.storage,
            user_id=user_id,
            guild_id=interaction.guild_id,
            platform=platform,
            followers=followers,
            now=self.bot.now(),
            on_slow=defer_when_slow(interaction, ephemeral=True),
        )
        goal = done.goal
        text = f"Goal set: **{fmt.count(goal.followers)} {goal.platform.label} followers**."
        if done.latest is not None:
            share = done.latest.followers / goal.followers
            text += f" You have {fmt.count(done.latest.followers)} ({share * 100:.0f}%)."
        else:
            text += f" Log your {goal.platform.label} counts with `/log` to see your progress."
        await reply_ephemeral(
            interaction, f"{text} `/net` shows your progress and an estimated date."
        )


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Goals(bot))
