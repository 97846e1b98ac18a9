"""SQLite for reminders: who is due, and what was sent; part of `SQLiteStorage`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any

from bot.domain.models import Post, Reading
from bot.domain.reminders import ReminderCandidate
from storage.schedules import OpenClaims, open_claims
from storage.sqlite_posts import member_posts
from storage.sqlite_rows import (
    READING_COLUMNS,
    Jobs,
    all_rows,
    fetch_all,
    maybe_instant,
    readings,
    ts,
    zone,
)

# Each member's reminder schedule: their own zone and time, else their home server's zone
# (the server they first logged in) and 18:00; the home server's reminder settings apply.
_EFFECTIVE = """
WITH home AS (
    SELECT user_id, guild_id FROM (
        SELECT user_id, guild_id,
               ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY first_logged_at, guild_id) AS n
        FROM member_guilds) AS ranked
    WHERE n = 1),
effective AS (
    SELECT m.user_id, m.mentions, m.dms_closed_at, m.posts_per_week,
           h.guild_id AS home_guild_id,
           COALESCE(m.timezone, s.timezone, 'UTC') AS tz,
           COALESCE(m.reminder_time, '18:00') AS at,
           COALESCE(s.consistency_days, 7) AS consistency_days,
           COALESCE(s.engagement_day, 2) AS engagement_day,
           s.digest_channel_id, COALESCE(s.mentions, 0) AS guild_mentions,
           COALESCE(s.dms, 1) AS guild_dms
    FROM members m
    LEFT JOIN home h ON h.user_id = m.user_id
    LEFT JOIN guild_settings s ON s.guild_id = h.guild_id
    WHERE m.reminders = 1)
"""


class SQLiteReminders(Jobs):
    """Reminder schedules and records, run in `SQLiteStorage`'s transactions."""

    _transaction: Callable[..., AbstractAsyncContextManager[Any]]

    # ---- reminders -------------------------------------------------------------------------

    async def reminder_times(self) -> set[tuple[str, str]]:
        rows = await self._lookup(all_rows(f"{_EFFECTIVE} SELECT DISTINCT tz, at FROM effective"))
        return {(tz, at) for tz, at in rows}

    async def reminder_candidates(
        self, timezone: str, at: str, week: date
    ) -> list[ReminderCandidate]:
        return await self._candidates(
            "e.tz = :tz AND e.at = :at", {"tz": timezone, "at": at, "week": week.isoformat()}
        )

    async def reminder_candidate(self, user_id: int, week: date) -> ReminderCandidate | None:
        found = await self._candidates(
            "e.user_id = :user", {"user": user_id, "week": week.isoformat()}
        )
        return found[0] if found else None

    async def _candidates(self, where: str, params: dict[str, object]) -> list[ReminderCandidate]:
        rows = await self._lookup(
            all_rows(
                f"""
            {_EFFECTIVE}
            SELECT e.user_id, e.tz, e.dms_closed_at, e.mentions, e.home_guild_id,
                   e.consistency_days, e.engagement_day, e.digest_channel_id,
                   e.guild_mentions, e.posts_per_week, e.guild_dms,
                   (SELECT MAX(taken_at) FROM readings r WHERE r.user_id = e.user_id),
                   (SELECT count(*) FROM reminders_sent x
                    WHERE x.user_id = e.user_id AND x.kind = 'consistency'
                      AND x.sent_at > (SELECT MAX(taken_at) FROM readings r
                                       WHERE r.user_id = e.user_id)),
                   (SELECT group_concat(kind) FROM reminders_sent x
                    WHERE x.user_id = e.user_id AND x.week = :week),
                   EXISTS (SELECT 1 FROM reminders_sent x
                           WHERE x.user_id = e.user_id AND x.via = 'mention'
                             AND x.sent_at >= e.dms_closed_at)
            FROM effective e WHERE {where}
            ORDER BY e.user_id
            """,
                params,
            )
        )
        return [
            ReminderCandidate(
                user_id=user_id,
                timezone=zone(tz),
                last_reading=maybe_instant(last),
                dms_closed_at=maybe_instant(closed),
                allows_mentions=bool(mentions),
                home_guild_id=home,
                consistency_days=days,
                engagement_day=engagement_day,
                digest_channel_id=channel,
                guild_mentions=bool(guild_mentions),
                reminded=frozenset((kinds or "").split(",")) - {""},
                fell_back=bool(fell_back),
                posts_per_week=target,
                guild_dms=bool(guild_dms),
                consistency_sent=sent_since,
            )
            for (
                user_id,
                tz,
                closed,
                mentions,
                home,
                days,
                engagement_day,
                channel,
                guild_mentions,
                target,
                guild_dms,
                last,
                sent_since,
                kinds,
                fell_back,
            ) in rows
        ]

    async def recent_readings(self, user_id: int, since: datetime) -> list[Reading]:
        rows = await self._lookup(
            all_rows(
                f"""
            SELECT {READING_COLUMNS} FROM (
                SELECT *, ROW_NUMBER() OVER (
                    PARTITION BY platform ORDER BY taken_at DESC, id DESC) AS n
                FROM readings WHERE user_id = :user AND taken_at < :since) AS x
            WHERE n = 1
            UNION ALL
            SELECT {READING_COLUMNS} FROM readings WHERE user_id = :user AND taken_at >= :since
            ORDER BY platform, taken_at, id
            """,
                {"user": user_id, "since": ts(since)},
            )
        )
        return readings(rows)

    async def recent_posts(self, user_id: int, since: datetime) -> list[Post]:
        return await self._lookup(
            lambda conn: member_posts(conn, ":user", {"user": user_id}, since)
        )

    async def record_reminder(
        self,
        user_id: int,
        kind: str,
        week: date,
        *,
        owner: str,
        guild_id: int | None,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        # A new claim, or one whose sender stopped before saying how it went.
        async with self._transaction() as db:
            rows = await fetch_all(
                db,
                """
                INSERT INTO reminders_sent (user_id, kind, week, via, guild_id, sent_at, owner,
                                            lease_until)
                VALUES (:user, :kind, :week, 'pending', :guild, :now, :owner, :lease)
                ON CONFLICT (user_id, kind, week) DO UPDATE SET
                    owner = :owner, lease_until = :lease, sent_at = :now
                WHERE reminders_sent.via = 'pending' AND reminders_sent.lease_until < :now
                RETURNING 1
                """,
                {
                    "user": user_id,
                    "kind": kind,
                    "week": week.isoformat(),
                    "guild": guild_id,
                    "now": ts(now),
                    "owner": owner,
                    "lease": ts(lease_until),
                },
            )
        return bool(rows)

    async def set_reminder_via(self, user_id: int, kind: str, week: date, via: str) -> None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE reminders_sent SET via = ?, owner = NULL, lease_until = NULL"
                " WHERE user_id = ? AND kind = ? AND week = ?",
                (via, user_id, kind, week.isoformat()),
            )

    async def reminder_claims(self, now: datetime) -> OpenClaims[tuple[int, str, date]]:
        rows = await self._lookup(
            all_rows(
                "SELECT user_id, kind, week, lease_until FROM reminders_sent"
                " WHERE via = 'pending' ORDER BY lease_until",
            )
        )
        return open_claims(
            [((user, kind, date.fromisoformat(week)), lease) for user, kind, week, lease in rows],
            now,
        )

    async def set_dms_closed(self, user_id: int, closed_at: datetime | None) -> None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE members SET dms_closed_at = ? WHERE user_id = ?",
                (ts(closed_at) if closed_at else None, user_id),
            )
