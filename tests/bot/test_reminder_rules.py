"""Who gets a reminder and what it says, on plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.models import Platform, Post, PostCounts, Reading, Source
from bot.domain.reminders import (
    CONSISTENCY,
    ENGAGEMENT,
    ReminderCandidate,
    mid_week,
    needs_consistency,
    needs_engagement,
)
from bot.domain.rules import Missing, NudgeKind
from cogs.reminders.render import engagement_text

NOW = datetime(2026, 11, 18, 17, tzinfo=UTC)  # Wednesday, 18:00 in Berlin
BASE = ReminderCandidate(
    user_id=1,
    timezone=ZoneInfo("Europe/Berlin"),
    last_reading=NOW - timedelta(days=7),
    dms_closed_at=None,
    allows_mentions=False,
    home_guild_id=9,
    consistency_days=7,
    engagement_day=2,
    digest_channel_id=5,
    guild_mentions=True,
    reminded=frozenset(),
)


def reading(days_ago: float, followers: int, **extra: int) -> Reading:
    return Reading(
        int(days_ago * 10),
        1,
        Platform.TIKTOK,
        NOW - timedelta(days=days_ago),
        followers,
        100,
        Source.SELF_REPORTED,
        **extra,
    )  # type: ignore[arg-type]


def post(days_ago: float, views: int, likes: int) -> Post:
    return Post(
        int(days_ago * 10),
        1,
        Platform.TIKTOK,
        NOW - timedelta(days=days_ago),
        PostCounts(views, likes, 0, 0),
        Source.SELF_REPORTED,
    )


def test_consistency_after_the_servers_days_once_a_week() -> None:
    assert needs_consistency(BASE, NOW)
    assert not needs_consistency(replace(BASE, last_reading=NOW - timedelta(days=6)), NOW)
    assert not needs_consistency(replace(BASE, reminded=frozenset({CONSISTENCY})), NOW)
    assert not needs_consistency(replace(BASE, last_reading=None), NOW)  # never logged


def test_engagement_on_the_day_in_the_members_zone_for_active_members() -> None:
    active = replace(BASE, last_reading=NOW - timedelta(days=2))
    assert needs_engagement(active, NOW)
    assert not needs_engagement(active, NOW - timedelta(days=1))
    assert not needs_engagement(replace(active, reminded=frozenset({ENGAGEMENT})), NOW)
    assert not needs_engagement(replace(active, last_reading=NOW - timedelta(days=20)), NOW)
    # 23:30 UTC on Wednesday is already Thursday in Berlin.
    late = NOW.replace(hour=23, minute=30)
    assert not needs_engagement(active, late)


def test_dms_are_retried_after_four_weeks_and_mentions_need_both_consents() -> None:
    closed = replace(BASE, dms_closed_at=NOW - timedelta(days=3))
    assert not closed.can_dm(NOW)
    assert closed.can_dm(NOW + timedelta(weeks=4))
    assert not BASE.can_mention()
    assert replace(BASE, allows_mentions=True).can_mention()
    assert not replace(BASE, allows_mentions=True, guild_mentions=False).can_mention()


BERLIN = ZoneInfo("Europe/Berlin")
# NOW is Wednesday 18 Nov, 18:00 in Berlin: this week began Monday 16 Nov 00:00 Berlin,
# 2.75 days before.


def nudge(readings: list[Reading], posts: list[Post] | None = None) -> str:
    return engagement_text(mid_week(readings, NOW, BERLIN, posts or [])) or ""


def test_the_week_so_far_is_the_same_figure_as_log_and_net() -> None:
    # Logged 9 days ago and 1 day ago: the week so far runs from the reading before Monday.
    readings = [reading(9, 1000, profile_posts=30), reading(1, 1050, profile_posts=31)]
    posted_last_week = [post(5, 1000, 100)]
    found = mid_week(readings, NOW, BERLIN, posted_last_week)
    assert found is not None and found.nudge is NudgeKind.NO_POSTS
    assert found.posts == 0  # from /post, not from the profile total (30 -> 31)
    text = nudge(readings, posted_last_week)
    assert text.startswith("Your week so far on TikTok: +50 followers (+5.0%)")
    assert "Posts this week so far: 0 of your 3." in text
    assert "No new post this week yet" in text
    # A member who never logs posts is not told they posted nothing.
    silent = mid_week(readings, NOW, BERLIN)
    assert silent is not None and silent.posts is None and silent.nudge is NudgeKind.MOMENTUM


def test_no_reading_this_week_says_so_and_gives_no_growth_advice() -> None:
    # Last week's gain (readings 10 and 4 days ago) is not "your week so far".
    readings = [reading(10, 1000), reading(4, 1200)]
    found = mid_week(readings, NOW, BERLIN)
    assert found is not None
    assert found.growth is Missing.NO_READING
    assert found.nudge is None
    text = nudge(readings)
    assert "no reading yet this week" in text
    assert "+200" not in text
    assert "growing" not in text and "flat" not in text


def test_advice_never_contradicts_the_figures_shown() -> None:
    falling = nudge([reading(5, 1000), reading(1, 948)])
    assert "−5.2%" in falling
    assert "You're growing" not in falling
    assert "Growth is flat this week" in falling
    growing = nudge([reading(5, 1000), reading(1, 1100)])
    assert "+10.0%" in growing and "You're growing" in growing
    # 10,100 followers on TikTok: the rough benchmark is about 5-8% by views.
    low = [reading(8, 10_000, profile_likes=500), reading(1, 10_100, profile_likes=900)]
    low_text = nudge(low, [post(2, 2_000, 60), post(1, 2_000, 20)])
    assert "reply to every comment in the first hour" in low_text
    # The figure the advice follows from, and the benchmark it is read against.
    assert "last 2 posts is 2.0% by views" in low_text
    assert "about 5–8% for TikTok creators 10K–100K followers" in low_text
    assert "reply to every comment" not in nudge(low, [post(1, 2_000, 120)])  # 6%
    assert engagement_text(mid_week([], NOW, BERLIN)) is None
