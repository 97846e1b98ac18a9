"""Posting and engagement rules against a small independent reference, over random histories.

Posts reuse the reading histories of `test_rules_reference` (zones with DST changes, backfills
in any order, gaps of weeks): the reference finds weeks by comparing instants with local
Monday midnights and picks "the last 30 posts" by scanning an unsorted list.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.digest import DigestMember, build_report
from bot.domain.engagement import WINDOW, engagement_of
from bot.domain.models import Platform, Post, PostCounts, Source
from bot.domain.rules import posting_streak, week_of
from bot.domain.summaries import posting
from tests.bot.test_rules_reference import (
    PLATFORMS,
    ZONES,
    History,
    histories,
    ref_monday_midnight,
    ref_week,
)

# ---- the reference ---------------------------------------------------------------------------


def ref_posting_streak(posted: list[datetime], tz: ZoneInfo, this_week: date, target: int) -> int:
    count_in = {}
    for moment in posted:
        week = ref_week(moment, tz)
        count_in[week] = count_in.get(week, 0) + 1
    week = this_week if count_in.get(this_week, 0) >= target else this_week - timedelta(7)
    streak = 0
    while count_in.get(week, 0) >= target:
        streak += 1
        week -= timedelta(7)
    return streak


def ref_rate(posts: list[Post], platform: Platform) -> Fraction | None:
    """By views over the last 30 posts on the platform, newest by date, ties by id."""
    mine = [p for p in posts if p.platform is platform]
    newest: list[Post] = []
    for _ in range(min(WINDOW, len(mine))):
        best = max((p for p in mine if p not in newest), key=lambda p: (p.posted_at, p.id))
        newest.append(best)
    views = sum(p.counts.views for p in newest)
    if views == 0:
        return None
    return Fraction(
        sum(p.counts.likes + p.counts.comments + p.counts.shares for p in newest), views
    )


# ---- random posts ------------------------------------------------------------------------------


@st.composite
def posts_of(draw: st.DrawFn, history: History, user_id: int = 1) -> list[Post]:
    """One post per reading instant of `history` (so posts cluster, backfill and skip weeks
    as readings do), plus a few more at the same instants, with random counts."""
    moments = [r.taken_at for r in history.readings]
    moments += draw(st.lists(st.sampled_from(moments), max_size=40)) if moments else []
    found = []
    for index, moment in enumerate(moments, start=1):
        views = draw(st.integers(0, 5_000))
        found.append(
            Post(
                id=index,
                user_id=user_id,
                platform=draw(st.sampled_from(PLATFORMS)),
                posted_at=moment,
                counts=PostCounts(
                    views,
                    draw(st.integers(0, views)),
                    draw(st.integers(0, views)),
                    draw(st.integers(0, views)),
                ),
                source=Source.SELF_REPORTED,
            )
        )
    return found


def stored(posts: list[Post], platform: Platform | None = None) -> list[Post]:
    """As storage returns them: oldest first, ties by id."""
    chosen = [p for p in posts if platform is None or p.platform is platform]
    return sorted(chosen, key=lambda p: (p.posted_at, p.id))


# ---- the properties ----------------------------------------------------------------------------


@given(histories(), st.integers(1, 4), st.sampled_from(ZONES))
def test_posting_streak_matches_the_reference(history: History, target: int, zone: str) -> None:
    # `zone` differs from the history's own: a member who moved counts weeks in the new one.
    for tz in (history.zone, ZoneInfo(zone)):
        this_week = ref_week(history.now, tz)
        posted = [r.taken_at for r in history.readings if r.taken_at <= history.now]
        expected = ref_posting_streak(posted, tz, this_week, target)
        assert posting_streak(posted, tz, this_week, target) == expected
        summary = posting(posted, history.now, tz, target)
        if not posted:
            assert summary is None
        else:
            assert summary is not None and summary.streak == expected
            assert summary.this_week == sum(1 for m in posted if ref_week(m, tz) == this_week)


@given(st.data())
def test_engagement_matches_the_reference(data: st.DataObject) -> None:
    history = data.draw(histories())
    posts = data.draw(posts_of(history))
    for platform in PLATFORMS:
        found = engagement_of(stored(posts, platform), 10_000)
        expected = ref_rate(posts, platform)
        if not any(p.platform is platform for p in posts):
            assert found is None
            continue
        assert found is not None
        assert found.posts == min(WINDOW, sum(1 for p in posts if p.platform is platform))
        if expected is None:
            assert found.by_views is None
        else:
            assert found.by_views is not None
            assert abs(found.by_views - float(expected)) < 1e-12


@given(st.data(), st.sampled_from(ZONES), st.integers(0, 51))
def test_digest_posts_match_the_reference(
    data: st.DataObject, server_zone: str, week_index: int
) -> None:
    server = ZoneInfo(server_zone)
    history = data.draw(histories())
    posts = data.draw(posts_of(history))
    week = date(2025, 12, 29) + timedelta(weeks=week_index)
    start, end = ref_monday_midnight(week, server), ref_monday_midnight(week + timedelta(7), server)
    member = DigestMember(1, "m", history.zone, since=start - timedelta(days=400))
    readings = sorted(history.readings, key=lambda r: (r.platform, r.taken_at, r.id))
    report = build_report([member], readings, week, start, end, server, stored(posts))
    in_week = [p for p in posts if ref_week(p.posted_at, server) == week]
    ever_before_end = [p for p in posts if p.posted_at < end]
    assert report.posts == (len(in_week) if ever_before_end else None)
    for row in report.rows:
        expected = sum(1 for p in in_week if p.platform is row.platform)
        assert row.posts == (expected if ever_before_end else None)


def test_a_time_zone_change_moves_a_post_at_midnight_between_weeks() -> None:
    # Monday 2 Nov 2026 00:30 in Berlin is Sunday 1 Nov 23:30 UTC.
    berlin, utc = ZoneInfo("Europe/Berlin"), ZoneInfo("UTC")
    late = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
    earlier = [datetime(2026, 10, 28, 12, tzinfo=UTC)]  # Wednesday of the week before
    posted = [*earlier, late]
    assert week_of(late, berlin) == date(2026, 11, 2)
    assert week_of(late, utc) == date(2026, 10, 26)
    now = datetime(2026, 11, 4, 12, tzinfo=UTC)
    # In UTC both posts are in the week of 26 Oct: a 2-post target is met there.
    assert posting_streak(posted, utc, week_of(now, utc), 2) == 1
    # In Berlin they fall in two weeks: one post each, the target of 2 is met in neither.
    assert posting_streak(posted, berlin, week_of(now, berlin), 2) == 0
    assert posting_streak(posted, berlin, week_of(now, berlin), 1) == 2


def test_a_posting_streak_across_the_autumn_dst_change() -> None:
    # Berlin leaves summer time on Sunday 25 Oct 2026 at 03:00; that week is 25 hours long.
    berlin = ZoneInfo("Europe/Berlin")
    sunday_late = datetime(2026, 10, 25, 22, 59, tzinfo=UTC)  # 23:59 CET, still that week
    monday = datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # 00:00 CET Monday 26 Oct
    posted = [datetime(2026, 10, 20, 10, tzinfo=UTC), sunday_late, monday]
    assert week_of(sunday_late, berlin) == date(2026, 10, 19)
    assert week_of(monday, berlin) == date(2026, 10, 26)
    this_week = date(2026, 10, 26)
    assert posting_streak(posted, berlin, this_week, 1) == 2
    assert posting_streak(posted, berlin, this_week, 2) == 1  # last week had 2, this week 1


def test_only_the_last_thirty_posts_count_and_followers_then_may_be_unknown() -> None:
    def at(day: int, views: int, likes: int, followers: int | None) -> Post:
        return Post(
            day,
            1,
            Platform.TIKTOK,
            datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day),
            PostCounts(views, likes, 0, 0),
            Source.SELF_REPORTED,
            followers_then=followers,
        )

    old = [at(day, 100, 100, 1_000) for day in range(5)]  # 100% each, pushed out
    recent = [at(day, 100, 10, None if day % 2 else 2_000) for day in range(5, 35)]
    found = engagement_of([*old, *recent], 50_000)
    assert found is not None
    assert found.posts == 30
    assert found.by_views == 0.1
    # Only the 15 posts with a follower count known count toward the rate by followers.
    assert found.by_followers == 150 / (15 * 2_000)
    assert found.benchmark is not None and found.benchmark.tier == "10K–100K followers"
    # No latest reading: the size is the follower count at the newest post...
    sized = engagement_of(recent, None)
    assert sized is not None and sized.followers == 2_000
    assert sized.benchmark is not None and sized.benchmark.tier == "under 10K followers"
    # ...and when that is unknown too, there is no size, so no benchmark.
    unsized = engagement_of(recent[:-1], None)
    assert unsized is not None and unsized.benchmark is None and unsized.low is None
