"""The weekly digest: scheduled per server, posted exactly once, previewed and sent by admins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.digest.cog import Digest

if TYPE_CHECKING:
    from bot.client import NetGainBot


async def setup(bot: NetGainBot) -> None:
    await bot.add_cog(Digest(bot))
