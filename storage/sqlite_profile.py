"""A member's profile as one command sees it, read inside that command's transaction."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.domain.models import DEFAULT_PLATFORM, DEFAULT_POSTS_PER_WEEK, MemberProfile, Platform
from storage.sqlite_rows import ts, zone


def profile(
    conn: sqlite3.Connection, user_id: int, guild_id: int | None, *, platform_to_show: bool
) -> MemberProfile:
    """The member's settings and standing in this server; with `platform_to_show`, also the
    platform read commands show when none is named (a scan only read commands pay for)."""
    last_platform = (
        """(SELECT r.platform FROM readings r WHERE r.user_id = :user
            ORDER BY r.platform = (SELECT default_platform FROM members
                                   WHERE user_id = :user) DESC,
                     r.taken_at DESC, r.id DESC
            LIMIT 1)"""
        if platform_to_show
        else "NULL"
    )
    row = conn.execute(
        f"""
        SELECT m.default_platform, COALESCE(m.timezone, s.timezone),
               g.user_id IS NOT NULL, g.display_name, {last_platform}, m.posts_per_week,
               s.timezone, m.hidden
        FROM (SELECT :user AS user_id) q
        LEFT JOIN members m ON m.user_id = q.user_id
        LEFT JOIN member_guilds g ON g.guild_id = :guild AND g.user_id = q.user_id
        LEFT JOIN guild_settings s ON s.guild_id = :guild
        """,
        {"user": user_id, "guild": guild_id},
    ).fetchone()
    default_platform, timezone, logged_here, display_name, last, target, server_tz, hidden = row
    return MemberProfile(
        user_id=user_id,
        default_platform=Platform(default_platform or DEFAULT_PLATFORM),
        timezone=zone(timezone),
        known=default_platform is not None,
        logged_here=bool(logged_here),
        last_platform=Platform(last) if last else None,
        display_name=display_name,
        posts_per_week=target or DEFAULT_POSTS_PER_WEEK,
        server_timezone=zone(server_tz),
        hidden=bool(hidden),
    )


def join(
    conn: sqlite3.Connection,
    member: MemberProfile,
    *,
    guild_id: int | None,
    display_name: str | None,
    now: datetime,
) -> None:
    """Record a member on their first entry, and that they logged in this server (under the
    name they go by there), inside the entry's own transaction. Writes only what changed."""
    if not member.known:
        conn.execute(
            "INSERT INTO members (user_id, default_platform, created_at) VALUES (?, ?, ?)",
            (member.user_id, member.default_platform.value, ts(now)),
        )
    renamed = display_name is not None and display_name != member.display_name
    if guild_id is not None and (not member.logged_here or renamed):
        conn.execute(
            "INSERT INTO member_guilds (guild_id, user_id, first_logged_at, display_name)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id, user_id) DO UPDATE SET"
            " display_name = COALESCE(excluded.display_name, member_guilds.display_name)",
            (guild_id, member.user_id, ts(now), display_name),
        )
