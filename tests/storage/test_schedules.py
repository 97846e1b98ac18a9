"""The scheduling half of storage, on a real SQLite file."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.models import Platform, ReadingDraft
from bot.domain.schedule import EmptyWeek, GuildSettings
from bot.usecases.tracking import Logged, log_reading
from storage.migrate import load_migrations
from storage.postgres import POSTGRES_MIGRATIONS, PostgresStorage
from storage.schedules import MemberSettings, RunState
from storage.sqlite import SQLiteStorage
from tests.support.db import rows
from tests.support.postgres import POSTGRES_URL, postgres_schema

NOW = datetime(2026, 11, 16, 9, tzinfo=UTC)
WEEK = date(2026, 11, 9)
LEASE = NOW + timedelta(minutes=2)
GUILD, OTHER = 500, 600
BERLIN = ZoneInfo("Europe/Berlin")


async def log(
    storage: SQLiteStorage,
    user: int,
    followers: int,
    when: datetime,
    guild: int = GUILD,
    name: str | None = None,
    platform: Platform | None = None,
) -> None:
    draft = ReadingDraft(
        user_id=user,
        guild_id=guild,
        platform=platform,
        followers=followers,
        following=10,
        display_name=name,
    )
    assert isinstance(await log_reading(storage, draft, now=when, confirmed=True), Logged)


async def test_settings_have_defaults_and_round_trip(storage: SQLiteStorage) -> None:
    assert await storage.guild_settings(GUILD) == GuildSettings(GUILD)
    saved = GuildSettings(
        GUILD,
        timezone=BERLIN,
        digest_channel_id=42,
        digest_from=NOW,
        digest_day=4,
        digest_time=time(18, 30),
        empty_week=EmptyWeek.QUIET,
        consistency_days=5,
        engagement_day=3,
        mentions=True,
    )
    await storage.save_guild_settings(saved, now=NOW)
    assert await storage.guild_settings(GUILD) == saved
    assert [s.guild_id for s in await storage.digest_guilds()] == [GUILD]
    await storage.set_problem(GUILD, "Missing permission: Send Messages", now=NOW)
    troubled = await storage.guild_settings(GUILD)
    assert (troubled.problem, troubled.problem_at) == ("Missing permission: Send Messages", NOW)
    await storage.set_problem(GUILD, None, now=NOW)
    assert (await storage.guild_settings(GUILD)).problem is None


async def test_member_settings_round_trip(storage: SQLiteStorage) -> None:
    assert await storage.member_settings(1) == MemberSettings(1)
    wanted = MemberSettings(
        1,
        timezone=BERLIN,
        default_platform=Platform.YOUTUBE,
        reminders=False,
        reminder_time=time(7, 15),
        mentions=True,
    )
    await storage.save_member_settings(wanted, now=NOW)
    assert await storage.member_settings(1) == wanted


async def test_a_claim_is_held_until_its_lease_runs_out(storage: SQLiteStorage) -> None:
    first = await storage.claim_digest(GUILD, WEEK, owner="a", now=NOW, lease_until=LEASE)
    assert first is not None and first.state is RunState.CLAIMED
    assert await storage.claim_digest(GUILD, WEEK, owner="b", now=NOW, lease_until=LEASE) is None
    assert await storage.digest_page_posted(
        GUILD, WEEK, owner="a", message_id=11, now=NOW, lease_until=LEASE
    )
    # "a" stops answering; once its lease is over "b" takes over after the posted page.
    later = LEASE + timedelta(seconds=1)
    taken = await storage.claim_digest(GUILD, WEEK, owner="b", now=later, lease_until=later)
    assert taken is not None
    assert (taken.pages_posted, taken.message_ids, taken.attempts) == (1, [11], 2)
    assert not await storage.digest_page_posted(
        GUILD, WEEK, owner="a", message_id=12, now=later, lease_until=later
    )
    assert await storage.finish_digest(
        GUILD, WEEK, owner="b", state=RunState.POSTED, now=later, late=True
    )
    done = await storage.digest_run(GUILD, WEEK)
    assert done is not None
    assert (done.state, done.late, done.message_ids) == (RunState.POSTED, True, [11])
    assert await storage.claim_digest(GUILD, WEEK, owner="c", now=later, lease_until=LEASE) is None


async def test_a_forced_claim_starts_over_but_never_interrupts(storage: SQLiteStorage) -> None:
    await storage.claim_digest(GUILD, WEEK, owner="a", now=NOW, lease_until=LEASE)
    assert (
        await storage.claim_digest(
            GUILD, WEEK, owner="admin", now=NOW, lease_until=LEASE, force=True
        )
        is None
    )
    await storage.digest_page_posted(
        GUILD, WEEK, owner="a", message_id=1, now=NOW, lease_until=LEASE
    )
    await storage.finish_digest(GUILD, WEEK, owner="a", state=RunState.POSTED, now=NOW)
    again = await storage.claim_digest(
        GUILD, WEEK, owner="admin", now=NOW, lease_until=LEASE, force=True
    )
    assert again is not None
    assert (again.pages_posted, again.message_ids) == (0, [])


async def test_a_skip_is_recorded_once_and_blocks_claims(storage: SQLiteStorage) -> None:
    assert await storage.skip_digest(GUILD, WEEK, reason="offline past the grace period", now=NOW)
    assert not await storage.skip_digest(GUILD, WEEK, reason="again", now=NOW)
    assert await storage.claim_digest(GUILD, WEEK, owner="a", now=NOW, lease_until=LEASE) is None
    run = await storage.digest_run(GUILD, WEEK)
    assert run is not None and run.state is RunState.SKIPPED


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_two_processes_racing_for_one_claim(db_path: Path, backend: str) -> None:
    async with AsyncExitStack() as stack:
        if backend == "sqlite":
            first, second = await SQLiteStorage.open(db_path), await SQLiteStorage.open(db_path)
        else:
            schema = await stack.enter_async_context(postgres_schema())
            first = await PostgresStorage.open(POSTGRES_URL, pool_size=4, schema=schema)
            second = await PostgresStorage.open(POSTGRES_URL, pool_size=4, schema=schema)
        stack.push_async_callback(first.close)
        stack.push_async_callback(second.close)
        results = await asyncio.gather(
            *(
                store.claim_digest(GUILD, WEEK, owner=name, now=NOW, lease_until=LEASE)
                for _ in range(5)
                for store, name in ((first, "one"), (second, "two"))
            )
        )
        assert sum(result is not None for result in results) == 1
        assert await rows(first, "SELECT attempts FROM digest_runs") == [(1,)]


async def test_digest_data_is_this_servers_members_and_window(storage: SQLiteStorage) -> None:
    await storage.save_guild_settings(GuildSettings(GUILD, timezone=BERLIN), now=NOW)
    await storage.save_member_settings(MemberSettings(2, timezone=ZoneInfo("Asia/Tokyo")), now=NOW)
    await log(storage, 1, 100, NOW - timedelta(days=30), name="ana")
    await log(storage, 1, 110, NOW - timedelta(days=3), name="Ana B")
    await log(storage, 2, 500, NOW - timedelta(days=2), name="kai")
    await log(storage, 3, 900, NOW - timedelta(days=2), guild=OTHER, name="elsewhere")
    data = await storage.digest_data(GUILD, BERLIN, NOW - timedelta(days=14), NOW)
    assert [(m.user_id, m.name, m.timezone.key) for m in data.members] == [
        (1, "Ana B", "Europe/Berlin"),
        (2, "kai", "Asia/Tokyo"),
    ]
    assert [(r.user_id, r.followers) for r in data.readings] == [(1, 110), (2, 500)]


async def test_readings_use_the_servers_time_zone_until_the_member_sets_one(
    storage: SQLiteStorage,
) -> None:
    await storage.save_guild_settings(GuildSettings(GUILD, timezone=BERLIN), now=NOW)
    outcome = await log_reading(
        storage,
        ReadingDraft(user_id=1, guild_id=GUILD, platform=None, followers=1, following=1),
        now=datetime(2026, 11, 15, 23, 30, tzinfo=UTC),  # already Monday in Berlin
    )
    assert isinstance(outcome, Logged)
    assert outcome.timezone.key == "Europe/Berlin"


LEASE_SPAN = timedelta(minutes=2)


async def test_reminder_schedules_follow_the_member_then_their_first_server(
    storage: SQLiteStorage,
) -> None:
    await storage.save_guild_settings(
        GuildSettings(GUILD, timezone=BERLIN, consistency_days=5), now=NOW
    )
    await log(storage, 1, 100, NOW - timedelta(days=9))
    await log(storage, 1, 100, NOW - timedelta(days=8), guild=OTHER)
    await log(storage, 2, 100, NOW - timedelta(days=1))
    await storage.save_member_settings(
        MemberSettings(2, timezone=ZoneInfo("Asia/Tokyo"), reminder_time=time(8, 0)), now=NOW
    )
    await log(storage, 3, 100, NOW - timedelta(days=1))
    await storage.save_member_settings(MemberSettings(3, reminders=False), now=NOW)
    assert await storage.reminder_times() == {("Europe/Berlin", "18:00"), ("Asia/Tokyo", "08:00")}

    [ana] = await storage.reminder_candidates("Europe/Berlin", "18:00", WEEK)
    assert (ana.user_id, ana.home_guild_id, ana.consistency_days) == (1, GUILD, 5)
    assert ana.last_reading == NOW - timedelta(days=8)
    assert ana.reminded == frozenset()
    lease = NOW + LEASE_SPAN
    claim = {"guild_id": None, "lease_until": lease}
    assert await storage.record_reminder(1, "consistency", WEEK, owner="a", now=NOW, **claim)
    # Held: nobody else sends it, not even once the sender finished.
    assert not await storage.record_reminder(1, "consistency", WEEK, owner="b", now=NOW, **claim)
    [again] = await storage.reminder_candidates("Europe/Berlin", "18:00", WEEK)
    assert again.reminded == frozenset({"consistency"})
    # A sender that stopped before finishing: its claim is taken over once the lease ran out.
    later = lease + timedelta(seconds=1)
    assert (await storage.reminder_claims(NOW)).stale == []
    assert (await storage.reminder_claims(later)).stale == [(1, "consistency", WEEK)]
    assert await storage.record_reminder(
        1, "consistency", WEEK, owner="b", now=later, guild_id=None, lease_until=later + LEASE_SPAN
    )
    await storage.set_reminder_via(1, "consistency", WEEK, "dm")
    finished = later + timedelta(hours=1)
    assert not await storage.record_reminder(
        1, "consistency", WEEK, owner="c", now=finished, guild_id=None, lease_until=finished
    )
    await storage.set_dms_closed(1, NOW)
    [closed] = await storage.reminder_candidates("Europe/Berlin", "18:00", WEEK)
    assert closed.dms_closed_at == NOW


async def test_recent_readings_include_the_one_before_on_each_platform(
    storage: SQLiteStorage,
) -> None:
    await log(storage, 1, 100, NOW - timedelta(days=20))
    await log(storage, 1, 120, NOW - timedelta(days=10))
    await log(storage, 1, 50, NOW - timedelta(days=9), platform=Platform.X)
    await log(storage, 1, 130, NOW - timedelta(days=2))
    found = await storage.recent_readings(1, NOW - timedelta(days=7))
    assert [(r.platform.value, r.followers) for r in found] == [
        ("tiktok", 120),
        ("tiktok", 130),
        ("x", 50),
    ]


async def test_log_keeps_the_members_name_in_each_server(storage: SQLiteStorage) -> None:
    await log(storage, 1, 100, NOW, name="ana")
    await log(storage, 1, 101, NOW + timedelta(hours=1), name="ana")
    await log(storage, 1, 102, NOW + timedelta(hours=2), name="Ana B")
    await log(storage, 1, 103, NOW + timedelta(hours=3), guild=OTHER, name="anab")
    assert await rows(
        storage, "SELECT guild_id, display_name FROM member_guilds ORDER BY guild_id"
    ) == [
        (GUILD, "Ana B"),
        (OTHER, "anab"),
    ]


async def test_a_lease_is_held_by_one_process_until_it_runs_out_or_is_dropped(
    storage: SQLiteStorage,
) -> None:
    later, after = NOW + timedelta(seconds=5), NOW + timedelta(minutes=1)
    assert await storage.take_lease("identify:0", "a", now=NOW, until=later)
    assert not await storage.take_lease("identify:0", "b", now=NOW, until=later)
    assert not await storage.take_lease("identify:0", "a", now=NOW, until=later)  # not twice
    assert await storage.take_lease("identify:1", "b", now=NOW, until=later)  # another name
    assert await storage.take_lease("identify:0", "b", now=later, until=after)
    await storage.drop_lease("identify:0", "a")  # not a's any more: stays b's
    assert not await storage.take_lease("identify:0", "c", now=later, until=after)
    await storage.drop_lease("identify:0", "b")
    assert await storage.take_lease("identify:0", "c", now=later, until=after)


async def test_processes_starting_together_migrate_postgresql_once() -> None:
    """Two processes open an empty database at once: the migrations run once, under the
    lock, and both get the same schema."""
    async with postgres_schema() as schema:
        both = await asyncio.gather(
            *(PostgresStorage.open(POSTGRES_URL, pool_size=2, schema=schema) for _ in range(2))
        )
        try:
            version = await rows(both[0], "SELECT version FROM schema_version")
            assert version == [(len(load_migrations(POSTGRES_MIGRATIONS, whole_files=True)),)]
            assert await rows(both[1], "SELECT count(*) FROM schema_version") == [(1,)]
        finally:
            for opened in both:
                await opened.close()
