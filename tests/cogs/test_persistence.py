"""History outlives the process, and every acknowledged write is committed before the reply."""

from __future__ import annotations

from pathlib import Path

from bot.client import NetGainBot
from bot.settings import Settings
from storage.sqlite import SQLiteStorage
from tests.conftest import World
from tests.support.db import count_rows


async def test_history_survives_a_restart_on_the_same_file(
    world: World, storage: SQLiteStorage, settings: Settings, db_path: Path
) -> None:
    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    await world.env.advance_time(86_400)
    await world.alice.slash(world.channel, "log", followers=1200, following=300)

    # A new process: the old connection closed, a fresh one opened on the same file.
    await storage.close()
    reopened = await SQLiteStorage.open(db_path)
    try:
        await world.env.restart_bot(NetGainBot(storage=reopened, settings=settings))
        result = await world.alice.slash(world.channel, "history", period="all")
        net = await world.alice.slash(world.channel, "net")
    finally:
        await reopened.close()
    assert len(result.response.embeds[0].description.splitlines()) == 2
    net_field = net.response.embeds[0].fields[0].value
    assert net_field.startswith("**900** = 1,200 − 300")


class CommittedAtReply(list):  # type: ignore[type-arg]
    """Records, as each interaction answer goes out, how many readings another connection sees."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.seen_at_reply: list[int] = []

    def append(self, entry) -> None:  # type: ignore[no-untyped-def]
        if entry.method == "POST" and entry.path.endswith("/callback"):
            self.seen_at_reply.append(count_rows(self.db_path, "readings"))
        super().append(entry)


async def test_a_reading_is_committed_before_the_reply_goes_out(world: World) -> None:
    recorder = CommittedAtReply(world.db_path)
    world.env.backend.http_requests = recorder

    await world.alice.slash(world.channel, "log", followers=1000, following=300)
    await world.alice.slash(world.channel, "log", followers=1100, following=300)
    prompt = await world.alice.slash(world.channel, "log", followers=9000, following=300)
    await world.alice.click(prompt.response.message, label="Confirm")

    # Each answer saw its own reading already committed; the prompt saw nothing new.
    assert recorder.seen_at_reply == [1, 2, 2, 3]
