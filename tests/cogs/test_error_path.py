"""Unexpected failures are logged with context and the member gets a short apology."""

from __future__ import annotations

import logging

import pytest

from bot.errors import APOLOGY
from storage.sqlite import SQLiteStorage
from tests.conftest import World


async def test_an_unexpected_error_is_logged_with_context_and_apologised_for(
    world: World, storage: SQLiteStorage, caplog: pytest.LogCaptureFixture
) -> None:
    await storage.close()  # the database goes away under the bot
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        result = await world.alice.slash(world.channel, "log", followers=1200, following=300)

    assert result.ephemeral
    assert result.response.content == APOLOGY
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith("Unexpected error in /log")
    assert "'followers': 1200" in message
    assert f"user={world.alice.id}" in message
    assert f"guild={world.guild.id}" in message
    assert record.exc_info is not None
    [error] = world.env.errors
    assert isinstance(error.__cause__ or error.original, Exception)


async def test_a_failing_button_is_apologised_for_too(
    world: World, storage: SQLiteStorage, caplog: pytest.LogCaptureFixture
) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    prompt = await world.alice.slash(world.channel, "log", followers=9000, following=300)
    await storage.close()
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        pressed = await world.alice.click(prompt.response.message, label="Confirm")

    assert pressed.ephemeral
    assert pressed.response.content == APOLOGY
    assert caplog.records[0].getMessage().startswith("Unexpected error in component")
    assert len(world.env.errors) == 1
