"""A write lock held elsewhere: reads answer at once, /log defers and follows up."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import World
from tests.support.db import WriteLockHolder, count_rows, query


class ReleaseOnDeferral(logging.Handler):
    """Lets the lock go the moment the bot reports that it deferred a slow write."""

    def __init__(self, holder: WriteLockHolder, db_path: Path) -> None:
        super().__init__()
        self.holder = holder
        self.db_path = db_path
        self.readings_at_deferral: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Deferring "):
            self.readings_at_deferral = count_rows(self.db_path, "readings")
            self.holder.release.set()


class CommittedAtAnswer(list):  # type: ignore[type-arg]
    """Notes how many readings another connection sees as each answer goes out."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.seen: list[tuple[str, int | None, int]] = []

    def append(self, entry) -> None:  # type: ignore[no-untyped-def]
        if entry.method == "POST" and (
            entry.path.endswith("/callback") or entry.path.startswith("/webhooks/")
        ):
            kind = "callback" if entry.path.endswith("/callback") else "followup"
            callback_type = entry.json.get("type") if kind == "callback" else None
            self.seen.append((kind, callback_type, count_rows(self.db_path, "readings")))
        super().append(entry)


@pytest.fixture
def deferral_log() -> Iterator[logging.Logger]:
    logger = logging.getLogger("bot.errors")
    level = logger.level
    logger.setLevel(logging.INFO)
    yield logger
    logger.setLevel(level)


async def test_reads_answer_at_once_while_another_connection_holds_the_write_lock(
    world: World,
) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    with WriteLockHolder(world.db_path) as holder:
        net = await world.alice.slash(world.channel, "net")
        history = await world.alice.slash(world.channel, "history")
        undo = await world.alice.slash(world.channel, "undo")
        # Answered while the lock was still held: they never waited for it.
        assert not holder.release.is_set()
    assert net.response.embeds[0].fields[0].value.startswith("**700** = 1,000 − 300")
    assert "**1,000**" in history.response.embeds[0].description
    assert undo.response.embeds[0].title == "Remove this reading?"


async def test_a_slow_write_defers_then_follows_up_once_committed(
    world: World, deferral_log: logging.Logger
) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    recorder = CommittedAtAnswer(world.db_path)
    world.env.backend.http_requests = recorder
    with WriteLockHolder(world.db_path) as holder:
        release = ReleaseOnDeferral(holder, world.db_path)
        deferral_log.addHandler(release)
        try:
            result = await world.alice.slash(world.channel, "log", followers=1100, following=300)
        finally:
            deferral_log.removeHandler(release)

    # Deferred ("thinking") while the write waited for the lock, with nothing stored yet ...
    assert release.readings_at_deferral == 1
    assert recorder.seen == [("callback", 5, 1), ("followup", None, 2)]
    # ... then answered by the follow-up, which Discord shows in place of "thinking"; the
    # reading was committed before it went out.
    embed = result.response.embeds[0]
    assert embed.title == "TikTok reading logged"
    assert "+100 followers" in embed.fields[3].value
    assert world.readings() == 2


async def test_a_slow_undo_defers_the_press_then_edits_the_message(
    world: World, deferral_log: logging.Logger
) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    prompt = await world.alice.slash(world.channel, "undo")
    with WriteLockHolder(world.db_path) as holder:
        release = ReleaseOnDeferral(holder, world.db_path)
        deferral_log.addHandler(release)
        try:
            await world.alice.click(prompt.response.message, label="Remove it")
        finally:
            deferral_log.removeHandler(release)

    assert release.readings_at_deferral == 1
    assert world.readings() == 0
    message = prompt.response
    assert message.content.startswith("Removed your TikTok reading of 1,000 followers")
    assert message.components == []


async def test_settings_read_at_once_and_a_slow_settings_write_defers(
    world: World, deferral_log: logging.Logger
) -> None:
    await world.alice.slash(world.channel, "me", timezone="Europe/Berlin")
    recorder = CommittedAtAnswer(world.db_path)
    world.env.backend.http_requests = recorder
    with WriteLockHolder(world.db_path) as holder:
        shown = await world.alice.slash(world.channel, "me")
        assert not holder.release.is_set()  # read without waiting for the lock
        release = ReleaseOnDeferral(holder, world.db_path)
        deferral_log.addHandler(release)
        try:
            changed = await world.alice.slash(world.channel, "me", reminders="off")
        finally:
            deferral_log.removeHandler(release)
    assert "Europe/Berlin" in shown.response.content
    assert holder.release.is_set()  # it waited, and deferred rather than miss the deadline
    assert [kind for kind, *_ in recorder.seen][-2:] == ["callback", "followup"]
    assert changed.ephemeral
    assert "off" in changed.response.content
    assert query(world.db_path, "SELECT reminders FROM members") == [(0,)]
