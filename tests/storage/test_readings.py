"""Readings, members and bot state through the storage ports: a contract every backend keeps
(tests/storage/conftest.py runs each test on SQLite and on PostgreSQL)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.errors import UserError
from bot.domain.models import Period, Platform, ReadingDraft, Source
from bot.domain.rules import Change
from bot.usecases import tracking
from bot.usecases.tracking import Logged, NeedsConfirmation
from storage.ports import HandledElsewhere, ReadingChanges
from storage.sqlite import SQLiteStorage
from tests.support.db import count, rows

NOW = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)  # a Thursday
ALICE, BOB, GUILD, OTHER_GUILD = 101, 202, 9001, 9002


def draft(followers: int = 1200, following: int = 300, **changes: object) -> ReadingDraft:
    base = ReadingDraft(
        user_id=ALICE, guild_id=GUILD, platform=None, followers=followers, following=following
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def logged(storage: SQLiteStorage, entry: ReadingDraft, now: datetime = NOW) -> Logged:
    outcome = await tracking.log_reading(storage, entry, now=now)
    assert isinstance(outcome, Logged)
    return outcome


async def test_first_reading_creates_the_member_and_is_committed(storage: SQLiteStorage) -> None:
    outcome = await logged(storage, draft(profile_likes=5000, profile_posts=40, note="launch week"))
    # Another connection (another process, say) sees it as soon as it is logged.
    stored = await rows(
        storage,
        "SELECT user_id, platform, taken_at, followers, following, source, likes, posts,"
        " note, guild_id FROM readings",
    )
    assert stored == [
        (
            ALICE,
            "tiktok",
            int(NOW.timestamp()),
            1200,
            300,
            "self_reported",
            5000,
            40,
            "launch week",
            GUILD,
        )
    ]
    assert await rows(storage, "SELECT user_id, default_platform FROM members") == [
        (ALICE, "tiktok")
    ]
    assert await rows(storage, "SELECT guild_id, user_id FROM member_guilds") == [(GUILD, ALICE)]
    assert outcome.previous is None
    assert outcome.reading.net == 900
    assert outcome.reading.source is Source.SELF_REPORTED
    assert outcome.reading.taken_at == NOW


async def test_change_and_week_to_date_growth(storage: SQLiteStorage) -> None:
    await logged(storage, draft(1000, 300), now=NOW - timedelta(days=7))  # last week
    await logged(storage, draft(1050, 300), now=NOW - timedelta(days=2))  # Tuesday
    outcome = await logged(storage, draft(1100, 310))
    assert outcome.previous is not None
    assert outcome.previous.followers == 1050
    assert isinstance(outcome.week, Change)
    assert outcome.week.first.followers == 1000  # the last reading before Monday 16 Nov
    assert not outcome.week.from_first_log
    assert outcome.week.growth.delta == 100
    assert outcome.week.growth.pct == pytest.approx(0.1)


async def test_an_implausible_jump_is_not_stored_until_confirmed(
    storage: SQLiteStorage, db_path: Path
) -> None:
    await logged(storage, draft(1000))
    pending = await tracking.log_reading(storage, draft(12000), now=NOW + timedelta(hours=1))
    assert isinstance(pending, NeedsConfirmation)
    assert pending.previous.followers == 1000
    assert await count(storage, "readings") == 1
    confirmed = await tracking.log_reading(
        storage, draft(12000), now=NOW + timedelta(hours=1), confirmed=True
    )
    assert isinstance(confirmed, Logged)
    assert await count(storage, "readings") == 2


async def test_platforms_keep_separate_histories(storage: SQLiteStorage) -> None:
    await logged(storage, draft(1000, platform=Platform.TIKTOK))
    outcome = await logged(storage, draft(50, platform=Platform.INSTAGRAM))
    assert outcome.previous is None  # no earlier Instagram reading: no typo guard either


async def test_backfill_is_stored_at_local_noon_next_to_its_neighbours(
    storage: SQLiteStorage,
) -> None:
    await logged(storage, draft(900), now=NOW - timedelta(days=10))
    await logged(storage, draft(1200))
    outcome = await logged(storage, draft(1000, day=date(2026, 11, 12)))
    assert outcome.backfilled
    assert outcome.reading.taken_at == datetime(2026, 11, 12, 12, tzinfo=UTC)
    assert outcome.previous is not None
    assert outcome.previous.followers == 900
    assert outcome.next is not None
    assert outcome.next.followers == 1200
    # /undo offers the newest reading by date, not the one logged last.
    newest = await tracking.reading_to_undo(storage, ALICE)
    assert newest is not None
    assert newest.followers == 1200


async def test_a_future_day_stores_nothing_and_leaves_the_connection_usable(
    storage: SQLiteStorage, db_path: Path
) -> None:
    with pytest.raises(UserError, match="in the future"):
        await tracking.log_reading(storage, draft(day=date(2026, 11, 20)), now=NOW)
    assert await count(storage, "readings") == 0
    assert await count(storage, "members") == 0
    await logged(storage, draft())
    assert await count(storage, "readings") == 1


async def test_history_shows_the_platform_the_member_logs(storage: SQLiteStorage) -> None:
    await logged(storage, draft(400, platform=Platform.INSTAGRAM), now=NOW - timedelta(days=60))
    await logged(storage, draft(500, platform=Platform.INSTAGRAM), now=NOW - timedelta(days=1))
    found = await tracking.history(
        storage, user_id=ALICE, guild_id=GUILD, platform=None, period=Period.WEEK, now=NOW
    )
    assert found.platform is Platform.INSTAGRAM
    # The six-week glance reaches back to 2026-10-12: the 60-day-old reading comes along
    # as the one just before it.
    assert [r.followers for r in found.readings] == [400, 500]
    tiktok = await tracking.history(
        storage,
        user_id=ALICE,
        guild_id=GUILD,
        platform=Platform.TIKTOK,
        period=Period.WEEK,
        now=NOW,
    )
    assert tiktok.readings == []


async def test_history_knows_where_a_member_logged(storage: SQLiteStorage) -> None:
    await logged(storage, draft())
    here = await tracking.history(
        storage, user_id=ALICE, guild_id=GUILD, platform=None, period=Period.ALL, now=NOW
    )
    elsewhere = await tracking.history(
        storage, user_id=ALICE, guild_id=OTHER_GUILD, platform=None, period=Period.ALL, now=NOW
    )
    stranger = await tracking.history(
        storage, user_id=BOB, guild_id=GUILD, platform=None, period=Period.ALL, now=NOW
    )
    assert here.profile.logged_here
    assert not elsewhere.profile.logged_here
    assert not stranger.profile.known
    assert stranger.readings == []


async def test_delete_only_removes_the_members_own_reading(
    storage: SQLiteStorage, db_path: Path
) -> None:
    outcome = await logged(storage, draft())
    assert not await storage.delete_reading(BOB, outcome.reading.id)
    assert await count(storage, "readings") == 1
    assert await storage.delete_reading(ALICE, outcome.reading.id)
    assert not await storage.delete_reading(ALICE, outcome.reading.id)
    assert await count(storage, "readings") == 0
    assert await tracking.reading_to_undo(storage, ALICE) is None


async def test_a_correction_changes_only_what_it_names(storage: SQLiteStorage) -> None:
    """`/edit`'s write, on both backends: a count alone, then a note set and cleared; never
    another member's reading."""
    stored = (await logged(storage, draft(note="first"))).reading
    assert await storage.correct_reading(BOB, stored.id, ReadingChanges(followers=1)) is None
    fixed = await storage.correct_reading(ALICE, stored.id, ReadingChanges(followers=1250))
    assert fixed is not None
    assert (fixed.followers, fixed.following, fixed.note) == (1250, 300, "first")
    noted = await storage.correct_reading(ALICE, stored.id, ReadingChanges(note="typo fixed"))
    assert noted is not None and (noted.followers, noted.note) == (1250, "typo fixed")
    cleared = await storage.correct_reading(ALICE, stored.id, ReadingChanges(note=""))
    assert cleared is not None and cleared.note is None


