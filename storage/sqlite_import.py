"""SQLite for `/import`: count what a file would add (a read), and add it (one write), leaving
out what is stored already: a reading with the same platform, instant and followers, a post
with the same platform, instant and views."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.domain.imports import Parsed
from storage.ports_own_data import ImportCounts
from storage.sqlite_profile import join, profile
from storage.sqlite_rows import in_batches, ts

_READINGS_STORED = "SELECT platform, taken_at, followers FROM readings WHERE user_id = ?"
_POSTS_STORED = "SELECT platform, posted_at, views FROM posts WHERE user_id = ?"
_NEW_READINGS = (
    "INSERT INTO readings (user_id, platform, taken_at, followers, following, source, note,"
    " guild_id, logged_at) VALUES "
)
_NEW_POSTS = (
    "INSERT INTO posts (user_id, platform, posted_at, views, likes, comments, shares, link,"
    " source, guild_id, logged_at) VALUES "
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
    adds it, with source `imported`. What the member has stored is read once, and the new
    rows are written a batch per statement: a few trips for a file of thousands of rows."""
    if write:
        member = profile(conn, user_id, guild_id, platform_to_show=False)
        join(conn, member, guild_id=guild_id, display_name=display_name, now=now)
    logged_at = ts(now)
    stored = {tuple(row) for row in conn.execute(_READINGS_STORED, (user_id,))}
    readings: list[tuple[object, ...]] = []
    for r in parsed.readings:
        key = (r.platform.value, ts(r.taken_at), r.followers)
        if key not in stored:
            stored.add(key)
            readings.append((user_id, *key, r.following, "imported", r.note, guild_id, logged_at))
    stored = {tuple(row) for row in conn.execute(_POSTS_STORED, (user_id,))}
    posts: list[tuple[object, ...]] = []
    for p in parsed.posts:
        key = (p.platform.value, ts(p.posted_at), p.counts.views)
        if key not in stored:
            stored.add(key)
            c = p.counts
            counts = (c.likes, c.comments, c.shares)
            posts.append((user_id, *key, *counts, p.link, "imported", guild_id, logged_at))
    if write:
        _insert(conn, _NEW_READINGS, readings)
        _insert(conn, _NEW_POSTS, posts)
    return ImportCounts(
        readings=len(readings),
        posts=len(posts),
        skipped=len(parsed.readings) + len(parsed.posts) - len(readings) - len(posts),
    )


def _insert(conn: sqlite3.Connection, statement: str, rows: list[tuple[object, ...]]) -> None:
    """`rows` inserted by `statement` (up to VALUES), a batch per execution, in order."""
    for values, params in in_batches(rows):
        conn.execute(statement + values, params)
