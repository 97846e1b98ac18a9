"""What the charts draw: series worked out from readings, with gaps where weeks are missing.

A week without a reading is "no reading", never zero (PRODUCT.md), so a chart never draws a
line through it: a series breaks wherever a whole local week without a reading lies between
two points, and a week with no figure at all is left empty.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from math import floor
from zoneinfo import ZoneInfo

from bot.domain.models import Platform, Reading
from bot.domain.periods import ONE_WEEK, week_bounds, week_of
from bot.domain.records import record

COMMUNITY_WEEKS = 8


@record
class Point:
    at: datetime
    followers: int
    following: int | None  # None: not logged (YouTube); the chart leaves a gap
    net: int | None


@record
class HistorySeries:
    """A member's readings on one platform, split into runs with no missing week inside."""

    platform: Platform
    runs: list[list[Point]]  # each run is drawn as one line; gaps lie between runs
    missing_weeks: int  # whole local weeks without a reading between the first and the last
    timezone: ZoneInfo

    @property
    def points(self) -> list[Point]:
        return [point for run in self.runs for point in run]


def history_series(readings: Sequence[Reading], platform: Platform, tz: ZoneInfo) -> HistorySeries:
    """`readings` in time order, on one platform."""
    runs: list[list[Point]] = []
    missing = 0
    previous_week: date | None = None
    for reading in readings:
        week = week_of(reading.taken_at, tz)
        point = Point(reading.taken_at, reading.followers, reading.following, reading.net)
        gap = 0 if previous_week is None else (week - previous_week).days // 7 - 1
        if previous_week is None or gap > 0:
            runs.append([point])
            missing += max(gap, 0)
        else:
            runs[-1].append(point)
        previous_week = week
    return HistorySeries(platform, runs, missing, tz)


@record
class CommunityWeek:
    monday: date
    logged: int  # members who logged in that week (0 is a real count)
    followers: int | None  # everyone's latest followers by the week's end; None: nobody logged


@record
class Trace:
    """A member's follower counts on one platform, oldest first: what a community chart needs
    of their readings."""

    user_id: int
    at: Sequence[int]  # when each was read, as whole POSIX seconds
    followers: Sequence[int]

    @staticmethod
    def of(readings: Sequence[Reading]) -> Trace:
        """From one member's readings on one platform, in time order (not empty)."""
        return Trace(
            readings[0].user_id,
            [floor(r.taken_at.timestamp()) for r in readings],
            [r.followers for r in readings],
        )


def community_weeks(
    traces: Iterable[Trace],
    last_week: date,
    tz: ZoneInfo,
    weeks: int = COMMUNITY_WEEKS,
    kept: Iterable[CommunityWeek] = (),
) -> list[CommunityWeek]:
    """The server's last `weeks` local weeks up to `last_week` (a Monday), oldest first: how
    many members logged in each, and the total of every member's latest follower count on each
    platform as of the week's end (a week nobody logged in has no total: a gap). `traces`: one
    per member and platform.

    `kept`: weeks worked out before from every reading, taken as they are; the traces then
    need to reach back only to the weeks not kept (their readings from the first of those on,
    and those at the last instant before it)."""
    known = {week.monday: week for week in kept}
    mondays = [last_week - ONE_WEEK * back for back in range(weeks - 1, -1, -1)]
    counted = [monday for monday in mondays if monday not in known]
    # Whole seconds, as the traces' instants are (a local midnight is a whole second).
    bounds = [
        (int(start.timestamp()), int(end.timestamp()))
        for start, end in (week_bounds(monday, tz) for monday in counted)
    ]
    logged: list[set[int]] = [set() for _ in counted]
    totals = [0] * len(counted)
    if counted:
        for trace in traces:
            for index, (start, end) in enumerate(bounds):
                high = bisect_left(trace.at, end)
                if high:
                    totals[index] += trace.followers[high - 1]
                    if trace.at[high - 1] >= start:
                        logged[index].add(trace.user_id)
    for monday, who, total in zip(counted, logged, totals, strict=True):
        known[monday] = CommunityWeek(monday, len(who), total if who else None)
    return [known[monday] for monday in mondays]
