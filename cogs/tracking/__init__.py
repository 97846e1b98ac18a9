"""Tracking: log counts, read net followers and history, undo a reading."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.tracking.cog import Tracking

if TYPE_CHECKING:
    from bot.client import NetGainBot


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Tracking(bot))
