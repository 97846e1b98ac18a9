"""The logging streak (`bot.domain.rules`, "Logging streak"), counted from reading instants.

`logging_streak` is the rule; `/net`, the leaderboard and the digest all count streaks with
it (the digest through `logging_streak_of`). The digest counts one for every member of every
server each week, so two things keep that cheap without a second version of the rule:

- instants may come as POSIX seconds (`logging_streak_of`), placed in their weeks by one
  bisection pass over the zone's week starts;
- what a member's older weeks add up to can be kept (`StreakBase`): storage drops it whenever
  a reading before its horizon is written, changed or removed, so with it the streak needs
  only the readings from the horizon on. A base is counted, or moved on, from the same count
  as the streak (`logging_streak_and_base`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime
from functools import lru_cache
from math import floor
from zoneinfo import ZoneInfo

from bot.domain.periods import ONE_WEEK, WeekGrid, local_day, week_bounds, week_grid, week_of
from bot.domain.records import record

# Ten years of weekly logging: a bound, so a streak never loops without end.
STREAK_CAP = 520
# A day, and the two hours a DST change can move local midnight by.
_MONDAY_AND_MARGIN = (24 + 2) * 3600
# No excused week: what most streaks are counted with.
_NONE: frozenset[int] = frozenset()


@record
class StreakBase:
    """What a member's weeks before `horizon` add up to, in one zone: `run` weeks in a row,
    each kept (a reading of its own, or the grace day), ending two weeks before `horizon`;
    0 when that week was not kept. And whether the week just before `horizon` holds a
    reading of its own (`held_before`): whether that week is kept can depend on `horizon`'s
    own Monday, so it is not part of `run`, but its readings are not needed again.

    It holds while no reading taken before `horizon`'s week is written, changed or removed
    (storage drops it then)."""

    horizon: date  # a local Monday
    run: int
    held_before: bool

    def reaches(self, this_week: date, excused: Collection[date] = ()) -> bool:
        """Whether a streak counted back from `this_week` may use it: the horizon is not
        later, and no excused week falls in what it sums up."""
        if self.horizon > this_week:
            return False
        if not excused:
            return True
        last = self.horizon - 2 * ONE_WEEK
        return all(week > last for week in excused)

    def needs_from(self, tz: ZoneInfo) -> datetime:
        """From when on the readings must be given beside it: `horizon`'s week."""
        return week_bounds(self.horizon, tz)[0]


def logging_streak(
    taken: Iterable[datetime],
    tz: ZoneInfo,
    this_week: date,
    excused: Collection[date] = (),
) -> int:
    """Weeks in a row with a reading, counted back from `this_week` (a local Monday).

    `taken` holds the instants of the member's readings (any platform, any order); those
    after `this_week` are ignored. `excused` weeks (local Mondays) neither count nor break it.
    """
    return logging_streak_of((moment.timestamp() for moment in taken), tz, this_week, excused)


def logging_streak_of(
    seconds: Iterable[float],
    tz: ZoneInfo,
    this_week: date,
    excused: Collection[date] = (),
    base: StreakBase | None = None,
) -> int:
    """`logging_streak`, with each reading's instant as POSIX seconds: a digest counts a year
    of readings for every member, and they come from storage as plain numbers.

    With `base` (which must reach this week: `StreakBase.reaches`), only the readings from
    `base.needs_from` on count, and the older weeks are `base`'s."""
    counted, skipped = _count(seconds, tz, this_week, excused, base)
    return _streak(counted, base, skipped)


def logging_streak_and_base(
    seconds: Iterable[float],
    tz: ZoneInfo,
    this_week: date,
    excused: Collection[date] = (),
    base: StreakBase | None = None,
) -> tuple[int, StreakBase]:
    """`logging_streak_of`, and what the readings taken before `this_week` add up to: the
    base at `this_week`, from one count of the readings (a digest moves a member's base on
    while it counts their streak). With `base`, only the readings from `base.needs_from` on
    count, and the weeks before it are `base`'s."""
    counted, skipped = _count(seconds, tz, this_week, excused, base)
    streak = _streak(counted, base, skipped)
    if base is not None and base.horizon == this_week:
        return streak, base
    # The base sums up the weeks up to two before its horizon: the grid's third week from
    # the end; and whether the week before the horizon, the grid's second from the end, holds
    # a reading.
    weeks = counted.grid.weeks
    run = _run(counted, weeks - 3, base, _NONE)
    return streak, StreakBase(this_week, run, counted.held(weeks - 2) > 0)


def _count(
    seconds: Iterable[float],
    tz: ZoneInfo,
    this_week: date,
    excused: Collection[date],
    base: StreakBase | None,
) -> tuple[_Counted, AbstractSet[int]]:
    """The readings per week of the grid up to `this_week` (those `base` does not sum up),
    and the excused weeks' places on it."""
    grid = week_grid(tz, this_week, STREAK_CAP + 1)
    skipped = {_index(grid, monday) for monday in excused} if excused else _NONE
    if base is None:
        return _Counted(grid, tz, seconds), skipped
    if not base.reaches(this_week, excused):
        raise ValueError(f"a streak base at {base.horizon} does not reach {this_week}")
    week, since = _base_week(tz, this_week, base.horizon)
    counted = _Counted(grid, tz, seconds, since, week)
    if base.held_before:
        counted.logged.add(week - 1)
    return counted, skipped


