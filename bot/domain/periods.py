"""Calendar arithmetic in a member's or server's IANA time zone (DST included).

Instants are aware UTC datetimes; days, weeks and periods are local to a zoneinfo zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from bot.domain.errors import UserError, quoted
from bot.domain.models import Period
from bot.domain.records import record

ONE_WEEK = timedelta(weeks=1)
EARLIEST_DAY = date(2004, 1, 1)
# A backfilled day is stored at local noon: the same calendar day for anyone within 12 hours.
BACKFILL_TIME = time(12)

_ONE_DAY = timedelta(days=1)
# Two hours either side of a midnight: as far as a DST change moves one.
_NEAR = 2 * 3600
_DAY_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")


# Every /log asks where its week starts and ends, and a digest asks for the same few days of
# every member: remembered, the answer costs a lookup instead of a zone conversion.
@lru_cache(maxsize=4096)
def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant a local day starts (zoneinfo resolves a skipped midnight forward)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_of(moment: datetime, tz: ZoneInfo) -> date:
    """The local Monday of the week [Monday 00:00, next Monday 00:00) that contains `moment`.

    Decided by instants, like every stretch: where a DST change repeats the hour around
    Monday 00:00, the repeated hour already belongs to the new week.
    """
    local = moment.astimezone(tz)
    monday = monday_of(local.date())
    if local.hour in (0, 23):  # only near midnight can the date and the instant disagree
        if moment < local_midnight(monday, tz):
            return monday - ONE_WEEK
        if moment >= local_midnight(monday + ONE_WEEK, tz):
            return monday + ONE_WEEK
    return monday


def weeks_of(moment: datetime) -> Callable[[ZoneInfo], date]:
    """`week_of(moment, tz)` as a function of the zone, worked out once per zone: a digest
    asks it for every member, and the members of a server mostly share one zone."""
    return cache(lambda tz: week_of(moment, tz))


@record
class WeekGrid:
    """Consecutive local weeks as POSIX seconds, for placing many instants at once (`week_of`
    for each, by bisection): a digest does it for a year of every member's readings, and the
    members of a server mostly share a zone and always the week."""

    first: date  # the Monday of the first week
    # When each week starts and when its Tuesday starts, in turn, then when the last week
    # ends: an instant's bisection over these gives 2k + 1 on week k's Monday and 2k + 2 in
    # the rest of it (0 before the grid, 2 × weeks + 1 after it).
    marks: tuple[int, ...]
    # The weeks whose Monday is not exactly [start, Tuesday): a DST change near either
    # midnight can repeat a local hour there.
    irregular: frozenset[int]
    weeks: int  # how many: len(marks) // 2, kept (streaks ask it for every member)

    def start(self, week: int) -> int:
        return self.marks[2 * week]


@lru_cache(maxsize=64)
def week_grid(tz: ZoneInfo, last_monday: date, weeks: int) -> WeekGrid:
    """`weeks` local weeks, the last starting `last_monday`."""
    first = last_monday - ONE_WEEK * (weeks - 1)
    mondays = [first + ONE_WEEK * k for k in range(weeks)]
    # Not through `local_midnight`: a grid spans years of days, which would crowd its cache.
    marks: list[int] = []
    irregular: list[int] = []
    for week, monday in enumerate(mondays):
        start, tuesday = _midnight(monday, tz), _midnight(monday + _ONE_DAY, tz)
        marks += [start, tuesday]
        if not _offset(start - _NEAR, tz) == _offset(start, tz) == _offset(tuesday + _NEAR, tz):
            irregular.append(week)
    marks.append(_midnight(last_monday + ONE_WEEK, tz))
    return WeekGrid(first, tuple(marks), frozenset(irregular), weeks)


def _midnight(day: date, tz: ZoneInfo) -> int:
    """Whole seconds, as every zone's offsets are: an int compares faster with an int."""
    return int(datetime.combine(day, time(0), tzinfo=tz).timestamp())


def _offset(seconds: float, tz: ZoneInfo) -> timedelta | None:
    return datetime.fromtimestamp(seconds, tz).utcoffset()


def week_bounds(monday: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end of the local week starting `monday`, as instants: [start, end)."""
    return local_midnight(monday, tz), local_midnight(monday + ONE_WEEK, tz)


def week_start(moment: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 local of the week that contains `moment`."""
    return week_bounds(week_of(moment, tz), tz)[0]


def week_starts(now: datetime, tz: ZoneInfo, count: int) -> list[datetime]:
    """The starts of the current week and the `count - 1` weeks before it, oldest first."""
    this_monday = monday_of(local_day(now, tz))
    return [
        local_midnight(this_monday - timedelta(weeks=back), tz) for back in range(count - 1, -1, -1)
    ]


def period_days(period: Period, now: datetime, tz: ZoneInfo) -> tuple[date, date] | None:
    """The first local day of the calendar period containing `now`, and the first day after
    it; None for all time."""
    today = local_day(now, tz)
    if period is Period.WEEK:
        first = monday_of(today)
        return first, first + timedelta(weeks=1)
    if period is Period.MONTH:
        first = today.replace(day=1)
        months = 1
    elif period is Period.QUARTER:
        first = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        months = 3
    elif period is Period.YEAR:
        first = today.replace(month=1, day=1)
        months = 12
    else:
        return None
    index = first.month - 1 + months
    return first, first.replace(year=first.year + index // 12, month=index % 12 + 1)


def period_bounds(
    period: Period, now: datetime, tz: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """The calendar period containing `now` as instants [start, end); (None, None) for all."""
    days = period_days(period, now, tz)
    if days is None:
        return None, None
    return local_midnight(days[0], tz), local_midnight(days[1], tz)


def period_start(period: Period, now: datetime, tz: ZoneInfo) -> datetime | None:
    """When the calendar period containing `now` began, locally; None for all time."""
    return period_bounds(period, now, tz)[0]


def parse_day(text: str) -> date:
    """A `date` option as typed: YYYY-MM-DD, on or after 2004-01-01."""
    cleaned = text.strip()
    try:
        if not _DAY_FORMAT.fullmatch(cleaned):
            raise ValueError(cleaned)
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise UserError(
            f"`date` must be a day written year-month-day, like `2026-11-01`; got {quoted(text)}."
        ) from None
    if day < EARLIEST_DAY:
        raise UserError(
            f"`date` {day.isoformat()} is too early: history starts on "
            f"{EARLIEST_DAY.isoformat()}. Check the year."
        )
    return day


def reading_instant(day: date | None, now: datetime, tz: ZoneInfo) -> datetime:
    """The instant a reading is stored at: now, or local noon of a backfilled past day."""
    if day is None:
        return now
    today = local_day(now, tz)
    if day > today:
        raise UserError(
            f"`date` {day.isoformat()} is in the future: today is {today.isoformat()} "
            f"in your time zone ({tz.key}). Leave `date` out to log today's numbers."
        )
    if day == today:
        return now
    return datetime.combine(day, BACKFILL_TIME, tzinfo=tz).astimezone(UTC)
