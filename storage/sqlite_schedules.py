"""SQLite for the scheduled half: server settings, digest claims, reminders."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.digest import DigestMember
from bot.domain.models import Platform, Reading
from bot.domain.reminders import ReminderCandidate
from bot.domain.schedule import EmptyWeek, GuildSettings
from storage.schedules import (
    DigestData,
    DigestRun,
    MemberSettings,
    RunState,
    ScheduleStore,
)
from storage.sqlite_rows import (
    READING_COLUMNS,
    clock_time,
    maybe_instant,
    readings,
    ts,
    zone,
)

_SETTINGS = (
    "guild_id, timezone, digest_channel_id, digest_from, digest_day, digest_time, empty_week,"
    " grace_hours, consistency_days, engagement_day, mentions, problem, problem_at"
)
_RUN = "state, pages_posted, message_ids, late, reason, attempts, updated_at"

# Each member's reminder schedule: their own zone and time, else their home server's zone
# (the server they first logged in) and 18:00; the home server's reminder settings apply.
_EFFECTIVE = """
WITH home AS (
    SELECT user_id, guild_id FROM (
        SELECT user_id, guild_id,
               ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY first_logged_at, guild_id) AS n
        FROM member_guilds)
    WHERE n = 1),
effective AS (
    SELECT m.user_id, m.mentions, m.dms_closed_at, h.guild_id AS home_guild_id,
           COALESCE(m.timezone, s.timezone, 'UTC') AS tz,
           COALESCE(m.reminder_time, '18:00') AS at,
           COALESCE(s.consistency_days, 7) AS consistency_days,
           COALESCE(s.engagement_day, 2) AS engagement_day,
           s.digest_channel_id, COALESCE(s.mentions, 0) AS guild_mentions
    FROM members m
    LEFT JOIN home h ON h.user_id = m.user_id
    LEFT JOIN guild_settings s ON s.guild_id = h.guild_id
    WHERE m.reminders = 1)
