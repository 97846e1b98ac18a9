"""Follower goals: progress, and when the member may reach one at their current pace.

Projection (PRODUCT.md, "Formulas"): remaining followers / average daily growth over the last
28 days, with a range from the slowest and the fastest of the recent weeks; it needs at least
3 readings over at least 7 days. No growth gives "not at the current pace". A projection is an
estimate: it is shown labelled as one and never stored as a reading.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.models import Platform, Reading
from bot.domain.periods import ONE_WEEK, local_day, week_bounds, week_of
from bot.domain.records import record
from bot.domain.rules import Change, growth_over

# "Average daily growth over the last 28 days" (PRODUCT.md, "Formulas").
PACE_WINDOW = timedelta(days=28)
# "Needs at least 3 readings over at least 7 days" (PRODUCT.md, "Formulas").
MIN_READINGS = 3
MIN_SPAN = timedelta(days=7)
# A week's pace is read only from readings at least this far apart: a jump between two
# readings an hour apart says nothing about a day's growth.
MIN_WEEK_SPAN = timedelta(days=1)
# Further than this is not a date worth showing: "not at the current pace".
HORIZON = timedelta(days=3650)
DAY = timedelta(days=1)


@record
class Goal:
    """A member's follower target on one platform, as they set it."""

    user_id: int
    platform: Platform
    followers: int
    set_at: datetime


@record
class Reached:
    """The latest reading, taken since the goal was set, reached it."""

    reading: Reading


@record
class NeedsReadings:
    """Too little to project from: how many more readings, and until when to keep logging."""

    readings: int  # more readings needed in the last 28 days (0: enough of them)
    log_after: date | None  # a reading on or after this local day spans the 7 days


@record
class NotAtPace:
    """Followers did not grow over the last 28 days, or the goal is over ten years away."""

    daily: float  # average daily growth (followers a day; zero or less unless far away)


@record
class Estimate:
    """When the goal may be reached: an estimate, never a reading."""

    day: date  # at the average daily growth over the last 28 days
    earliest: date  # at the fastest recent week's pace
    latest: date | None  # at the slowest recent week's pace; None when that week did not grow
    daily: float  # the average daily growth it is worked out from


Projection = Reached | NeedsReadings | NotAtPace | Estimate


@record
class Progress:
    goal: Goal
    current: int  # followers at the latest reading
    projection: Projection

    @property
    def share(self) -> float:
        """How far along: current / target, between 0 and 1."""
        if self.goal.followers <= 0:
            return 1.0
        return max(0.0, min(1.0, self.current / self.goal.followers))


def reached_by(goal: Goal, readings: Sequence[Reading]) -> Reading | None:
    """The member's latest reading (`readings` in time order, on the goal's platform) when it
    reached the goal and was taken since the goal was set; else None. A goal reached and then
    lost again (followers fell back under it) is not reached."""
    if not readings:
        return None
    latest = readings[-1]
    if latest.taken_at >= goal.set_at and latest.followers >= goal.followers:
        return latest
    return None


def first_reached(goal: Goal, readings: Sequence[Reading]) -> Reading | None:
    """The first reading taken since the goal was set that reached it (`readings` in time
    order, on the goal's platform): the moment a goal counts as reached, announced once in
    the digest of the week that holds it."""
    for reading in readings:
        if reading.taken_at >= goal.set_at and reading.followers >= goal.followers:
            return reading
    return None


def _day_at(start: datetime, days: float, tz: ZoneInfo) -> date:
    return local_day(start + timedelta(days=days), tz)


def _week_rates(
    readings: Sequence[Reading], now: datetime, tz: ZoneInfo, excused: Collection[int]
) -> list[float]:
    """Followers a day in each local week that ends within the last 28 days and holds a
    growth figure over at least a day."""
    rates = []
    monday = week_of(now, tz)
    oldest = week_of(now - PACE_WINDOW, tz)
    while monday >= oldest:
        start, end = week_bounds(monday, tz)
        found = growth_over(readings, start, end)
        if isinstance(found, Change):
            span = found.last.taken_at - found.first.taken_at
            if span >= MIN_WEEK_SPAN:
                delta = found.growth.delta + _excused_loss(readings, found, excused)
                rates.append(delta / (span / DAY))
        monday -= ONE_WEEK
    return rates


def _excused_loss(readings: Sequence[Reading], found: Change, excused: Collection[int]) -> int:
    """Followers lost in excused drops (a likely platform purge) inside `found`: added back,
    so a purge does not count against the member's pace."""
    if not excused:
        return 0
    inside = [r for r in readings if found.first.taken_at <= r.taken_at <= found.last.taken_at]
    lost = 0
    for before, after in pairwise(inside):
        if after.id in excused and after.followers < before.followers:
            lost += before.followers - after.followers
    return lost


def project(
    goal: Goal,
    readings: Sequence[Reading],
    now: datetime,
    tz: ZoneInfo,
    excused: Collection[int] = (),
) -> Projection:
    """Where the member stands against `goal`, from their readings on its platform (time
    order). `excused`: ids of readings whose drop was a likely platform purge; those losses
    do not slow the pace."""
    known = [r for r in readings if r.taken_at <= now]
    reached = reached_by(goal, known)
    if reached is not None:
        return Reached(reached)
    recent = [r for r in known if r.taken_at >= now - PACE_WINDOW]
    span = recent[-1].taken_at - recent[0].taken_at if recent else timedelta(0)
    if len(recent) < MIN_READINGS or span < MIN_SPAN:
        log_after = None
        if span < MIN_SPAN:
            log_after = local_day((recent[0].taken_at if recent else now) + MIN_SPAN, tz)
        return NeedsReadings(max(0, MIN_READINGS - len(recent)), log_after)
    first, latest = recent[0], recent[-1]
    gained = latest.followers - first.followers
    gained += _excused_loss(recent, Change(None, first, latest, from_first_log=False), excused)
    daily = gained / (span / DAY)
    remaining = goal.followers - latest.followers
    if daily <= 0 or remaining / daily > HORIZON / DAY:
        return NotAtPace(daily)
    rates = _week_rates(known, now, tz, excused)
    fastest = max([daily, *rates])
    slowest = min([daily, *rates])
    return Estimate(
        day=_day_at(latest.taken_at, remaining / daily, tz),
        earliest=_day_at(latest.taken_at, remaining / fastest, tz),
        latest=(
            _day_at(latest.taken_at, remaining / slowest, tz)
            if slowest > 0 and remaining / slowest <= HORIZON / DAY
            else None
        ),
        daily=daily,
    )


def progress(
    goal: Goal,
    readings: Sequence[Reading],
    now: datetime,
    tz: ZoneInfo,
    excused: Collection[int] = (),
) -> Progress | None:
    """Progress toward `goal` for /net; None when the member has no reading on its platform."""
    known = [r for r in readings if r.taken_at <= now]
    if not known:
        return None
    return Progress(goal, known[-1].followers, project(goal, known, now, tz, excused))
