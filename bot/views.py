"""Buttons that only the member who ran the command can press."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import reply_ephemeral, report_error

log = logging.getLogger(__name__)

OnPress = Callable[[discord.Interaction[Any]], Awaitable[None]]


class OwnedView(discord.ui.View):
    def __init__(self, owner: discord.abc.User, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner = owner

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if not await interaction.client.in_flight.admit(interaction):
            return False
        if interaction.user.id == self.owner.id:
            return True
        await reply_ephemeral(
            interaction,
            f"Only {self.owner.mention} can press these buttons. "
            "Run the command yourself to get your own.",
        )
        return False

    async def on_error(
        self,
        interaction: discord.Interaction[Any],
        error: Exception,
        item: discord.ui.Item[Any],
    ) -> None:
        await report_error(interaction, error)


class ConfirmView(OwnedView):
    """Confirm / Cancel for the member who ran the command; Cancel or a timeout changes nothing.

    `on_confirm` does the work and answers the button press (usually by editing the message).
    """

    def __init__(
        self,
        owner: discord.abc.User,
        *,
        origin: discord.Interaction[Any],
        on_confirm: OnPress,
        cancelled: str,
        expired: str,
        confirm_label: str = "Confirm",
        cancel_label: str = "Cancel",
        timeout: float = 180,
    ) -> None:
        super().__init__(owner, timeout=timeout)
        self.origin = origin
        self._on_confirm = on_confirm
        self._cancelled = cancelled
        self._expired = expired
        self.confirm.label = confirm_label
        self.cancel.label = cancel_label

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success)
    async def confirm(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ConfirmView]
    ) -> None:
        self.stop()
        await self._on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ConfirmView]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(content=self._cancelled, embed=None, view=None)

    async def on_timeout(self) -> None:
        try:
            await self.origin.edit_original_response(content=self._expired, embed=None, view=None)
        except discord.HTTPException:
            log.warning("Could not mark an expired confirmation on interaction %s", self.origin.id)
