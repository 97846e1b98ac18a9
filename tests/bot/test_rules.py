"""The product's rules on hand-picked cases: the ones the issue reported, and the edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.metrics import Growth
from bot.domain.models import Platform, Reading, Source
from bot.domain.rules import (
    Change,
    Missing,
    NudgeFigures,
    NudgeKind,
    choose_nudge,
    logging_streak,
    week_of,
    week_to_date,
)

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
THIS_WEEK = date(2026, 11, 23)  # a Monday


def at(day: date, hour: int = 12, tz: ZoneInfo = UTC_ZONE) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz).astimezone(UTC)


def weeks(n: int) -> timedelta:
    return timedelta(weeks=n)


def test_a_single_monday_reading_is_a_one_week_streak() -> None:
    assert logging_streak([at(THIS_WEEK)], UTC_ZONE, THIS_WEEK) == 1


def test_two_consecutive_mondays_and_nothing_else_make_two() -> None:
    taken = [at(THIS_WEEK - weeks(1)), at(THIS_WEEK)]
    assert logging_streak(taken, UTC_ZONE, THIS_WEEK) == 2


def test_the_grace_day_keeps_a_missed_week_only_with_another_reading() -> None:
    # Nothing in the week of 9 Nov; Monday 16 Nov and Thursday 19 Nov both logged.
    start = THIS_WEEK - weeks(3)
    kept = [
        at(start + timedelta(days=2)),
        at(start + weeks(2)),
        at(start + weeks(2) + timedelta(3)),
    ]
    assert logging_streak(kept, UTC_ZONE, start + weeks(2)) == 3
    # With the Monday reading alone, it cannot count for two weeks: the streak is 1.
    alone = [at(start + timedelta(days=2)), at(start + weeks(2))]
    assert logging_streak(alone, UTC_ZONE, start + weeks(2)) == 1


def test_the_streak_counts_from_last_week_while_this_week_has_no_reading() -> None:
    taken = [at(THIS_WEEK - weeks(2) + timedelta(3)), at(THIS_WEEK - weeks(1) + timedelta(4))]
    assert logging_streak(taken, UTC_ZONE, THIS_WEEK) == 2
    assert logging_streak(taken[:1], UTC_ZONE, THIS_WEEK) == 0  # two weeks ago only
    assert logging_streak([], UTC_ZONE, THIS_WEEK) == 0


def test_an_excused_week_neither_counts_nor_breaks_the_streak() -> None:
    taken = [at(THIS_WEEK - weeks(2) + timedelta(3)), at(THIS_WEEK + timedelta(2))]
    assert logging_streak(taken, UTC_ZONE, THIS_WEEK) == 1
    assert logging_streak(taken, UTC_ZONE, THIS_WEEK, excused={THIS_WEEK - weeks(1)}) == 2


def test_weeks_are_counted_in_the_members_zone() -> None:
    # Sunday 23:30 in Berlin is Sunday 22:30 UTC; Monday 00:30 Berlin is still Sunday in UTC.
    sunday_night = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)
    monday_early = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert week_of(sunday_night, BERLIN) == date(2026, 11, 16)
    assert week_of(monday_early, BERLIN) == THIS_WEEK
    assert week_of(monday_early, UTC_ZONE) == date(2026, 11, 16)


def reading(n: int, when: datetime, followers: int) -> Reading:
    return Reading(n, 1, Platform.TIKTOK, when, followers, 10, Source.SELF_REPORTED)


def test_week_to_date_is_latest_this_week_minus_last_before_it() -> None:
    now = at(THIS_WEEK + timedelta(days=3))
    readings = [
        reading(1, at(THIS_WEEK - timedelta(days=10)), 900),
        reading(2, at(THIS_WEEK - timedelta(days=2)), 1000),
        reading(3, at(THIS_WEEK + timedelta(days=1)), 1040),
        reading(4, at(THIS_WEEK + timedelta(days=2)), 1050),
    ]
    found = week_to_date(readings, now, UTC_ZONE)
    assert isinstance(found, Change)
    assert (found.first.id, found.last.id, found.growth.delta) == (2, 4, 50)
    # No reading this week yet: not ±0, and not last week's gain.
    assert week_to_date(readings[:2], now, UTC_ZONE) is Missing.NO_READING
    # The very first reading: nothing to compare.
    assert week_to_date(readings[2:3], now, UTC_ZONE) is Missing.NOT_ENOUGH


def test_the_nudge_follows_only_the_figures_shown() -> None:
    assert choose_nudge(NudgeFigures(growth=None)) is None
    assert choose_nudge(NudgeFigures(growth=Growth(1000, 948))) is NudgeKind.STALLED
    assert choose_nudge(NudgeFigures(growth=Growth(1000, 1100))) is NudgeKind.MOMENTUM
    assert choose_nudge(NudgeFigures(growth=Growth(1000, 1100), posts=0)) is NudgeKind.NO_POSTS
    low = NudgeFigures(growth=Growth(1000, 1100), posts=2, low_engagement=True)
    assert choose_nudge(low) is NudgeKind.LOW_ENGAGEMENT
