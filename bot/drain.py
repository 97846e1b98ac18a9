"""Interactions in flight, so that a stop lets them finish instead of cutting their replies.

Every slash command, autocomplete and button press passes `admit` first (from the command
tree's and the views' `interaction_check`, inside the task that runs it). Once the bot starts
closing, new ones are refused: answered "NetGain is restarting" while Discord can still be
answered, rather than left to time out with "The application did not respond"; the ones
already admitted get up to `limit` seconds (5) to finish before the connection closes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

log = logging.getLogger(__name__)

DRAIN_SECONDS = 5.0
RESTARTING = "NetGain is restarting; try again in a moment."


class Running:
    """Tasks a stop waits for (up to a limit) and then cancels."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def add(self, task: asyncio.Task[Any]) -> None:
        if task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def finish(self, limit: float, what: str, where: str) -> None:
        """Wait up to `limit` seconds for the tasks running now, then cancel the rest (a
        transaction cancelled half-way rolls back; a claim stays for another to finish)."""
        running = {task for task in self._tasks if task is not asyncio.current_task()}
        if not running:
            return
        log.info("Waiting for %d %s %s (up to %g s)", len(running), what, where, limit)
        _, late = await asyncio.wait(running, timeout=limit)
        if late:
            log.warning("Cancelling %d %s still running", len(late), what)
            for task in late:
                task.cancel()
            await asyncio.wait(late, timeout=1)


class InFlight:
    def __init__(self, limit: float = DRAIN_SECONDS) -> None:
        self.limit = limit
        self._running = Running()
        self.closing = False

    def __len__(self) -> int:
        return len(self._running)

    async def admit(self, interaction: discord.Interaction[Any]) -> bool:
        """True to go on; False once closing, after telling the member if still possible."""
        if not self.closing:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            return True
        log.info("Refused interaction %s: restarting", interaction.id)
        if interaction.client.is_closed() or interaction.response.is_done():
            return False  # the connection is gone: nothing can answer it
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            else:
                await interaction.response.send_message(RESTARTING, ephemeral=True)
        except discord.HTTPException:
            log.warning("Could not tell a late interaction that NetGain is restarting")
        return False

    async def drain(self) -> None:
        """Take no new interactions; wait up to `limit` seconds for the admitted ones, then
        cancel what is left (a transaction cancelled half-way rolls back)."""
        self.closing = True
        await self._running.finish(self.limit, "interaction(s)", "in flight")