async def test_state_round_trips(storage: SQLiteStorage) -> None:
    assert await storage.get_state("k") is None
    await storage.set_state("k", "one")
    await storage.set_state("k", "two")
    assert await storage.get_state("k") == "two"


async def test_concurrent_logs_on_one_connection_do_not_interleave(
    storage: SQLiteStorage, db_path: Path
) -> None:
    entries = [replace(draft(1000 + i), user_id=ALICE + i) for i in range(20)]
    await asyncio.gather(*(logged(storage, entry) for entry in entries))
    assert await count(storage, "readings") == 20
    assert await count(storage, "members") == 20


async def test_a_write_that_never_waits_is_not_reported_slow(storage: SQLiteStorage) -> None:
    async def never() -> None:
        raise AssertionError("reported slow")

    await tracking.log_reading(storage, draft(), now=NOW, on_slow=never)


async def test_writes_asked_together_commit_together_and_fail_alone(
    storage: SQLiteStorage, db_path: Path
) -> None:
    # Asked at once, these go to the writer's thread in one group, in one transaction.
    outcomes = await asyncio.gather(
        *(
            tracking.log_reading(storage, replace(draft(1000 + user), user_id=user), now=NOW)
            for user in range(3)
        ),
        tracking.log_reading(storage, draft(day=date(2026, 11, 20)), now=NOW),
        tracking.log_reading(storage, replace(draft(), user_id=BOB), now=NOW),
        tracking.log_reading(storage, replace(draft(), user_id=BOB), now=NOW),
        return_exceptions=True,
    )
    # The future day fails alone; the same reading sent twice at once is stored once (on
    # PostgreSQL either of the two may be the one stored).
    names = [type(outcome).__name__ for outcome in outcomes]
    assert names[:4] == ["Logged", "Logged", "Logged", "UserError"]
    assert sorted(names[4:]) == ["AlreadyLogged", "Logged"]
    assert await count(storage, "readings") == 4
    assert await rows(storage, "SELECT count(*) FROM members WHERE user_id = ?", (ALICE,)) == [(0,)]


