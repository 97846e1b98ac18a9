"""Reminders: consistency DMs and the mid-week engagement nudge, in each member's time zone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.reminders.cog import Reminders

if TYPE_CHECKING:
    from bot.client import NetGainBot


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Reminders(bot))
