"""/forget leaves nothing in the database that refers to the member: every table and column of
the schema is searched, so a new table that holds user ids fails here until it is covered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.models import PostCounts, PostDraft, ReadingDraft
from bot.usecases import goals, posting, tracking
from storage.postgres import PostgresStorage
from storage.sql_storage import SQLStorage
from tests.support.db import rows

NOW = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
ALICE, BOB, GUILD, OTHER = 987654321012345678, 202, 9001, 9002


async def references(storage: SQLStorage, user_id: int) -> list[tuple[str, str, int]]:
    """(table, column, rows) for every column anywhere that holds `user_id`, read from the
    database's own catalogue (SQLite's or PostgreSQL's)."""
    if isinstance(storage, PostgresStorage):
        columns = await rows(
            storage,
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()",
        )
    else:
        columns = await rows(
            storage,
            "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c"
            " WHERE m.type = 'table'",
        )
    found = []
    for table, column in columns:
        [(count,)] = await rows(
            storage,
            f"SELECT count(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE ?",
            (f"%{user_id}%",),
        )
        if count:
            found.append((table, column, count))
    return found


async def a_full_history(storage: SQLStorage, user_id: int) -> None:
    for guild, followers in ((GUILD, 1_000), (OTHER, 1_010)):
        draft = ReadingDraft(user_id, guild, None, followers, 10, display_name="someone")
        await tracking.log_reading(storage, draft, now=NOW - timedelta(days=3), confirmed=True)
    await tracking.log_reading(
        storage, ReadingDraft(user_id, GUILD, None, 1_100, 10), now=NOW, confirmed=True
    )
    post = PostDraft(user_id, GUILD, None, PostCounts(100, 5, 1, 0))
    await posting.log_post(storage, post, now=NOW)
    await goals.set_goal(
        storage, user_id=user_id, guild_id=GUILD, platform=None, followers=5_000, now=NOW
    )
    await storage.record_reminder(
        user_id,
        "consistency",
        NOW.date(),
        owner="me",
        guild_id=GUILD,
        now=NOW,
        lease_until=NOW + timedelta(minutes=2),
    )


async def test_forget_everything_leaves_no_trace(storage: SQLStorage) -> None:
    await a_full_history(storage, ALICE)
    await a_full_history(storage, BOB)
    assert await references(storage, ALICE)  # the search finds her before
    removed = await storage.forget(ALICE, None)
    assert (removed.readings, removed.posts, removed.goals, removed.servers) == (3, 1, 1, 2)
    assert await references(storage, ALICE) == []
    assert (await storage.footprint(BOB, None)).readings == 3  # nobody else's rows go


async def test_forget_one_server_keeps_the_rest(storage: SQLStorage) -> None:
    await a_full_history(storage, ALICE)
    await storage.forget(ALICE, GUILD)
    left = await storage.footprint(ALICE, GUILD)
    assert (left.readings, left.servers, left.here) == (3, 1, False)
