"""Growth over stretches of time, computed from a member's readings on one platform."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.metrics import Growth
from bot.domain.models import Period, Reading
from bot.domain.periods import period_start, week_starts

GLANCE_WEEKS = 6


def reading_at(readings: Sequence[Reading], moment: datetime) -> Reading | None:
    """The last reading taken at or before `moment` (`readings` in time order)."""
    index = bisect_right(readings, moment, key=lambda reading: reading.taken_at)
    return readings[index - 1] if index else None


@dataclass(frozen=True, slots=True)
class Window:
    """Net growth from the reading that opens a stretch of time to the one that closes it."""

    start: datetime | None
    first: Reading
    last: Reading
    # No reading existed before `start`: growth is measured from the first one inside it.
    from_first_log: bool
    # Sums of what the member read off the platform's own analytics, when they gave any.
    gained: int | None = None
    lost: int | None = None

    @property
    def growth(self) -> Growth:
        return Growth(self.first.followers, self.last.followers)

    @property
    def net_change(self) -> int:
        return self.last.net - self.first.net


def window(readings: Sequence[Reading], start: datetime | None, end: datetime) -> Window | None:
    """Growth between `start` (None: the first reading ever) and `end`; None without readings."""
    last = reading_at(readings, end)
    if last is None:
        return None
    first = reading_at(readings, start) if start is not None else None
    from_first_log = first is None
    if first is None:
        # `last` lies after `start` here, so a first reading inside the window exists.
        first = next(r for r in readings if start is None or r.taken_at > start)
    inside = [r for r in readings if first.taken_at < r.taken_at <= end]
    gained = [r.gained for r in inside if r.gained is not None]
    lost = [r.lost for r in inside if r.lost is not None]
    return Window(
        start=start,
        first=first,
        last=last,
        from_first_log=from_first_log,
        gained=sum(gained) if gained else None,
        lost=sum(lost) if lost else None,
    )


@dataclass(frozen=True, slots=True)
class WeekGlance:
    start: datetime
    window: Window | None
    current: bool


def glance(
    readings: Sequence[Reading], now: datetime, tz: ZoneInfo, weeks: int = GLANCE_WEEKS
) -> list[WeekGlance]:
    """Growth in each of the last `weeks` local weeks (Monday to Sunday), newest first."""
    starts = week_starts(now, tz, weeks)
    ends = [*starts[1:], now]
    return [
        WeekGlance(start=start, window=window(readings, start, end), current=end is now)
        for start, end in reversed(list(zip(starts, ends, strict=True)))
    ]


@dataclass(frozen=True, slots=True)
class NetSummary:
    """What /net shows: the latest reading, growth over the period, and recent weeks."""

    latest: Reading
    period: Period
    period_start: datetime | None
    window: Window | None
    weeks: list[WeekGlance]


def summarize(
    readings: Sequence[Reading], period: Period, now: datetime, tz: ZoneInfo
) -> NetSummary | None:
    latest = reading_at(readings, now)
    if latest is None:
        return None
    start = period_start(period, now, tz)
    return NetSummary(
        latest=latest,
        period=period,
        period_start=start,
        window=window(readings, start, now),
        weeks=glance(readings, now, tz),
    )


def history_since(period: Period, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The earliest instant /net and /history need readings from (the glance needs 6 weeks)."""
    start = period_start(period, now, tz)
    if start is None:
        return None
    return min(start, week_starts(now, tz, GLANCE_WEEKS)[0])