async def test_a_job_that_fails_after_writing_leaves_nothing_and_the_others_stand(
    storage: SQLiteStorage, db_path: Path
) -> None:
    def put(key: str, fail: bool = False) -> Callable[[sqlite3.Connection], str]:
        def job(conn: sqlite3.Connection) -> str:
            conn.execute("INSERT INTO bot_state (key, value) VALUES (?, 'x')", (key,))
            if fail:
                raise RuntimeError(f"{key} failed after writing")
            return key

        return job

    # Asked together, so they share one trip and one transaction.
    outcomes = await asyncio.gather(
        *(storage._write(put(key, fail=key == "b"), None) for key in "abc"),
        return_exceptions=True,
    )
    assert outcomes[0] == "a" and outcomes[2] == "c"
    assert isinstance(outcomes[1], RuntimeError)
    assert await rows(storage, "SELECT key FROM bot_state ORDER BY key") == [("a",), ("c",)]


async def test_one_trip_brings_every_reading_the_reply_may_need(storage: SQLiteStorage) -> None:
    # NOW is Thursday 2026-11-19; this week began Monday 2026-11-16 00:00 UTC.
    for days_ago, followers in ((20, 800), (6, 900), (5, 950), (2, 1000), (1, 1050)):
        await logged(storage, draft(followers), now=NOW - timedelta(days=days_ago))
    outcome = await logged(storage, draft(870, day=date(2026, 11, 1)))
    # Before and after it by date, the last at or before the week's start and the first
    # after it, the latest; and the new reading itself.
    assert [r.followers for r in outcome.nearby] == [800, 870, 900, 950, 1000, 1050]
    assert outcome.previous is not None and outcome.previous.followers == 800
    assert outcome.next is not None and outcome.next.followers == 900


async def test_the_reading_a_log_returns_is_the_row_stored(storage: SQLiteStorage) -> None:
    entry = draft(profile_likes=5000, profile_posts=40, gained=12, lost=3, note="launch week")
    now_one = await logged(storage, entry, now=NOW + timedelta(microseconds=654321))
    backfill = await logged(storage, draft(1190, day=date(2026, 11, 10), note=None))
    stored = await storage.member_readings(
        user_id=ALICE, guild_id=GUILD, platform=None, since=lambda _tz: None, now=NOW
    )
    assert stored.readings == [backfill.reading, now_one.reading]
    # Instants are stored to the second, and what the reply shows is what was stored.
    assert now_one.reading.taken_at == NOW


async def test_an_interaction_received_twice_is_stored_once(storage: SQLiteStorage) -> None:
    """Two processes on the same shards both get the interaction: the second stores nothing
    and learns the first did; another interaction with the same numbers is a repeat."""
    first = replace(draft(), interaction_id=1_111)
    assert isinstance(await tracking.log_reading(storage, first, now=NOW), Logged)
    again = await tracking.log_reading(storage, first, now=NOW)
    assert again == HandledElsewhere(1_111)
    other = await tracking.log_reading(storage, replace(first, interaction_id=2_222), now=NOW)
    assert type(other).__name__ == "AlreadyLogged"
    assert await count(storage, "readings") == 1
    both = await asyncio.gather(
        *(
            tracking.log_reading(
                storage, replace(first, user_id=BOB, interaction_id=3_333), now=NOW
            )
            for _ in range(2)
        )
    )
    assert sorted(type(b).__name__ for b in both) == ["HandledElsewhere", "Logged"]
    assert await count(storage, "readings") == 2
    assert await storage.prune_interactions(NOW + timedelta(seconds=1)) == 3
    assert await count(storage, "interactions_seen") == 0
