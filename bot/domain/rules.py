"""The rules that are easy to get wrong, each in one function (PRODUCT.md, "Rules that are easy
to get wrong"). `/log`, `/net`, `/history`, the digest and the reminders all call these; the
tests check them against an independent reference over random histories.

- Weeks: a reading belongs to the local week (Monday 00:00 to the next Monday 00:00 in the
  member's zone) that contains its instant, so a reading at exactly Monday 00:00 opens the new
  week. Every calendar stretch is half-open the same way: [start, end).
- Growth over a stretch = followers of the latest reading inside it − followers of the last
  reading before it began. A stretch with no reading inside has no growth ("no reading"); one
  whose only reading is the member's very first has nothing to compare ("not enough
  readings"). Neither is ever zero.
- Logging streak: consecutive weeks, counted back from this week (or last week while this week
  has no reading yet), that each hold a reading of their own. A week without one is still kept
  when the Monday right after it holds a reading and that Monday's week has another reading
  (the grace day); a reading never counts for two weeks. An excused week (a likely platform
  purge) neither counts nor breaks the streak.
- Posting streak: consecutive weeks, counted back from this week (or last week while this
  week has not reached the target yet), that each hold at least the member's target of posts
  (`/me posts_per_week`). A post belongs to the local week that holds its instant, as a
  reading does; there is no grace day, since a post is dated when it went out.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.metrics import Growth
from bot.domain.models import Reading, taken_at_of
from bot.domain.periods import ONE_WEEK

# The week a reading belongs to is the first of these rules; its calendar arithmetic lives
# with the rest in `bot.domain.periods`, and is part of this module's surface.
from bot.domain.periods import week_bounds as week_bounds
from bot.domain.periods import week_of as week_of
from bot.domain.records import record

# The logging streak is counted in `bot.domain.streaks`, and is part of this module's surface.
from bot.domain.streaks import STREAK_CAP
from bot.domain.streaks import logging_streak as logging_streak
from bot.domain.streaks import logging_streak_of as logging_streak_of

# Growth under half a percent over a week reads as stalled (PRODUCT.md: "growth stalled").
STALLED_PCT = 0.005


class Missing(StrEnum):
    """Why a stretch has no growth figure. Shown as words, never as zero."""

    NO_READING = "no reading"  # nothing was logged inside the stretch
    NOT_ENOUGH = "not enough readings"  # only the member's first reading: nothing to compare


@record
class Change:
    """Net growth over a stretch, from the reading that opens it to the latest inside it."""

    start: datetime | None
    first: Reading  # the last reading before the stretch, or its first when none came before
    last: Reading  # the latest reading inside the stretch
    # No reading existed before the stretch: growth is measured from the first one inside it.
    from_first_log: bool
    # Sums of what the member read off the platform's own analytics, when they gave any.
    gained: int | None = None
    lost: int | None = None

    @property
    def growth(self) -> Growth:
        return Growth(self.first.followers, self.last.followers)

    @property
    def net_change(self) -> int | None:
        """None when either end has no following count (YouTube)."""
        if self.last.net is None or self.first.net is None:
            return None
        return self.last.net - self.first.net


Measured = Change | Missing


def growth_over(
    readings: Sequence[Reading], start: datetime | None, end: datetime | None
) -> Measured:
    """Growth over [start, end) from one member's readings on one platform, in time order.

    `start` None means since the first reading; `end` None means up to the latest.
    """
    # How many readings come before each end.
    low = 0 if start is None else bisect_left(readings, start, key=taken_at_of)
    high = len(readings) if end is None else bisect_left(readings, end, key=taken_at_of)
    if high <= low:
        return Missing.NO_READING
    from_first_log = low == 0
    if from_first_log and high - low == 1:
        return Missing.NOT_ENOUGH
    first_index = low if from_first_log else low - 1
    # What the member read off the platform's analytics after the first, when they gave any.
    gained: int | None = None
    lost: int | None = None
    for reading in readings[first_index + 1 : high]:
        if reading.gained is not None:
            gained = reading.gained + (gained or 0)
        if reading.lost is not None:
            lost = reading.lost + (lost or 0)
    return Change(start, readings[first_index], readings[high - 1], from_first_log, gained, lost)


def week_to_date(readings: Sequence[Reading], now: datetime, tz: ZoneInfo) -> Measured:
    """Growth this local week so far: the latest reading this week − the last one before it.

    No reading this week yet gives `Missing.NO_READING` ("no reading yet this week").
    """
    start, end = week_bounds(week_of(now, tz), tz)
    return growth_over(readings, start, end)


def posts_per_week(posted: Iterable[datetime], tz: ZoneInfo) -> Counter[date]:
    """How many posts each local week (by its Monday) holds."""
    return Counter(week_of(moment, tz) for moment in posted)


def posting_streak(posted: Iterable[datetime], tz: ZoneInfo, this_week: date, target: int) -> int:
    """Weeks in a row with at least `target` posts, counted back from `this_week` (a local
    Monday); `posted` holds when each of the member's posts went out (any platform, any
    order), and those after `this_week` are ignored."""
    per_week = posts_per_week(posted, tz)
    goal = max(target, 1)
    week = this_week if per_week[this_week] >= goal else this_week - ONE_WEEK
    streak = 0
    while per_week[week] >= goal and streak < STREAK_CAP:
        streak += 1
        week -= ONE_WEEK
    return streak


class NudgeKind(StrEnum):
    """Which piece of advice fits the figures shown beside it (PRODUCT.md, digest and nudges)."""

    NO_POSTS = "no_posts"  # no post published: a posting calendar
    LOW_ENGAGEMENT = "low_engagement"  # reply to comments in the first hour
    STALLED = "stalled"  # growth flat or falling: a collaboration
    MOMENTUM = "momentum"  # growing: repeat what worked


@record
class NudgeFigures:
    """The figures a nudge is shown beside; None where a figure is not known or not shown."""

    growth: Growth | None  # None: no growth figure (no reading, not enough readings)
    # Posts logged with /post over the same stretch; None for members who never log posts.
    posts: int | None = None
    # Engagement by views under the rough benchmark for the member's size
    # (`bot.domain.engagement.Engagement.low`); None when there is no rate or no benchmark.
    low_engagement: bool | None = None


def choose_nudge(figures: NudgeFigures) -> NudgeKind | None:
    """The one nudge these figures support, or None when they support none.

    Advice is picked only from figures that are shown with it, so it never contradicts them:
    "stalled" needs a growth figure that is flat or falling, "growing" one that rose.
    """
    if figures.posts == 0:
        return NudgeKind.NO_POSTS
    if figures.low_engagement:
        return NudgeKind.LOW_ENGAGEMENT
    growth = figures.growth
    if growth is None:
        return None
    if growth.delta <= 0 or (growth.pct is not None and growth.pct < STALLED_PCT):
        return NudgeKind.STALLED
    return NudgeKind.MOMENTUM
