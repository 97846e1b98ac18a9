"""The SQLite backend, through aiosqlite: one file, nothing to install.

One connection per process in autocommit mode; every transaction is explicit and holds an
asyncio lock, so two commands never interleave statements on the shared connection.
WAL lets readers in other processes work while one writes; the busy timeout makes a writer
wait its turn instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain.models import DEFAULT_PLATFORM, MemberProfile, Platform, Reading, ReadingDraft
from storage.base import Storage
from storage.checks import check_database_file, switch_to_wal
from storage.migrate import load_migrations, migrate
from storage.sqlite_digests import SQLiteDigests
from storage.sqlite_reminders import SQLiteReminders
from storage.sqlite_rows import READING_COLUMNS, reading, readings, ts, zone
from storage.sqlite_settings import SQLiteSettings

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
_ONE_BEFORE = "ORDER BY taken_at DESC, id DESC LIMIT 1"


class SQLiteStorage(SQLiteSettings, SQLiteDigests, SQLiteReminders, Storage[aiosqlite.Connection]):
    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> SQLiteStorage:
        """Open (creating if needed) the database file and apply pending migrations."""
        migrations = load_migrations()
        # Before anything writes to it: a file that is not NetGain's stays as it was.
        await asyncio.to_thread(check_database_file, path, migrations)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            mode = await switch_to_wal(db)
            if mode.lower() != "wal":
                log.warning("SQLite could not use WAL on %s (mode %s)", path, mode)
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # FULL: a reading acknowledged to a member survives a power cut, not only a crash.
            await db.execute("PRAGMA synchronous = FULL")
            version = await migrate(db, migrations)
        except BaseException:
            await db.close()
            raise
        log.info("Storage ready: %s (schema version %d)", path, version)
        return cls(db, path)

    async def close(self) -> None:
        async with self._lock:
            await self._db.close()

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            # IMMEDIATE takes the write lock up front, so a writer never fails half-way
            # on a lock upgrade while another process writes.
            await self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._db
            except BaseException:
                await asyncio.shield(self._db.execute("ROLLBACK"))
                raise
            await asyncio.shield(self._db.execute("COMMIT"))

    # ---- primitives ------------------------------------------------------------------------

    async def _profile(
        self,
        tx: aiosqlite.Connection,
        user_id: int,
        guild_id: int | None,
        *,
        platform_to_show: bool = False,
    ) -> MemberProfile:
        # The platform to show scans the member's readings: only read commands ask for it.
        last_platform = (
            """(SELECT r.platform FROM readings r WHERE r.user_id = :user
                ORDER BY r.platform = (SELECT default_platform FROM members
                                       WHERE user_id = :user) DESC,
                         r.taken_at DESC, r.id DESC
                LIMIT 1)"""
            if platform_to_show
            else "NULL"
        )
        rows = list(
            await tx.execute_fetchall(
                f"""
                SELECT m.default_platform, COALESCE(m.timezone, s.timezone),
                       g.user_id IS NOT NULL, g.display_name, {last_platform}
                FROM (SELECT :user AS user_id) q
                LEFT JOIN members m ON m.user_id = q.user_id
                LEFT JOIN member_guilds g ON g.guild_id = :guild AND g.user_id = q.user_id
                LEFT JOIN guild_settings s ON s.guild_id = :guild
                """,
                {"user": user_id, "guild": guild_id},
            )
        )
        default_platform, timezone, logged_here, display_name, last_platform = rows[0]
        return MemberProfile(
            user_id=user_id,
            default_platform=Platform(default_platform or DEFAULT_PLATFORM),
            timezone=zone(timezone),
            known=default_platform is not None,
            logged_here=bool(logged_here),
            last_platform=Platform(last_platform) if last_platform else None,
            display_name=display_name,
        )

    async def _nearby(
        self,
        tx: aiosqlite.Connection,
        user_id: int,
        platform: Platform,
        taken_at: datetime,
        week: datetime,
    ) -> list[Reading]:
        mine = "FROM readings WHERE user_id = :user AND platform = :platform"
        rows = await tx.execute_fetchall(
            f"""
            SELECT * FROM (SELECT {READING_COLUMNS} {mine} AND taken_at <= :at {_ONE_BEFORE})
            UNION
            SELECT * FROM (SELECT {READING_COLUMNS} {mine} AND taken_at <= :week {_ONE_BEFORE})
            UNION
            SELECT * FROM (SELECT {READING_COLUMNS} {mine} AND taken_at > :week
                           ORDER BY taken_at, id LIMIT 1)
            UNION
            SELECT * FROM (SELECT {READING_COLUMNS} {mine} {_ONE_BEFORE})
            ORDER BY taken_at, id
            """,
            {"user": user_id, "platform": platform.value, "at": ts(taken_at), "week": ts(week)},
        )
        return readings(rows)

    async def _create_member(self, tx: aiosqlite.Connection, user_id: int, now: datetime) -> None:
        await tx.execute(
            "INSERT INTO members (user_id, default_platform, created_at) VALUES (?, ?, ?)",
            (user_id, DEFAULT_PLATFORM.value, ts(now)),
        )

    async def _join_guild(
        self,
        tx: aiosqlite.Connection,
        guild_id: int,
        user_id: int,
        display_name: str | None,
        now: datetime,
    ) -> None:
        await tx.execute(
            "INSERT INTO member_guilds (guild_id, user_id, first_logged_at, display_name)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id, user_id) DO UPDATE SET"
            " display_name = COALESCE(excluded.display_name, member_guilds.display_name)",
            (guild_id, user_id, ts(now), display_name),
        )

    async def _insert_reading(
        self,
        tx: aiosqlite.Connection,
        draft: ReadingDraft,
        platform: Platform,
        taken_at: datetime,
        now: datetime,
    ) -> Reading:
        rows = await tx.execute_fetchall(
            f"""
            INSERT INTO readings (user_id, platform, taken_at, followers, following, source,
                                  likes, posts, gained, lost, note, guild_id, logged_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING {READING_COLUMNS}
            """,
            (
                draft.user_id,
                platform.value,
                ts(taken_at),
                draft.followers,
                draft.following,
                draft.source.value,
                draft.likes,
                draft.posts,
                draft.gained,
                draft.lost,
                draft.note,
                draft.guild_id,
                ts(now),
            ),
        )
        return reading(next(iter(rows)))

    async def _readings_since(
        self,
        tx: aiosqlite.Connection,
        user_id: int,
        platform: Platform,
        since: datetime | None,
    ) -> list[Reading]:
        mine = "FROM readings WHERE user_id = :user AND platform = :platform"
        params: dict[str, Any] = {"user": user_id, "platform": platform.value}
        if since is None:
            sql = f"SELECT {READING_COLUMNS} {mine} ORDER BY taken_at, id"
        else:
            params["since"] = ts(since)
            sql = f"""
                SELECT * FROM (SELECT {READING_COLUMNS} {mine} AND taken_at < :since {_ONE_BEFORE})
                UNION ALL
                SELECT {READING_COLUMNS} {mine} AND taken_at >= :since
                ORDER BY taken_at, id
            """
        return readings(await tx.execute_fetchall(sql, params))

    # ---- single statements -----------------------------------------------------------------

    async def latest_entry(self, user_id: int) -> Reading | None:
        async with self._transaction(write=False) as tx:
            rows = list(
                await tx.execute_fetchall(
                    f"SELECT {READING_COLUMNS} FROM readings WHERE user_id = ?"
                    " ORDER BY id DESC LIMIT 1",
                    (user_id,),
                )
            )
        return reading(rows[0]) if rows else None

    async def delete_reading(self, user_id: int, reading_id: int) -> bool:
        async with self._transaction(write=True) as tx:
            rows = list(
                await tx.execute_fetchall(
                    "DELETE FROM readings WHERE id = ? AND user_id = ? RETURNING id",
                    (reading_id, user_id),
                )
            )
        return bool(rows)

    async def get_state(self, key: str) -> str | None:
        async with self._transaction(write=False) as tx:
            rows = list(
                await tx.execute_fetchall("SELECT value FROM bot_state WHERE key = ?", (key,))
            )
        return str(rows[0][0]) if rows else None

    async def set_state(self, key: str, value: str) -> None:
        async with self._transaction(write=True) as tx:
            await tx.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
