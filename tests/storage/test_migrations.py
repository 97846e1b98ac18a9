"""Migrations on real SQLite files: from empty, from every earlier version, all or nothing."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.domain.models import Period, Platform
from bot.usecases import tracking
from storage.migrate import (
    SQLITE_MIGRATIONS,
    MigrationError,
    load_migrations,
    migrate,
    split_statements,
)
from storage.sqlite import SQLiteStorage
from tests.support.db import query

MIGRATIONS = load_migrations()
LATEST = MIGRATIONS[-1].version
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)

# Rows written the way each schema version stored them, to prove they survive later migrations.
SEEDS: dict[int, list[str]] = {
    1: [
        "INSERT INTO members (user_id, default_platform, timezone, created_at)"
        " VALUES (7, 'tiktok', 'Europe/Berlin', 1790000000)",
        "INSERT INTO member_guilds (guild_id, user_id, first_logged_at) VALUES (99, 7, 1790000000)",
        "INSERT INTO readings (user_id, platform, taken_at, followers, following, source,"
        " guild_id, logged_at) VALUES (7, 'tiktok', 1795000000, 1200, 300, 'self_reported',"
        " 99, 1795000000)",
    ],
    2: [
        "INSERT INTO guild_settings (guild_id, timezone, digest_channel_id, updated_at)"
        " VALUES (99, 'America/New_York', 555, 1795000000)",
        "INSERT INTO digest_runs (guild_id, week, state, created_at, updated_at)"
        " VALUES (99, '2026-11-09', 'posted', 1795000000, 1795000000)",
        "INSERT INTO reminders_sent (user_id, kind, week, via, guild_id, sent_at)"
        " VALUES (7, 'consistency', '2026-11-09', 'dm', 99, 1795000000)",
    ],
    3: [
        "INSERT INTO reminders_sent (user_id, kind, week, via, guild_id, sent_at, owner,"
        " lease_until) VALUES (7, 'engagement', '2026-11-16', 'pending', 99, 1795100000,"
        " 'host:1', 1795100120)",
        "UPDATE digest_runs SET channel_id = 555 WHERE guild_id = 99",
    ],
    4: [
        "INSERT INTO posts (user_id, platform, posted_at, views, likes, comments, shares,"
        " source, guild_id, logged_at) VALUES (7, 'tiktok', 1795000100, 1000, 60, 5, 2,"
        " 'self_reported', 99, 1795000100)",
        "UPDATE members SET posts_per_week = 5 WHERE user_id = 7",
    ],
    5: [
        "INSERT INTO goals (user_id, platform, followers, set_at)"
        " VALUES (7, 'tiktok', 5000, 1795000200)",
    ],
    6: ["UPDATE guild_settings SET digest_detail = 'all' WHERE guild_id = 99"],
    7: [
        "INSERT INTO readings (user_id, platform, taken_at, followers, following, source,"
        " guild_id, logged_at) VALUES (7, 'youtube', 1795000300, 800, NULL, 'self_reported',"
        " 99, 1795000300)",
    ],
    8: ["UPDATE guild_settings SET dms = 0 WHERE guild_id = 99"],
    9: ["UPDATE members SET hidden = 1 WHERE user_id = 7"],
    10: ["INSERT INTO interactions_seen (id, seen_at) VALUES (4242, 1795000400)"],
    11: ["INSERT INTO leases (name, owner, lease_until) VALUES ('command-sync', 'a', 0)"],
    12: [
        "INSERT INTO streak_bases (user_id, zone, horizon, settled_before, run)"
        " VALUES (7, 'Europe/Berlin', '2026-11-16', 1795215600, 3)"
    ],
}


async def build_at_version(path: Path, version: int) -> None:
    async with aiosqlite.connect(path, isolation_level=None) as db:
        if version:
            await migrate(db, MIGRATIONS[:version])
        for seeded_at, statements in SEEDS.items():
            if seeded_at <= version:
                for statement in statements:
                    await db.execute(statement)


def test_migration_files_are_numbered_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
    assert set(SEEDS) <= set(range(1, LATEST + 1))


async def test_from_empty_creates_the_schema_and_records_the_version(db_path: Path) -> None:
    storage = await SQLiteStorage.open(db_path)
    await storage.close()
    tables = {row[0] for row in query(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"members", "member_guilds", "readings", "bot_state", "schema_version"} <= tables
    assert query(db_path, "SELECT version FROM schema_version") == [(LATEST,)]


@pytest.mark.parametrize("version", range(LATEST))
async def test_from_each_earlier_version_keeps_the_data(db_path: Path, version: int) -> None:
    await build_at_version(db_path, version)
    storage = await SQLiteStorage.open(db_path)
    try:
        history = await tracking.history(
            storage, user_id=7, guild_id=99, platform=None, period=Period.ALL, now=NOW
        )
    finally:
        await storage.close()
    assert query(db_path, "SELECT version FROM schema_version") == [(LATEST,)]
    if version >= 1:
        assert history.profile.logged_here
        assert history.profile.timezone.key == "Europe/Berlin"
        assert history.platform is Platform.TIKTOK
        assert [(r.followers, r.following) for r in history.readings] == [(1200, 300)]
    if version >= 2:
        settings = await reopened_settings(db_path)
        assert settings.timezone.key == "America/New_York"
        # Servers from before the setting existed list the top movers.
        assert settings.digest_detail.value == ("all" if version >= 6 else "top")
        assert settings.dms is (version < 8)  # on for servers from before the setting
        assert settings.digest_channel_id == 555
        sent = query(db_path, "SELECT user_id, kind, week, via FROM reminders_sent")
        assert (7, "consistency", "2026-11-09", "dm") in sent
    if version >= 3:
        pending = query(db_path, "SELECT via, owner FROM reminders_sent WHERE kind = 'engagement'")
        assert pending == [("pending", "host:1")]
    if version >= 1:
        # Members from before posting targets existed get the default of 3.
        assert history.profile.posts_per_week == (5 if version >= 4 else 3)
        assert history.profile.hidden is (version >= 9)  # visible unless they chose otherwise
    if version >= 4:
        [post] = history.posts
        assert (post.counts.views, post.followers_then) == (1000, 1200)
    if version >= 5:
        assert history.goal is not None and history.goal.followers == 5000
    # Each member's platforms, as kept from then on, start from the readings already there.
    platforms = "SELECT user_id, platform FROM member_platforms ORDER BY 1, 2"
    pairs = "SELECT DISTINCT user_id, platform FROM readings ORDER BY 1, 2"
    assert query(db_path, platforms) == query(db_path, pairs)
    assert len(query(db_path, platforms)) == (2 if version >= 7 else 1 if version >= 1 else 0)
    if version >= 12:
        # A base kept before it said whether the week before its horizon held a reading is
        # dropped: the next digest counts it again.
        assert query(db_path, "SELECT count(*) FROM streak_bases") == [(0,)]


async def reopened_settings(db_path: Path):  # type: ignore[no-untyped-def]
    storage = await SQLiteStorage.open(db_path)
    try:
        return await storage.guild_settings(99)
    finally:
        await storage.close()


async def test_reopening_applies_nothing_twice(db_path: Path) -> None:
    for _ in range(2):
        storage = await SQLiteStorage.open(db_path)
        await storage.close()
    assert query(db_path, "SELECT count(*) FROM schema_version") == [(1,)]


async def test_a_database_newer_than_the_code_is_refused(db_path: Path) -> None:
    await (await SQLiteStorage.open(db_path)).close()
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        await db.execute("UPDATE schema_version SET version = ?", (LATEST + 1,))
    with pytest.raises(MigrationError, match="newer than this NetGain"):
        await SQLiteStorage.open(db_path)


async def test_a_failing_migration_changes_nothing(db_path: Path, tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(SQLITE_MIGRATIONS, directory)
    broken = f"{LATEST + 1:04d}_broken.sql"
    (directory / broken).write_text(
        "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\nINSERT INTO missing_table VALUES (1);\n"
    )
    await build_at_version(db_path, LATEST)
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        with pytest.raises(Exception, match="missing_table"):
            await migrate(db, load_migrations(directory))
    tables = {row[0] for row in query(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert query(db_path, "SELECT version FROM schema_version") == [(LATEST,)]
    seeded = sum(s.startswith("INSERT INTO readings") for v in SEEDS.values() for s in v)
    assert query(db_path, "SELECT count(*) FROM readings") == [(seeded,)]


def test_misnumbered_migrations_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (x);\n")
    (tmp_path / "0003_c.sql").write_text("CREATE TABLE c (x);\n")
    with pytest.raises(MigrationError, match="numbered"):
        load_migrations(tmp_path)


def test_statements_split_on_whole_statements_only() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (note TEXT DEFAULT 'a;b');
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET note = 'x;y';
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].endswith("END;")
    with pytest.raises(MigrationError, match="unterminated"):
        split_statements("CREATE TABLE t (x)")
