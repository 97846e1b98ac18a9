"""Stopping lets admitted interactions finish (up to a limit) and turns new ones away.

The whole path, with SIGTERM and a real process, is in test_process.py; these show each part
in the process, on SimCord and plain asyncio.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from bot.drain import RESTARTING, InFlight
from tests.cogs.test_typo_guard import jump
from tests.conftest import World


async def test_a_command_arriving_while_stopping_is_told_to_retry(world: World) -> None:
    await world.env.bot.in_flight.drain()  # nothing in flight: closing at once
    reply = await world.alice.slash(world.channel, "log", followers=1200, following=300)
    assert reply.ephemeral
    assert reply.response.content == RESTARTING
    assert world.readings() == 0
    choices = await world.alice.autocomplete(world.channel, "me", "timezone", "berl")
    assert choices == []


async def test_a_button_pressed_while_stopping_is_told_to_retry(world: World) -> None:
    asked = await jump(world)
    await world.env.bot.in_flight.drain()
    pressed = await world.alice.click(asked.response.message, label="Confirm")
    assert pressed.ephemeral
    assert pressed.response.content == RESTARTING
    assert world.readings() == 1


async def admitted_task(in_flight: InFlight, release: asyncio.Event) -> asyncio.Task[None]:
    admitted = asyncio.Event()

    async def command() -> None:
        # An admitted interaction is not looked at; only a refused one is answered.
        assert await in_flight.admit(cast(Any, None))
        admitted.set()
        await release.wait()

    task = asyncio.create_task(command())
    await admitted.wait()
    return task


async def test_drain_waits_for_what_was_admitted() -> None:
    in_flight = InFlight()
    release = asyncio.Event()
    task = await admitted_task(in_flight, release)
    draining = asyncio.create_task(in_flight.drain())
    release.set()
    await draining
    # Had the drain not waited, the command would still be pending here.
    assert task.done() and not task.cancelled()
    assert len(in_flight) == 0


async def test_drain_cancels_what_outlasts_its_limit() -> None:
    in_flight = InFlight(limit=0.01)
    task = await admitted_task(in_flight, asyncio.Event())  # never released
    await in_flight.drain()
    assert task.cancelled()
