"""Secrets stay out of everything NetGain writes: the bot token, and interaction tokens (each
lets whoever holds it answer as the bot for 15 minutes), at every log level."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest

from bot.logs import redact_handler, setup_logging
from tests.conftest import World
from tests.support.process import netgain

TOKEN = "MTA0NTY3ODkwMTIzNDU2Nzg5.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture
def debug_logging() -> Iterator[io.StringIO]:
    """NetGain's own logging set-up at DEBUG, writing to a buffer the test reads."""
    root = logging.getLogger()
    level = root.level
    added = setup_logging("DEBUG", TOKEN)
    written = io.StringIO()
    for handler in added:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(written)
    yield written
    for handler in added:
        root.removeHandler(handler)
    root.setLevel(level)


async def test_nothing_written_at_debug_holds_a_token(
    world: World, debug_logging: io.StringIO
) -> None:
    logging.getLogger("netgain.test").info("starting with %s", TOKEN)
    await world.alice.slash(world.channel, "log", followers=1_000, following=300)
    await world.alice.slash(world.channel, "history")  # deferred, then a follow-up
    tokens = {
        r.path.split("/")[3]
        for r in world.env.http_requests
        if r.path.startswith(("/interactions/", "/webhooks/"))
    }
    assert tokens
    # SimCord answers without discord.py's request log; this is that log's line, as
    # discord.http writes it at DEBUG for every request.
    http = logging.getLogger("discord.http")
    for path in (r.path for r in world.env.http_requests):
        http.debug(
            "%s %s with %s has returned %s",
            "POST",
            f"https://discord.com/api/v10{path}",
            "{}",
            204,
        )
    written = debug_logging.getvalue()
    assert "/interactions/" in written and "DEBUG" in written
    assert TOKEN not in written
    assert [token for token in tokens if token in written] == []


@pytest.mark.slow
def test_a_whole_sandbox_session_at_debug_never_writes_the_token(tmp_path: Path) -> None:
    """The bot, its scheduler and storage in a process of their own, at DEBUG, with a
    recognisable token in the environment: nothing it prints holds the token."""
    script = tmp_path / "session.txt"
    script.write_text(
        "/log followers 1200 following 300\n"
        "/post views 1000 likes 50 comments 5 shares 2\n"
        ":advance 8d\n"
        "/history\n"
    )
    done = netgain(
        tmp_path, "sandbox", "--script", str(script), DISCORD_TOKEN=TOKEN, LOG_LEVEL="DEBUG"
    )
    assert done.returncode == 0, done.stderr
    written = done.stdout + done.stderr
    assert "DEBUG" in written  # it did log at DEBUG
    assert TOKEN not in written
    assert TOKEN.split(".")[0] not in written  # not even its first part
    written_files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".db"]
    assert all(TOKEN.encode() not in p.read_bytes() for p in written_files)


@pytest.mark.parametrize("colour", [False, True])
def test_a_traceback_never_holds_a_token(debug_logging: io.StringIO, colour: bool) -> None:
    """An error from an HTTP library may quote the address it called, interaction token and
    all, or a header with the bot token; the traceback is written without either."""
    interaction = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA"
    written = debug_logging
    if colour:  # discord.py's coloured formatter, used on a terminal, draws its own traceback
        written = io.StringIO()
        handler = logging.StreamHandler(written)
        handler.setFormatter(discord.utils._ColourFormatter())
        redact_handler(handler, TOKEN)
        logging.getLogger().addHandler(handler)
    try:
        raise RuntimeError(
            f"POST https://discord.com/api/v10/webhooks/1/{interaction}/messages failed; "
            f"Authorization: Bot {TOKEN}"
        )
    except RuntimeError:
        logging.getLogger("netgain.test").exception("Could not send")
    if colour:
        logging.getLogger().removeHandler(handler)
    text = written.getvalue()
    assert "Could not send" in text and "RuntimeError" in text and "[redacted]" in text
    assert TOKEN not in text and interaction not in text