@lru_cache(maxsize=256)
def _base_week(tz: ZoneInfo, this_week: date, horizon: date) -> tuple[int, float]:
    """Where a base at `horizon` hands over on the grid of a streak counted back from
    `this_week` (the base reaches it: `StreakBase.reaches`): the horizon's week on it, and
    from when on the readings count beside the base (`StreakBase.needs_from`), taken from
    the grid when it holds that week (it nearly always does). Members mostly share a zone
    and a horizon: worked out once for them."""
    grid = week_grid(tz, this_week, STREAK_CAP + 1)
    week = _index(grid, horizon)
    if 0 <= week < grid.weeks:
        return week, grid.start(week)
    return week, week_bounds(horizon, tz)[0].timestamp()


def _streak(counted: _Counted, base: StreakBase | None, skipped: AbstractSet[int]) -> int:
    """Counted back from the grid's last week, or the one before while it has no reading."""
    last = counted.grid.weeks - 1
    return _run(counted, last if counted.held(last) else last - 1, base, skipped)


def _run(counted: _Counted, start: int, base: StreakBase | None, skipped: AbstractSet[int]) -> int:
    """Kept weeks in a row from `start` back: through every reading, or down to `base`'s
    horizon and then `base`'s run when unbroken."""
    if base is None:
        # Down to the first week with a reading (the grid's weeks, then older ones).
        oldest = min(counted.logged, default=counted.grid.weeks)
        return counted.walk(start, oldest - 1, skipped)[0]
    assert counted.horizon is not None  # counted with `base` (`_count`)
    last = counted.horizon - 2  # the last week `base` sums up
    streak, through = counted.walk(start, last + 1, skipped)
    return min(streak + base.run, STREAK_CAP) if through else streak


def _index(grid: WeekGrid, monday: date) -> int:
    return (monday - grid.first).days // 7


def _day(seconds: float, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(seconds, tz).date()


class _Counted:
    """Readings per week of `grid` (by index: the last is the grid's last week, and earlier
    weeks than the grid's first have negative ones); later readings, and those before
    `since`, are left out."""

    __slots__ = ("grid", "horizon", "logged", "mondays", "older", "places")

    def __init__(
        self,
        grid: WeekGrid,
        tz: ZoneInfo,
        seconds: Iterable[float],
        since: float | None = None,
        horizon: int | None = None,
    ) -> None:
        self.grid = grid
        # The week of the streak base counted with them (`_count`), if any: where `_run`
        # hands over to it.
        self.horizon = horizon
        marks = grid.marks
        # Each instant's week by bisection over the weeks' starts (the same answer as
        # `week_of`, without a zone conversion for each reading): `WeekGrid.marks`. The
        # marks are whole seconds, so a mark is at or before an instant exactly when it is
        # at or before the instant's whole second.
        if not isinstance(seconds, (list, tuple)):
            seconds = list(seconds)  # gone through again below, for the rare weeks
        places: dict[int, int] = {}
        found = places.get
        # The grid's weeks with a reading (-1: older than the grid).
        weeks: set[int] = set()
        after = 2 * grid.weeks + 1  # later than the grid: not counted
        for at in seconds:
            if since is None or at >= since:
                place = bisect_right(marks, at)
                if place != after:
                    places[place] = found(place, 0) + 1
                    weeks.add((place - 1) >> 1)
        self.places = places
        self.logged = weeks
        self.mondays: dict[int, int] = {}
        self.older: dict[int, int] = {}
        # Where a DST change can repeat an hour near midnight, the Monday is counted the long
        # way, as it is for readings older than the grid.
        uneven = grid.irregular.intersection(weeks) if grid.irregular else ()
        if uneven or 0 in places:
            taken = [floor(at) for at in seconds if since is None or at >= since]
            self._the_long_way(tz, taken, uneven)

    def _the_long_way(self, tz: ZoneInfo, taken: list[int], uneven: Iterable[int]) -> None:
        """Count the Mondays of the `uneven` weeks (a DST change near midnight), and the
        readings older than the grid, from the instants counted (whole seconds)."""
        grid, weeks = self.grid, self.logged
        for week in uneven:
            monday = grid.first + ONE_WEEK * week
            start, end = grid.start(week), grid.start(week + 1)
            self.mondays[week] = sum(
                1
                for at in taken
                if start <= at < min(end, start + _MONDAY_AND_MARGIN) and _day(at, tz) == monday
            )
        if self.places.pop(0, None):
            weeks.discard(-1)
            first = grid.marks[0]
            for at in taken:
                if at < first:
                    moment = datetime.fromtimestamp(at, UTC)
                    monday = week_of(moment, tz)
                    week = _index(grid, monday)
                    self.older[week] = self.older.get(week, 0) + 1
                    if local_day(moment, tz) == monday:
                        self.mondays[week] = self.mondays.get(week, 0) + 1
            weeks.update(self.older)

    def held(self, week: int) -> int:
        if week < 0:
            return self.older.get(week, 0)
        places = self.places
        return places.get(2 * week + 1, 0) + places.get(2 * week + 2, 0)

    def kept_by_grace(self, week: int) -> bool:
        """Next Monday's reading stands in for this week, when that week holds another."""
        following = week + 1
        if following >= self.grid.weeks:
            return False
        if following in self.mondays:
            on_monday = self.mondays[following]
        else:
            on_monday = self.places.get(2 * following + 1, 0) if following >= 0 else 0
        return on_monday > 0 and self.held(following) >= 2

    def walk(self, week: int, floor: int, skipped: AbstractSet[int]) -> tuple[int, bool]:
        """Kept weeks in a row from `week` back, down to `floor` at the furthest; and whether
        it got past `floor` unbroken (not stopped by a week not kept, nor by the cap)."""
        streak = 0
        logged = self.logged
        while week >= floor:
            if streak >= STREAK_CAP:
                return streak, False
            if week in logged or self.kept_by_grace(week):
                streak += 1
            elif week not in skipped:
                return streak, False
            week -= 1
        return streak, True
