"""/post end to end: a post's own numbers, engagement rates, posting target and streak,
through real discord.py dispatch against SimCord and a real SQLite file."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.support.db import count_rows, query
from tests.support.simulated import take_user_errors, unchecked_slash

DAY = 86_400


def fields(result) -> dict[str, str]:
    embed = result.response.embeds[0]
    return {field.name: field.value for field in embed.fields}


def posts(world: World) -> int:
    return count_rows(world.db_path, "posts")


async def test_a_post_is_stored_and_answered_with_its_rates(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=5000, following=300)
    result = await world.alice.slash(
        world.channel, "post", views=1000, likes=50, comments=6, shares=4
    )
    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "TikTok post logged"
    shown = fields(result)
    assert (shown["Views"], shown["Likes"], shown["Comments"], shown["Shares"]) == (
        "1,000",
        "50",
        "6",
        "4",
    )
    assert shown["This post, by views"] == "6.0%"  # (50 + 6 + 4) / 1,000
    engagement = shown["Engagement · TikTok"]
    # By followers: 60 / 5,000 followers at the time of the post.
    assert "By views **6.0%** · by followers **1.2%** (last 1 post)" in engagement
    assert (
        "Rough benchmark (estimate) for TikTok creators under 10K followers: about 8%+ by views"
        in engagement
    )
    assert shown["Posting"].startswith("**1 of 3** posts this week")
    stored = query(
        world.db_path,
        "SELECT platform, views, likes, comments, shares, source, link FROM posts",
    )
    assert stored == [("tiktok", 1000, 50, 6, 4, "self_reported", None)]
    # The post's own likes never touch the profile totals a reading carries.
    assert query(world.db_path, "SELECT likes, posts FROM readings") == [(None, None)]


async def test_zero_views_is_no_rate_never_an_error(world: World) -> None:
    result = await world.alice.slash(world.channel, "post", views=0, likes=0, comments=0, shares=0)
    shown = fields(result)
    assert shown["This post, by views"] == "no rate"
    assert "By views **no rate (no views yet)**" in shown["Engagement · TikTok"]
    # No reading before the post: no follower count to divide by, and no tier to read.
    assert "needs a `/log` reading from before your posts" in shown["Engagement · TikTok"]
    assert posts(world) == 1
    assert world.env.errors == []


BAD_POSTS = [
    ({"views": 100, "likes": 101, "comments": 0, "shares": 0}, "`likes` (101) can't be more"),
    (
        {"views": 100, "likes": 5, "comments": 200, "shares": 300},
        "`comments` (200) and `shares` (300) can't be more than `views` (100)",
    ),
    ({"views": -1, "likes": 0, "comments": 0, "shares": 0}, "`views` can't be negative"),
    ({"views": 10, "likes": 1, "comments": 0, "shares": 0, "date": "2026-01-02"}, "future"),
    ({"views": 10, "likes": 1, "comments": 0, "shares": 0, "link": "javascript:x"}, "`link`"),
    ({"views": 10, "likes": 1, "comments": 0, "shares": 0, "link": "https://a b"}, "`link`"),
    ({"views": 10, "likes": 1, "comments": 0, "shares": 0, "platform": "myspace"}, "platform"),
]


@pytest.mark.parametrize(("options", "expected"), BAD_POSTS)
async def test_a_mistake_is_answered_privately_and_stores_nothing(
    world: World, options: dict[str, object], expected: str
) -> None:
    result = await unchecked_slash(world.alice, world.channel, "post", **options)
    assert result.ephemeral
    assert expected in result.response.content
    assert take_user_errors(world.env) == [result.response.content]
    assert posts(world) == 0
    assert query(world.db_path, "SELECT count(*) FROM members") == [(0,)]


async def test_the_same_post_sent_twice_is_stored_once(world: World) -> None:
    options = {"views": 900, "likes": 80, "comments": 3, "shares": 1}
    await world.alice.slash(world.channel, "post", **options)
    again = await world.alice.slash(world.channel, "post", **options)
    assert again.ephemeral
    assert "Already logged" in again.response.content
    assert posts(world) == 1
    await world.env.advance_time(3600)  # an hour later the same numbers are a new post
    await world.alice.slash(world.channel, "post", **options)
    assert posts(world) == 2


async def test_link_platform_and_a_backfilled_day(world: World) -> None:
    link = "https://www.instagram.com/reel/abc123/"
    result = await world.alice.slash(
        world.channel,
        "post",
        views=4000,
        likes=300,
        comments=20,
        shares=12,
        platform="instagram",
        link=link,
        date="2025-12-20",
    )
    embed = result.response.embeds[0]
    assert embed.title == "Instagram post logged"
    assert embed.description == "Backfilled for Sat 20 Dec 2025"
    assert fields(result)["Link"] == f"<{link}>"
    # No benchmark is invented for platforms PRODUCT.md gives none for.
    assert "No rough benchmark for Instagram yet." in fields(result)["Engagement · Instagram"]
    assert query(world.db_path, "SELECT platform, posted_at, link FROM posts") == [
        ("instagram", 1766232000, link)  # local noon of the day, as a backfilled reading
    ]
    # A backfilled post from last year is not one of this week's.
    assert fields(result)["Posting"].startswith("**0 of 3** posts this week")


async def test_posting_target_and_streak(world: World) -> None:
    await world.alice.slash(world.channel, "me", posts_per_week=2)
    # SimCord's clock starts on Thursday 1 Jan 2026 (UTC): two posts that week.
    await world.alice.slash(world.channel, "post", views=10, likes=1, comments=0, shares=0)
    await world.env.advance_time(DAY)
    second = await world.alice.slash(world.channel, "post", views=20, likes=1, comments=0, shares=0)
    assert fields(second)["Posting"] == (
        "**2 of 2** posts this week · posting streak **1 week** with 2+ posts"
    )
    await world.env.advance_time(4 * DAY)  # Tuesday 6 Jan: one post so far this week
    third = await world.alice.slash(world.channel, "post", views=30, likes=1, comments=0, shares=0)
    # The week under way has not reached the target: the streak counts from last week.
    assert fields(third)["Posting"] == (
        "**1 of 2** posts this week · posting streak **1 week** with 2+ posts"
    )
    me = await world.alice.slash(world.channel, "me")
    assert "Posting target: **2 posts a week**" in me.response.content


async def test_net_shows_engagement_and_posting_beside_the_logging_streak(world: World) -> None:
    await world.alice.slash(world.channel, "log", followers=20_000, following=100)
    for views, likes in ((1000, 40), (3000, 90)):
        await world.alice.slash(
            world.channel, "post", views=views, likes=likes, comments=0, shares=0
        )
        await world.env.advance_time(3600)
    net = await world.alice.slash(world.channel, "net")
    shown = fields(net)
    assert "Logging streak" in shown
    assert shown["Posting"].startswith("**2 of 3** posts this week")
    # (40 + 90) / (1,000 + 3,000) = 3.25%; by followers (40 + 90) / (20,000 + 20,000).
    assert (
        "By views **3.2%** · by followers **0.3%** (last 2 posts)" in shown["Engagement · TikTok"]
    )
    assert "10K–100K followers: about 5–8% by views" in shown["Engagement · TikTok"]
    # Bob looks at Alice's numbers: the same figures, about her.
    theirs = fields(await world.bob.slash(world.channel, "net", member=world.alice))
    assert theirs["Engagement · TikTok"] == shown["Engagement · TikTok"]
