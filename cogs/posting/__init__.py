"""Posting: log one published post's own numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.posting.cog import Posting

if TYPE_CHECKING:
    from bot.client import NetGainBot


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Posting(bot))
