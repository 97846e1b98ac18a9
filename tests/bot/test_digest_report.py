"""The digest's numbers: growth, net change, streaks, drop alerts, the nudge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestMember, build_report
from bot.domain.models import Platform, Post, PostCounts, Reading, Source
from bot.domain.narrowed import Narrowed
from bot.domain.purges import is_drop
from bot.domain.rules import Missing, NudgeKind
from bot.domain.series import Trace
from bot.domain.streaks import StreakBase

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


def post(
    user: int,
    when: datetime,
    views: int = 1000,
    likes: int = 50,
    platform: Platform = Platform.TIKTOK,
    followers_then: int | None = None,
) -> Post:
    return Post(
        next(_ids),
        user,
        platform,
        when,
        PostCounts(views, likes, 0, 0),
        Source.SELF_REPORTED,
        followers_then=followers_then,
    )


def member(user: int, name: str, tz: ZoneInfo = UTC_ZONE) -> DigestMember:
    return DigestMember(user, name, tz)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def test_drop_alert_is_five_percent_or_a_thousand() -> None:
    assert is_drop(1000, 950)
    assert not is_drop(1000, 951)
    assert is_drop(500_000, 499_000)
    assert not is_drop(100, 120)


def test_report_sorts_by_growth_percent_and_sums_the_community() -> None:
    members = [member(1, "big"), member(2, "micro"), member(3, "quiet")]
    readings = [
        reading(1, START - days(2), 100_000),
        reading(1, START + days(3), 101_000),
        reading(2, START - days(1), 200),
        reading(2, START + days(4), 260, profile_posts=12),
        reading(3, START - days(20), 5_000),
    ]
    report = build_report(
        members, sorted(readings, key=lambda r: (r.user_id, r.taken_at)), WEEK, START, END, UTC_ZONE
    )
    assert [row.member.name for row in report.rows] == ["micro", "big"]  # +30% beats +1%
    micro = report.rows[0].change
    assert micro is not None
    assert (micro.growth.delta, micro.growth.pct) == (60, 0.3)
    assert micro.net_change == 60
    assert report.community is not None and report.community.delta == 1_060
    assert [m.name for m in report.logged] == ["big", "micro"]
    assert [m.name for m in report.not_logged] == ["quiet"]
    assert not report.empty


def test_each_row_shows_its_largest_drop_and_the_earliest_of_equal_ones() -> None:
    readings = [
        reading(1, START - days(1), 10_000),
        reading(1, START + days(1), 9_000),  # -1,000
        reading(1, START + days(2), 9_500),
        reading(1, START + days(3), 7_000),  # -2,500: the largest
        reading(1, START + days(1), 5_000, platform=Platform.INSTAGRAM),
        reading(1, START + days(2), 4_000, platform=Platform.INSTAGRAM),  # -1,000
        reading(1, START + days(3), 5_000, platform=Platform.INSTAGRAM),
        reading(1, START + days(4), 4_000, platform=Platform.INSTAGRAM),  # -1,000, later
        reading(2, START - days(3), 3_000),
        reading(2, START + days(1), 3_100),  # no drop
    ]
    stored = sorted(readings, key=lambda r: (r.user_id, r.platform.value, r.taken_at, r.id))
    report = build_report([member(1, "a"), member(2, "b")], stored, WEEK, START, END, UTC_ZONE)
    drops = {(row.member.user_id, row.platform): row.drop for row in report.rows}
    tiktok, instagram = drops[(1, Platform.TIKTOK)], drops[(1, Platform.INSTAGRAM)]
    assert tiktok is not None and tiktok.change == -2_500
    assert instagram is not None and instagram.at == START + days(2)
    assert drops[(2, Platform.TIKTOK)] is None


def test_drop_alert_and_posts_this_week() -> None:
    readings = [
        reading(1, START - days(1), 20_000, profile_posts=40),
        reading(1, START + days(2), 18_500, profile_posts=41),
        reading(1, START + days(5), 18_700, profile_posts=43),
    ]
    posts = [
        post(1, START - days(2)),  # last week's
        post(1, START + days(1)),
        post(1, START + days(3)),
        post(1, START + days(6.9)),
        post(1, END + days(1)),  # next week's
        post(1, START + days(2), platform=Platform.INSTAGRAM),  # another platform
    ]
    report = build_report([member(1, "a")], readings, WEEK, START, END, UTC_ZONE, posts)
    [row] = report.rows
    assert row.drop is not None and row.drop.change == -1_500
    # Posts come from /post, never from the profile totals a reading carries (40 -> 43).
    assert row.posts == 3
    assert report.posts == 4  # every platform counts in the headline
    assert row.engagement is not None and row.engagement.posts == 4  # up to the week's end


def test_a_member_who_never_logged_a_post_has_no_posts_figure() -> None:
    readings = [reading(1, START - days(1), 1000), reading(1, START + days(2), 1100)]
    report = build_report([member(1, "a")], readings, WEEK, START, END, UTC_ZONE)
    [row] = report.rows
    assert row.posts is None  # unknown, not zero
    assert row.engagement is None
    assert report.posts is None
    assert report.nudge is not NudgeKind.NO_POSTS


def test_each_platform_is_its_own_row() -> None:
    readings = [
        reading(1, START + days(1), 100),
        reading(1, START + days(2), 150),
        reading(1, START + days(1), 7_000, platform=Platform.INSTAGRAM),
    ]
    rows = build_report(
        [member(1, "a")], sorted(readings, key=lambda r: r.platform), WEEK, START, END, UTC_ZONE
    ).rows
    assert {row.platform for row in rows} == {Platform.TIKTOK, Platform.INSTAGRAM}


def test_an_empty_week_says_so() -> None:
    report = build_report(
        [member(1, "a")], [reading(1, START - days(3), 10)], WEEK, START, END, UTC_ZONE
    )
    assert report.empty
    assert report.rows == []
    assert report.nudge is None


def test_the_nudge_follows_the_numbers() -> None:
    def nudge(readings: list[Reading], posts: list[Post] | None = None) -> NudgeKind | None:
        return build_report(
            [member(1, "a"), member(2, "b")], readings, WEEK, START, END, UTC_ZONE, posts or []
        ).nudge

    grew = [reading(1, START - days(1), 10_000), reading(1, START + days(2), 10_500)]
    # Posted last week, not this week.
    assert nudge(grew, [post(1, START - days(3))]) is NudgeKind.NO_POSTS
    # 10K-100K on TikTok: the rough benchmark starts at 5% by views; 2% is under it.
    assert nudge(grew, [post(1, START + days(1), views=1000, likes=20)]) is (
        NudgeKind.LOW_ENGAGEMENT
    )
    assert nudge(grew, [post(1, START + days(1), views=1000, likes=60)]) is NudgeKind.MOMENTUM
    stalled = [reading(1, START - days(1), 1000), reading(1, START + days(2), 1001)]
    assert nudge(stalled) is NudgeKind.STALLED
    growing = [
        reading(1, START - days(1), 1000),
        reading(1, START + days(2), 1100),
        reading(2, START - days(1), 500),
        reading(2, START + days(3), 520),
    ]
    report = build_report([member(1, "a"), member(2, "b")], growing, WEEK, START, END, UTC_ZONE)
    assert report.nudge is NudgeKind.MOMENTUM
    assert report.fastest is not None and report.fastest.member.name == "a"
    # Only first readings: no growth figure, so no growth advice either.
    assert nudge([reading(1, START + days(2), 1000)]) is None


def test_a_first_reading_is_not_flat_growth() -> None:
    report = build_report(
        [member(1, "new")], [reading(1, START + days(2), 800)], WEEK, START, END, UTC_ZONE
    )
    [row] = report.rows
    assert row.growth is Missing.NOT_ENOUGH
    assert report.community is None  # "not enough readings", never +0
    assert report.logged == [member(1, "new")]


def test_members_who_joined_after_the_week_are_not_counted_in_it() -> None:
    later = DigestMember(2, "later", UTC_ZONE, since=END + days(1))
    earlier = DigestMember(3, "earlier", UTC_ZONE, since=START - days(30))
    readings = [reading(1, START - days(1), 100), reading(1, START + days(1), 120)]
    report = build_report([member(1, "a"), later, earlier], readings, WEEK, START, END, UTC_ZONE)
    assert [m.name for m in report.not_logged] == ["earlier"]
    assert report.members == 2


def test_a_reading_at_monday_midnight_belongs_to_the_new_week() -> None:
    readings = [reading(1, START - days(3), 100), reading(1, END, 500)]
    report = build_report([member(1, "a")], readings, WEEK, START, END, UTC_ZONE)
    assert report.empty  # the reading at END opens the next week


def test_narrowed_streak_instants_come_from_every_trace_of_a_member_with_a_base() -> None:
    base = StreakBase(date(2026, 11, 9), 3, held_before=True)
    tiktok, youtube, other = Trace(1, [10, 20], [5, 6]), Trace(1, [15], [7]), Trace(2, [30], [8])
    narrowed = Narrowed.of(
        [tiktok, youtube, other], {1: base, 3: base}, {1: [1.0], 2: [2.0], 4: [4.0]}
    )
    # Member 1: both platforms' traces, not what `taken` held; 2 and 4 have no base: `taken`'s;
    # 3 has a base and no trace: nothing.
    assert sorted(narrowed.instants[1]) == [10, 15, 20]
    assert narrowed.instants[2] == [2.0] and narrowed.instants[4] == [4.0]
    assert narrowed.instants.get(3, ()) == ()
    assert list(tiktok.at) == [10, 20]  # the traces themselves are left as they were
