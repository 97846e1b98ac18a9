"""One interaction delivered twice (two processes on the same shards): stored once, answered
once, and the second delivery stays quiet instead of logging a traceback."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import discord
import pytest

from tests.conftest import World
from tests.support.db import count_rows
from tests.support.simulated import send_slash_twice


@pytest.mark.parametrize(
    ("command", "options", "table"),
    [
        ("log", {"followers": 1_200, "following": 300}, "readings"),
        ("post", {"views": 1_000, "likes": 50, "comments": 5, "shares": 1}, "posts"),
    ],
)
async def test_a_write_delivered_twice_is_stored_and_answered_once(
    world: World,
    caplog: pytest.LogCaptureFixture,
    command: str,
    options: dict[str, int],
    table: str,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.errors")
    record = send_slash_twice(world.alice, world.channel, command, **options)
    await world.env.settle()
    assert record.responded
    callbacks = [r for r in world.env.http_requests if r.path.endswith("/callback")]
    assert len(callbacks) == 1
    assert count_rows(world.db_path, table) == 1
    assert world.env.errors == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any(
        "Left to the process that handled it first" in r.getMessage() for r in caplog.records
    )


async def test_a_reply_another_process_gave_first_is_not_an_error(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read (/net) delivered to two processes is answered by both; Discord refuses the
    second answer (already acknowledged): that one logs a line, no traceback, no apology."""
    await world.alice.slash(world.channel, "log", followers=1_200, following=300)
    refusal = discord.HTTPException(
        SimpleNamespace(status=400, reason="Bad Request"),  # type: ignore[arg-type]
        {"code": 40060, "message": "Interaction has already been acknowledged."},
    )

    async def already_answered(*args: object, **kwargs: object) -> None:
        raise refusal

    monkeypatch.setattr(discord.InteractionResponse, "send_message", already_answered)
    monkeypatch.setattr(discord.InteractionResponse, "defer", already_answered)
    caplog.set_level(logging.INFO, logger="bot.errors")
    await world.alice.slash(world.channel, "net")
    world.env.errors  # noqa: B018  (the refusal itself, captured)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [r.exc_info for r in caplog.records if r.exc_info] == []
    assert any("Not answered here" in r.getMessage() for r in caplog.records)
