"""What /net and /history show, computed from a member's readings on one platform.

Growth over every stretch comes from `bot.domain.rules.growth_over`, so a week or period
without a reading says so instead of showing zero.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.engagement import Engagement, engagement_of
from bot.domain.goals import Goal, Progress, progress
from bot.domain.models import DEFAULT_POSTS_PER_WEEK, Period, Post, Reading, taken_at_of
from bot.domain.periods import local_midnight, period_bounds, week_bounds, week_of
from bot.domain.records import record
from bot.domain.rules import Measured, growth_over, logging_streak, posting_streak, posts_per_week

GLANCE_WEEKS = 6


def reading_at(readings: Sequence[Reading], moment: datetime) -> Reading | None:
    """The last reading taken at or before `moment` (`readings` in time order)."""
    index = bisect_right(readings, moment, key=taken_at_of)
    return readings[index - 1] if index else None


@record
class WeekGlance:
    monday: date  # the local Monday the week starts on
    growth: Measured
    current: bool


def glance(
    readings: Sequence[Reading], now: datetime, tz: ZoneInfo, weeks: int = GLANCE_WEEKS
) -> list[WeekGlance]:
    """Growth in each of the last `weeks` local weeks (Monday to Sunday), newest first,
    leaving out the weeks before the member's first reading (`readings` start with the one
    before the oldest week, when there is one)."""
    this_monday = week_of(now, tz)
    first_week = week_of(readings[0].taken_at, tz) if readings else this_monday
    found = []
    for back in range(weeks):
        monday = this_monday - timedelta(weeks=back)
        if monday < first_week:
            break
        start, end = week_bounds(monday, tz)
        found.append(WeekGlance(monday, growth_over(readings, start, end), back == 0))
    return found


@record
class Posting:
    """Posts this local week against the member's target, and their posting streak."""

    this_week: int
    target: int
    streak: int  # `bot.domain.rules.posting_streak`


def posting(posted: Sequence[datetime], now: datetime, tz: ZoneInfo, target: int) -> Posting | None:
    """`posted`: when each of the member's posts went out (any platform). None for a member
    who never logged a post: their posting is unknown, not zero."""
    if not posted:
        return None
    this_week = week_of(now, tz)
    return Posting(
        this_week=posts_per_week(posted, tz)[this_week],
        target=target,
        streak=posting_streak(posted, tz, this_week, target),
    )


@record
class NetSummary:
    """What /net shows: the latest reading, growth over the period, recent weeks, the streak."""

    latest: Reading
    period: Period
    period_start: datetime | None
    growth: Measured
    weeks: list[WeekGlance]
    streak: int
    timezone: ZoneInfo
    engagement: Engagement | None = None  # None: no post logged on this platform
    posting: Posting | None = None  # None: no post logged anywhere
    goal: Progress | None = None  # None: no goal on this platform


def summarize(
    readings: Sequence[Reading],
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    taken: Iterable[datetime] | None = None,
    posts: Sequence[Post] = (),
    posted: Sequence[datetime] = (),
    posts_target: int = DEFAULT_POSTS_PER_WEEK,
    goal: Goal | None = None,
    purged: frozenset[int] = frozenset(),
) -> NetSummary | None:
    """`taken`: the instants of the member's readings on every platform, for the streak
    (default: the readings given). `posts`: their last posts on this platform, oldest first;
    `posted`: when each of their posts on every platform went out."""
    latest = reading_at(readings, now)
    if latest is None:
        return None
    start, end = period_bounds(period, now, tz)
    moments = taken if taken is not None else (r.taken_at for r in readings)
    return NetSummary(
        latest=latest,
        period=period,
        period_start=start,
        growth=growth_over(readings, start, end),
        weeks=glance(readings, now, tz),
        streak=logging_streak(moments, tz, week_of(now, tz)),
        timezone=tz,
        engagement=engagement_of(posts, latest.followers),
        posting=posting(posted, now, tz, posts_target),
        goal=None if goal is None else progress(goal, readings, now, tz, purged),
    )


def history_since(period: Period, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The earliest instant /net and /history need readings from (the glance needs 6 weeks)."""
    start, _ = period_bounds(period, now, tz)
    if start is None:
        return None
    glance_start = local_midnight(week_of(now, tz) - timedelta(weeks=GLANCE_WEEKS - 1), tz)
    return min(start, glance_start)
