"""The digest's numbers: growth, net change, streaks, drop alerts, the nudge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.digest import (
    DigestMember,
    NudgeKind,
    build_report,
    is_drop,
    weekly_streak,
)
from bot.domain.models import Platform, Reading, Source

UTC_ZONE = ZoneInfo("UTC")
WEEK = date(2026, 11, 16)
START = datetime(2026, 11, 16, tzinfo=UTC)
END = datetime(2026, 11, 23, tzinfo=UTC)
_ids = iter(range(1, 10_000))


def reading(
    user: int,
    when: datetime,
    followers: int,
    platform: Platform = Platform.TIKTOK,
    following: int = 100,
    **extra: int,
) -> Reading:
    return Reading(
        next(_ids), user, platform, when, followers, following, Source.SELF_REPORTED, **extra
    )  # type: ignore[arg-type]


def member(user: int, name: str, tz: ZoneInfo = UTC_ZONE) -> DigestMember:
    return DigestMember(user, name, tz)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def test_drop_alert_is_five_percent_or_a_thousand() -> None:
    assert is_drop(1000, 950)
    assert not is_drop(1000, 951)
    assert is_drop(500_000, 499_000)
    assert not is_drop(100, 120)


def test_weekly_streak_counts_local_weeks_with_a_grace_day() -> None:
    tz = ZoneInfo("UTC")
    taken = [START - days(14) + days(3), START - days(7) + days(2), START + days(1)]
    assert weekly_streak(taken, WEEK, tz) == 3
    # Nothing in the week of Nov 9, but a Monday-morning log (grace day) keeps it.
    grace = [START - days(14) + days(3), START + timedelta(hours=5), START + days(2)]
    assert weekly_streak(grace, WEEK, tz) == 3
    assert weekly_streak([START - days(14)], WEEK, tz) == 0


def test_report_sorts_by_growth_percent_and_sums_the_community() -> None:
    members = [member(1, "big"), member(2, "micro"), member(3, "quiet")]
    readings = [
        reading(1, START - days(2), 100_000),
        reading(1, START + days(3), 101_000),
        reading(2, START - days(1), 200),
        reading(2, START + days(4), 260, posts=12),
        reading(3, START - days(20), 5_000),
    ]
    report = build_report(
        members, sorted(readings, key=lambda r: (r.user_id, r.taken_at)), WEEK, START, END
    )
    assert [row.member.name for row in report.rows] == ["micro", "big"]  # +30% beats +1%
    micro = report.rows[0]
    assert (micro.growth.delta, micro.growth.pct) == (60, 0.3)
    assert micro.net_change == 60
    assert report.community.delta == 1_060
    assert [m.name for m in report.logged] == ["big", "micro"]
    assert [m.name for m in report.not_logged] == ["quiet"]
    assert not report.empty


def test_drop_alert_and_posts_this_week() -> None:
    readings = [
        reading(1, START - days(1), 20_000, posts=40),
        reading(1, START + days(2), 18_500, posts=41),
        reading(1, START + days(5), 18_700, posts=43),
    ]
    [row] = build_report([member(1, "a")], readings, WEEK, START, END).rows
    assert row.drop is not None and row.drop.change == -1_500
    assert row.posts == 3


def test_each_platform_is_its_own_row() -> None:
    readings = [
        reading(1, START + days(1), 100),
        reading(1, START + days(2), 150),
        reading(1, START + days(1), 7_000, platform=Platform.INSTAGRAM),
    ]
    rows = build_report(
        [member(1, "a")], sorted(readings, key=lambda r: r.platform), WEEK, START, END
    ).rows
    assert {row.platform for row in rows} == {Platform.TIKTOK, Platform.INSTAGRAM}


def test_an_empty_week_says_so() -> None:
    report = build_report([member(1, "a")], [reading(1, START - days(3), 10)], WEEK, START, END)
    assert report.empty
    assert report.rows == []
    assert report.nudge is None


def test_the_nudge_follows_the_numbers() -> None:
    def nudge(readings: list[Reading]) -> NudgeKind:
        report = build_report([member(1, "a"), member(2, "b")], readings, WEEK, START, END)
        assert report.nudge is not None
        return report.nudge.kind

    no_posts = [
        reading(1, START - days(1), 1000, posts=5),
        reading(1, START + days(2), 1100, posts=5),
    ]
    assert nudge(no_posts) is NudgeKind.NO_POSTS
    low = [
        reading(1, START - days(1), 10_000, posts=5, likes=1000),
        reading(1, START + days(2), 10_500, posts=7, likes=1100),
    ]
    assert nudge(low) is NudgeKind.LOW_ENGAGEMENT
    stalled = [reading(1, START - days(1), 1000), reading(1, START + days(2), 1001)]
    assert nudge(stalled) is NudgeKind.STALLED
    growing = [
        reading(1, START - days(1), 1000),
        reading(1, START + days(2), 1100),
        reading(2, START - days(1), 500),
        reading(2, START + days(3), 520),
    ]
    momentum = build_report([member(1, "a"), member(2, "b")], growing, WEEK, START, END).nudge
    assert momentum is not None and momentum.kind is NudgeKind.MOMENTUM
    assert momentum.text.startswith("a grew fastest (+100 on TikTok)")