"""


def _settings(row: Sequence[Any]) -> GuildSettings:
    (
        guild_id,
        tz,
        channel,
        digest_from,
        day,
        at,
        empty,
        grace,
        days,
        engagement,
        mentions,
        problem,
        problem_at,
    ) = row
    return GuildSettings(
        guild_id=guild_id,
        timezone=zone(tz),
        digest_channel_id=channel,
        digest_from=maybe_instant(digest_from),
        digest_day=day,
        digest_time=clock_time(at) or GuildSettings(0).digest_time,
        empty_week=EmptyWeek(empty),
        grace=timedelta(hours=grace),
        consistency_days=days,
        engagement_day=engagement,
        mentions=bool(mentions),
        problem=problem,
        problem_at=maybe_instant(problem_at),
    )


def _run(row: Sequence[Any]) -> DigestRun:
    state, pages, message_ids, late, reason, attempts, updated_at = row
    return DigestRun(
        state=RunState(state),
        pages_posted=pages,
        message_ids=[int(m) for m in json.loads(message_ids)],
        late=bool(late),
        reason=reason,
        attempts=attempts,
        updated_at=maybe_instant(updated_at),
    )


async def _rows(db: aiosqlite.Connection, sql: str, params: Any = ()) -> list[Any]:
    return list(await db.execute_fetchall(sql, params))


class SQLiteSchedules(ScheduleStore):
    """The scheduling half of `SQLiteStorage`, run in that class's transactions."""

    _transaction: Callable[..., AbstractAsyncContextManager[aiosqlite.Connection]]

    # ---- server settings -------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        async with self._transaction(write=False) as db:
            rows = await _rows(
                db, f"SELECT {_SETTINGS} FROM guild_settings WHERE guild_id = ?", (guild_id,)
            )
        return _settings(rows[0]) if rows else GuildSettings(guild_id)

    async def save_guild_settings(self, settings: GuildSettings, *, now: datetime) -> None:
        async with self._transaction(write=True) as db:
            await db.execute(
                """
                INSERT INTO guild_settings (guild_id, timezone, digest_channel_id, digest_from,
                    digest_day, digest_time, empty_week, grace_hours, consistency_days,
                    engagement_day, mentions, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (guild_id) DO UPDATE SET
                    timezone = excluded.timezone, digest_channel_id = excluded.digest_channel_id,
                    digest_from = excluded.digest_from,
                    digest_day = excluded.digest_day, digest_time = excluded.digest_time,
                    empty_week = excluded.empty_week, grace_hours = excluded.grace_hours,
                    consistency_days = excluded.consistency_days,
                    engagement_day = excluded.engagement_day, mentions = excluded.mentions,
                    updated_at = excluded.updated_at
                """,
                (
                    settings.guild_id,
                    settings.timezone.key,
                    settings.digest_channel_id,
                    ts(settings.digest_from) if settings.digest_from else None,
                    settings.digest_day,
                    settings.digest_time.strftime("%H:%M"),
                    settings.empty_week.value,
                    int(settings.grace.total_seconds() // 3600),
                    settings.consistency_days,
                    settings.engagement_day,
                    int(settings.mentions),
                    ts(now),
                ),
            )

    async def digest_guilds(self) -> list[GuildSettings]:
        async with self._transaction(write=False) as db:
            rows = await _rows(
                db,
                f"SELECT {_SETTINGS} FROM guild_settings WHERE digest_channel_id IS NOT NULL"
                " ORDER BY guild_id",
            )
        return [_settings(row) for row in rows]

    async def set_problem(self, guild_id: int, problem: str | None, *, now: datetime) -> None:
        async with self._transaction(write=True) as db:
            await db.execute(
                """
                INSERT INTO guild_settings (guild_id, problem, problem_at, updated_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (guild_id) DO UPDATE SET
                    problem = excluded.problem, problem_at = excluded.problem_at
                """,
                (guild_id, problem, ts(now) if problem else None, ts(now)),
            )

    # ---- member settings -------------------------------------------------------------------

    async def member_settings(self, user_id: int) -> MemberSettings:
        async with self._transaction(write=False) as db:
            rows = await _rows(
                db,
                "SELECT timezone, default_platform, reminders, reminder_time, mentions"
                " FROM members WHERE user_id = ?",
                (user_id,),
            )
        if not rows:
            return MemberSettings(user_id)
        tz, platform, reminders, at, mentions = rows[0]
        return MemberSettings(
            user_id=user_id,
            timezone=zone(tz) if tz else None,
            default_platform=Platform(platform),
            reminders=bool(reminders),
            reminder_time=clock_time(at),
            mentions=bool(mentions),
        )

    async def save_member_settings(self, settings: MemberSettings, *, now: datetime) -> None:
        async with self._transaction(write=True) as db:
            await db.execute(
                """
                INSERT INTO members (user_id, default_platform, timezone, reminders,
                                     reminder_time, mentions, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    default_platform = excluded.default_platform,
                    timezone = excluded.timezone, reminders = excluded.reminders,
                    reminder_time = excluded.reminder_time, mentions = excluded.mentions
                """,
                (
                    settings.user_id,
                    settings.default_platform.value,
                    settings.timezone.key if settings.timezone else None,
                    int(settings.reminders),
                    settings.reminder_time.strftime("%H:%M") if settings.reminder_time else None,
                    int(settings.mentions),
                    ts(now),
                ),
            )

    # ---- digests ---------------------------------------------------------------------------

    async def digest_data(
        self, guild_id: int, tz: ZoneInfo, since: datetime, until: datetime
    ) -> DigestData:
        async with self._transaction(write=False) as db:
            members = await _rows(
                db,
                """
                SELECT g.user_id, COALESCE(g.display_name, ''), m.timezone, m.mentions
                FROM member_guilds g JOIN members m ON m.user_id = g.user_id
                WHERE g.guild_id = ?
                """,
                (guild_id,),
            )
            found = await _rows(
                db,
                f"""
                SELECT {", ".join("r." + c.strip() for c in READING_COLUMNS.split(","))}
                FROM member_guilds g JOIN readings r ON r.user_id = g.user_id
                WHERE g.guild_id = ? AND r.taken_at > ? AND r.taken_at <= ?
                ORDER BY r.user_id, r.platform, r.taken_at, r.id
                """,
                (guild_id, ts(since), ts(until)),
            )
        return DigestData(
            members=[
                DigestMember(user_id, name, zone(own_tz) if own_tz else tz, bool(mentions))
                for user_id, name, own_tz, mentions in members
            ],
            readings=readings(found),
        )

    async def claim_digest(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        now: datetime,
        lease_until: datetime,
        force: bool = False,
    ) -> DigestRun | None:
        # Taking over keeps the pages already posted (the retry continues after them); a
        # forced claim starts over. Nobody takes a claim whose lease is still running.
        takeover = (
            "digest_runs.state <> 'claimed' OR digest_runs.lease_until < :now"
            if force
            else "digest_runs.state = 'claimed' AND digest_runs.lease_until < :now"
        )
        restart = ", pages_posted = 0, message_ids = '[]', reason = NULL" if force else ""
        async with self._transaction(write=True) as db:
            rows = await _rows(
                db,
                f"""
                INSERT INTO digest_runs (guild_id, week, state, owner, lease_until, attempts,
                                         created_at, updated_at)
                VALUES (:guild, :week, 'claimed', :owner, :lease, 1, :now, :now)
                ON CONFLICT (guild_id, week) DO UPDATE SET
                    state = 'claimed', owner = :owner, lease_until = :lease,
                    attempts = digest_runs.attempts + 1, updated_at = :now {restart}
                WHERE {takeover}
                RETURNING {_RUN}
                """,
                {
                    "guild": guild_id,
                    "week": week.isoformat(),
                    "owner": owner,
                    "lease": ts(lease_until),
                    "now": ts(now),
                },
            )
        return _run(rows[0]) if rows else None

    async def digest_page_posted(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        message_id: int,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        async with self._transaction(write=True) as db:
            rows = await _rows(
                db,
                """
                UPDATE digest_runs SET pages_posted = pages_posted + 1,
                    message_ids = json_insert(message_ids, '$[#]', ?),
                    lease_until = ?, updated_at = ?
                WHERE guild_id = ? AND week = ? AND owner = ? AND state = 'claimed'
                RETURNING 1
                """,
                (str(message_id), ts(lease_until), ts(now), guild_id, week.isoformat(), owner),
            )
        return bool(rows)

    async def finish_digest(
        self,
        guild_id: int,
        week: date,
        *,
        owner: str,
        state: RunState,
        now: datetime,
        late: bool = False,
        reason: str | None = None,
    ) -> bool:
        async with self._transaction(write=True) as db:
            rows = await _rows(
                db,
                """
                UPDATE digest_runs SET state = ?, late = ?, reason = ?, owner = NULL,
                    lease_until = NULL, updated_at = ?
                WHERE guild_id = ? AND week = ? AND owner = ? AND state = 'claimed'
                RETURNING 1
                """,
                (state.value, int(late), reason, ts(now), guild_id, week.isoformat(), owner),
            )
        return bool(rows)

    async def skip_digest(self, guild_id: int, week: date, *, reason: str, now: datetime) -> bool:
        async with self._transaction(write=True) as db:
            rows = await _rows(
                db,
                """
                INSERT INTO digest_runs (guild_id, week, state, reason, created_at, updated_at)
                VALUES (?, ?, 'skipped', ?, ?, ?)
                ON CONFLICT (guild_id, week) DO NOTHING
                RETURNING 1
                """,
                (guild_id, week.isoformat(), reason, ts(now), ts(now)),
            )
        return bool(rows)

    async def digest_run(self, guild_id: int, week: date) -> DigestRun | None:
        async with self._transaction(write=False) as db:
            rows = await _rows(
                db,
                f"SELECT {_RUN} FROM digest_runs WHERE guild_id = ? AND week = ?",
                (guild_id, week.isoformat()),
            )
        return _run(rows[0]) if rows else None

    # ---- reminders -------------------------------------------------------------------------

    async def reminder_times(self) -> set[tuple[str, str]]:
        async with self._transaction(write=False) as db:
            rows = await _rows(db, f"{_EFFECTIVE} SELECT DISTINCT tz, at FROM effective")
        return {(tz, at) for tz, at in rows}

    async def reminder_candidates(
        self, timezone: str, at: str, week: date
    ) -> list[ReminderCandidate]:
        async with self._transaction(write=False) as db:
            rows = await _rows(
                db,
                f"""
                {_EFFECTIVE}
                SELECT e.user_id, e.tz, e.dms_closed_at, e.mentions, e.home_guild_id,
                       e.consistency_days, e.engagement_day, e.digest_channel_id,
                       e.guild_mentions,
                       (SELECT MAX(taken_at) FROM readings r WHERE r.user_id = e.user_id),
                       (SELECT group_concat(kind) FROM reminders_sent x
                        WHERE x.user_id = e.user_id AND x.week = :week),
                       EXISTS (SELECT 1 FROM reminders_sent x
                               WHERE x.user_id = e.user_id AND x.via = 'mention'
                                 AND x.sent_at >= e.dms_closed_at)
                FROM effective e WHERE e.tz = :tz AND e.at = :at
                ORDER BY e.user_id
                """,
                {"tz": timezone, "at": at, "week": week.isoformat()},
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
                last,
                kinds,
                fell_back,
            ) in rows
        ]

    async def recent_readings(self, user_id: int, since: datetime) -> list[Reading]:
        async with self._transaction(write=False) as db:
            rows = await _rows(
                db,
                f"""
                SELECT {READING_COLUMNS} FROM (
                    SELECT *, ROW_NUMBER() OVER (
                        PARTITION BY platform ORDER BY taken_at DESC, id DESC) AS n
                    FROM readings WHERE user_id = :user AND taken_at < :since)
                WHERE n = 1
                UNION ALL
                SELECT {READING_COLUMNS} FROM readings WHERE user_id = :user AND taken_at >= :since
                ORDER BY platform, taken_at, id
                """,
                {"user": user_id, "since": ts(since)},
            )
        return readings(rows)

    async def record_reminder(
        self,
        user_id: int,
        kind: str,
        week: date,
        *,
        via: str,
        guild_id: int | None,
        now: datetime,
    ) -> bool:
        async with self._transaction(write=True) as db:
            rows = await _rows(
                db,
                """
                INSERT INTO reminders_sent (user_id, kind, week, via, guild_id, sent_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1
                """,
                (user_id, kind, week.isoformat(), via, guild_id, ts(now)),
            )
        return bool(rows)

    async def set_reminder_via(self, user_id: int, kind: str, week: date, via: str) -> None:
        async with self._transaction(write=True) as db:
            await db.execute(
                "UPDATE reminders_sent SET via = ? WHERE user_id = ? AND kind = ? AND week = ?",
                (via, user_id, kind, week.isoformat()),
            )

    async def set_dms_closed(self, user_id: int, closed_at: datetime | None) -> None:
        async with self._transaction(write=True) as db:
            await db.execute(
                "UPDATE members SET dms_closed_at = ? WHERE user_id = ?",
                (ts(closed_at) if closed_at else None, user_id),
            )
