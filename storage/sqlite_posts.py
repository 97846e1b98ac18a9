"""SQLite for posts (`/post`): each job runs whole in a connection's worker thread, the write
inside the writer's transaction (`storage.sqlite_writer`).

Only SQL and row mapping: where a post goes and whether to store it are the use case's
(`PostRules`). The follower count "at the time of the post" is the member's last reading on
the post's platform at or before it, found by one index seek per post.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from bot.domain.engagement import WINDOW
from bot.domain.models import Platform, Post, PostCounts, PostDraft
from storage.ports import HandledElsewhere, PostRules, PostStored, PostSurroundings
from storage.sqlite_interactions import first_sight
from storage.sqlite_profile import join, profile
from storage.sqlite_rows import instant, platform_of, source_of, ts

RefusalT = TypeVar("RefusalT")
# "No upper bound" for a query that takes one, in unix seconds.
_FAR_FUTURE = 2**62

_FOLLOWERS_THEN = """(
    SELECT r.followers FROM readings r
    WHERE r.user_id = p.user_id AND r.platform = p.platform AND r.taken_at <= p.posted_at
    ORDER BY r.taken_at DESC, r.id DESC LIMIT 1)"""
# Matches `post()` below.
POST_COLUMNS = (
    "p.id, p.user_id, p.platform, p.posted_at, p.views, p.likes, p.comments, p.shares,"
    f" p.source, p.link, p.guild_id, {_FOLLOWERS_THEN}"
)

# A member's posts: on each platform the last `WINDOW` up to :until (what the rates are
# over), and every one in (:since, :until] (what weeks and streaks count); oldest first per
# member and platform. `{members}` picks the members.
_MEMBER_POSTS = f"""
SELECT {POST_COLUMNS} FROM (
    SELECT id, ROW_NUMBER() OVER (
        PARTITION BY user_id, platform ORDER BY posted_at DESC, id DESC) AS newest
    FROM posts WHERE user_id IN ({{members}}) AND posted_at <= :until
) q JOIN posts p ON p.id = q.id
WHERE q.newest <= {WINDOW} OR p.posted_at > :since
ORDER BY p.user_id, p.platform, p.posted_at, p.id
"""

_INSERT = """
INSERT INTO posts (user_id, platform, posted_at, views, likes, comments, shares, link,
                   source, guild_id, logged_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def post(row: Sequence[Any]) -> Post:
    (id_, user_id, platform, posted_at, views, likes, comments, shares, *rest) = row
    source, link, guild_id, followers_then = rest
    return Post(
        id=id_,
        user_id=user_id,
        platform=platform_of(platform),
        posted_at=instant(posted_at),
        counts=PostCounts(views, likes, comments, shares),
        source=source_of(source),
        link=link,
        guild_id=guild_id,
        followers_then=followers_then,
    )


def member_posts(
    conn: sqlite3.Connection,
    members: str,
    params: dict[str, Any],
    since: datetime,
    until: datetime | None = None,
) -> list[Post]:
    """Posts of the members `members` (SQL over `params`) picks: see `_MEMBER_POSTS`."""
    sql = _MEMBER_POSTS.format(members=members)
    bounds = {"since": ts(since), "until": _FAR_FUTURE if until is None else ts(until)}
    rows = conn.execute(sql, {**params, **bounds}).fetchall()
    return [post(row) for row in rows]


def last_posts(
    conn: sqlite3.Connection, user_id: int, platform: Platform, until: datetime | None = None
) -> list[Post]:
    """The member's last `WINDOW` posts on `platform` (up to `until`, if given), oldest first."""
    rows = conn.execute(
        f"""
        SELECT * FROM (
            SELECT {POST_COLUMNS} FROM posts p
            WHERE p.user_id = ? AND p.platform = ? AND p.posted_at <= ?
            ORDER BY p.posted_at DESC, p.id DESC LIMIT {WINDOW}) AS x
        ORDER BY 4, 1
        """,
        (user_id, platform.value, _FAR_FUTURE if until is None else ts(until)),
    ).fetchall()
    return [post(row) for row in rows]


def posted_instants(conn: sqlite3.Connection, user_id: int) -> list[datetime]:
    """When each of the member's posts went out, on every platform, oldest first."""
    return [
        instant(at)
        for (at,) in conn.execute(
            "SELECT posted_at FROM posts WHERE user_id = ? ORDER BY posted_at", (user_id,)
        )
    ]


def latest_followers(
    conn: sqlite3.Connection, user_id: int, platform: Platform, until: datetime
) -> int | None:
    row = conn.execute(
        "SELECT followers FROM readings WHERE user_id = ? AND platform = ? AND taken_at <= ?"
        " ORDER BY taken_at DESC, id DESC LIMIT 1",
        (user_id, platform.value, ts(until)),
    ).fetchone()
    return None if row is None else int(row[0])


def _repeat(
    conn: sqlite3.Connection, draft: PostDraft, found: PostSurroundings
) -> tuple[Post, datetime] | None:
    """The same post (platform, counts and link) written since `repeat_since`, dated within
    `repeat_within` of this one, and when it was written."""
    placement = found.placement
    counts = draft.counts
    at = ts(placement.taken_at)
    within = int(placement.repeat_within.total_seconds())
    row = conn.execute(
        f"""
        SELECT {POST_COLUMNS}, p.logged_at FROM posts p
        WHERE p.user_id = ? AND p.platform = ? AND p.posted_at BETWEEN ? AND ?
          AND p.views = ? AND p.likes = ? AND p.comments = ? AND p.shares = ?
          AND p.link IS ? AND p.logged_at >= ?
        ORDER BY abs(p.posted_at - ?), p.id DESC LIMIT 1
        """,
        (
            draft.user_id,
            placement.platform.value,
            at - within,
            at + within,
            counts.views,
            counts.likes,
            counts.comments,
            counts.shares,
            draft.link,
            ts(placement.repeat_since),
            at,
        ),
    ).fetchone()
    return None if row is None else (post(row[:-1]), instant(row[-1]))


def log_post(
    conn: sqlite3.Connection, draft: PostDraft, now: datetime, rules: PostRules[RefusalT]
) -> PostStored | RefusalT | HandledElsewhere:
    """The whole of /post in its write transaction: place, check, write, read back."""
    if not first_sight(conn, draft.interaction_id, now):
        return HandledElsewhere(draft.interaction_id or 0)
    member = profile(conn, draft.user_id, draft.guild_id, platform_to_show=False)
    placement = rules.place(member)
    found = PostSurroundings(profile=member, placement=placement, repeat=None)
    repeat = _repeat(conn, draft, found)
    if repeat is not None:
        found = PostSurroundings(member, placement, *repeat)
    refusal = rules.check(found)
    if refusal is not None:
        return refusal  # nothing written
    join(conn, member, guild_id=draft.guild_id, display_name=draft.display_name, now=now)
    counts = draft.counts
    row_id = conn.execute(
        _INSERT,
        (
            draft.user_id,
            placement.platform.value,
            ts(placement.taken_at),
            counts.views,
            counts.likes,
            counts.comments,
            counts.shares,
            draft.link,
            draft.source.value,
            draft.guild_id,
            ts(now),
        ),
    ).lastrowid
    stored = conn.execute(f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id = ?", (row_id,))
    until = max(now, placement.taken_at)
    return PostStored(
        post=post(stored.fetchone()),
        found=found,
        recent=last_posts(conn, draft.user_id, placement.platform, until),
        posted=posted_instants(conn, draft.user_id),
        followers=latest_followers(conn, draft.user_id, placement.platform, now),
    )
