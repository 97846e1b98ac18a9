"""Who gets a reminder and what it says, on plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.models import Platform, Reading, Source
from bot.domain.reminders import (
    CONSISTENCY,
    ENGAGEMENT,
    ReminderCandidate,
    engagement_text,
    needs_consistency,
    needs_engagement,
)

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


def test_engagement_text_is_built_from_the_members_numbers() -> None:
    no_posts = [reading(9, 1000, posts=30), reading(1, 1050, posts=30)]
    text = engagement_text(no_posts, NOW)
    assert text is not None
    assert text.startswith("Your week so far on TikTok: +50 followers (+5.0%)")
    assert "You haven't added a post in a week" in text
    flat = [reading(13, 1000), reading(6, 1000), reading(1, 990)]
    assert "Growth has been flat for two weeks" in (engagement_text(flat, NOW) or "")
    low = [reading(8, 10_000, posts=10, likes=500), reading(1, 10_100, posts=12, likes=600)]
    assert "reply to every comment in the first hour" in (engagement_text(low, NOW) or "")
    growing = [reading(8, 1000), reading(1, 1100)]
    assert "You're growing" in (engagement_text(growing, NOW) or "")
    assert engagement_text([], NOW) is None
