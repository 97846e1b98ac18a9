"""SQLite for `/import`: count what a file would add (a read), and add it (one write), leaving
out what is stored already: a reading with the same platform, instant and followers, a post
with the same platform, instant and views."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.domain.imports import Parsed
from storage.ports_own_data import ImportCounts
from storage.sqlite_profile import join, profile
from storage.sqlite_rows import ts

_READING_EXISTS = (
    "SELECT 1 FROM readings WHERE user_id = ? AND platform = ? AND taken_at = ? AND followers = ?"
)
_POST_EXISTS = (
    "SELECT 1 FROM posts WHERE user_id = ? AND platform = ? AND posted_at = ? AND views = ?"
)


def import_history(
    conn: sqlite3.Connection,
    user_id: int,
    guild_id: int | None,
    display_name: str | None,
    parsed: Parsed,
    now: datetime,
    *,
    write: bool,
) -> ImportCounts:
    """What `parsed` adds for the member, and with `write` (inside the writer's transaction)
    adds it, with source `imported`."""
    if write:
        member = profile(conn, user_id, guild_id, platform_to_show=False)
        join(conn, member, guild_id=guild_id, display_name=display_name, now=now)
    readings = posts = 0
    seen: set[tuple[str, int, int]] = set()
    for r in parsed.readings:
        key = (r.platform.value, ts(r.taken_at), r.followers)
        if key in seen or conn.execute(_READING_EXISTS, (user_id, *key)).fetchone():
            continue
        seen.add(key)
        readings += 1
        if write:
            conn.execute(
                "INSERT INTO readings (user_id, platform, taken_at, followers, following,"
                " source, note, guild_id, logged_at) VALUES (?, ?, ?, ?, ?, 'imported', ?, ?, ?)",
                (user_id, *key, r.following, r.note, guild_id, ts(now)),
            )
    for p in parsed.posts:
        key = (p.platform.value, ts(p.posted_at), p.counts.views)
        if key in seen or conn.execute(_POST_EXISTS, (user_id, *key)).fetchone():
            continue
        seen.add(key)
        posts += 1
        if write:
            c = p.counts
            conn.execute(
                "INSERT INTO posts (user_id, platform, posted_at, views, likes, comments,"
                " shares, link, source, guild_id, logged_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'imported', ?, ?)",
                (user_id, *key, c.likes, c.comments, c.shares, p.link, guild_id, ts(now)),
            )
    return ImportCounts(
        readings=readings,
        posts=posts,
        skipped=len(parsed.readings) + len(parsed.posts) - readings - posts,
    )
