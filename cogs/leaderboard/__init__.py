"""The leaderboard: a server's members ranked over a period."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.leaderboard.cog import Leaderboard

if TYPE_CHECKING:
    from bot.client import NetGainBot


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Leaderboard(bot))
