"""SQLite for server and member settings; part of `SQLiteStorage`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from bot.domain.models import Platform
from bot.domain.schedule import DigestDetail, EmptyWeek, GuildSettings
from storage.ports import OnSlow
from storage.schedules import MemberSettings
from storage.sqlite_rows import Jobs, all_rows, clock_time, maybe_instant, ts, zone

_SETTINGS = (
    "guild_id, timezone, digest_channel_id, digest_from, digest_day, digest_time, empty_week,"
    " grace_hours, consistency_days, engagement_day, mentions, problem, problem_at, digest_detail,"
    " dms"
)


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
        detail,
        dms,
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
        digest_detail=DigestDetail(detail),
        dms=bool(dms),
    )


class SQLiteSettings(Jobs):
    """Server and member settings, run in `SQLiteStorage`'s transactions."""

    _transaction: Callable[..., AbstractAsyncContextManager[Any]]
    # One statement through the writer (`SQLiteStorage`): committed, or deferred when slow.
    _write_one: Callable[[str, Any, OnSlow | None], Awaitable[None]]

    # ---- server settings -------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        rows = await self._lookup(
            all_rows(f"SELECT {_SETTINGS} FROM guild_settings WHERE guild_id = ?", (guild_id,))
        )
        return _settings(rows[0]) if rows else GuildSettings(guild_id)

    async def save_guild_settings(
        self, settings: GuildSettings, *, now: datetime, on_slow: OnSlow | None = None
    ) -> None:
        await self._write_one(
            """
            INSERT INTO guild_settings (guild_id, timezone, digest_channel_id, digest_from,
                digest_day, digest_time, empty_week, grace_hours, consistency_days,
                engagement_day, mentions, digest_detail, dms, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET
                timezone = excluded.timezone, digest_channel_id = excluded.digest_channel_id,
                digest_from = excluded.digest_from,
                digest_day = excluded.digest_day, digest_time = excluded.digest_time,
                empty_week = excluded.empty_week, grace_hours = excluded.grace_hours,
                consistency_days = excluded.consistency_days,
                engagement_day = excluded.engagement_day, mentions = excluded.mentions,
                digest_detail = excluded.digest_detail, dms = excluded.dms,
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
                settings.digest_detail.value,
                int(settings.dms),
                ts(now),
            ),
            on_slow,
        )

    async def digest_guilds(self) -> list[GuildSettings]:
        rows = await self._lookup(
            all_rows(
                f"SELECT {_SETTINGS} FROM guild_settings WHERE digest_channel_id IS NOT NULL"
                " ORDER BY guild_id",
            )
        )
        return [_settings(row) for row in rows]

    async def set_problem(
        self,
        guild_id: int,
        problem: str | None,
        *,
        now: datetime,
        on_slow: OnSlow | None = None,
    ) -> None:
        await self._write_one(
            """
            INSERT INTO guild_settings (guild_id, problem, problem_at, updated_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET
                problem = excluded.problem, problem_at = excluded.problem_at
            """,
            (guild_id, problem, ts(now) if problem else None, ts(now)),
            on_slow,
        )

    # ---- member settings -------------------------------------------------------------------

    async def member_settings(self, user_id: int) -> MemberSettings:
        rows = await self._lookup(
            all_rows(
                "SELECT timezone, default_platform, reminders, reminder_time, mentions,"
                " posts_per_week, hidden FROM members WHERE user_id = ?",
                (user_id,),
            )
        )
        if not rows:
            return MemberSettings(user_id)
        tz, platform, reminders, at, mentions, target, hidden = rows[0]
        return MemberSettings(
            user_id=user_id,
            timezone=zone(tz) if tz else None,
            default_platform=Platform(platform),
            reminders=bool(reminders),
            reminder_time=clock_time(at),
            mentions=bool(mentions),
            posts_per_week=target,
            hidden=bool(hidden),
        )

    async def save_member_settings(
        self, settings: MemberSettings, *, now: datetime, on_slow: OnSlow | None = None
    ) -> None:
        await self._write_one(
            """
            INSERT INTO members (user_id, default_platform, timezone, reminders,
                                 reminder_time, mentions, posts_per_week, hidden, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                default_platform = excluded.default_platform,
                timezone = excluded.timezone, reminders = excluded.reminders,
                reminder_time = excluded.reminder_time, mentions = excluded.mentions,
                posts_per_week = excluded.posts_per_week, hidden = excluded.hidden
            """,
            (
                settings.user_id,
                settings.default_platform.value,
                settings.timezone.key if settings.timezone else None,
                int(settings.reminders),
                settings.reminder_time.strftime("%H:%M") if settings.reminder_time else None,
                int(settings.mentions),
                settings.posts_per_week,
                int(settings.hidden),
                ts(now),
            ),
            on_slow,
        )
