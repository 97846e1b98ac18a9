"""Drops and likely platform purges. No Discord, no SQL.

- Drop alert (PRODUCT.md, "Formulas"): followers fell by 5% or more, or by 1,000 or more,
  since the previous reading (by date) on the same platform.
- Likely purge: at least 30% of a server's members who logged in a local week, and at least 3
  of them, dropped on the same platform within 48 hours of one another, the drops falling in
  that week. A platform removing fake or inactive accounts hits everyone at once; those drops
  are nobody's fault, so they neither break streaks nor count against a goal's pace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.models import Platform, Reading
from bot.domain.periods import ONE_WEEK, week_bounds, week_of

DROP_RATIO = 0.05
DROP_FOLLOWERS = 1_000
PURGE_SHARE = 0.30
PURGE_MEMBERS = 3
PURGE_WINDOW = timedelta(hours=48)


def is_drop(before: int, after: int) -> bool:
    """Down 5% or more, or 1,000 or more, since the previous reading (PRODUCT.md)."""
    fall = before - after
    return fall > 0 and (fall >= DROP_FOLLOWERS or fall >= before * DROP_RATIO)


@dataclass(frozen=True, slots=True)
class Drop:
    before: Reading
    after: Reading

    @property
    def at(self) -> datetime:
        return self.after.taken_at

    @property
    def change(self) -> int:
        return self.after.followers - self.before.followers


def drops(readings: Iterable[Reading], start: datetime, end: datetime) -> list[Drop]:
    """Every drop whose later reading lies in [start, end), from readings of any members and
    platforms, in any order (each member's reading before `start` must be among them)."""
    by_key: dict[tuple[int, Platform], list[Reading]] = defaultdict(list)
    for reading in readings:
        if reading.taken_at < end:
            by_key[(reading.user_id, reading.platform)].append(reading)
    found = []
    for mine in by_key.values():
        mine.sort(key=lambda r: (r.taken_at, r.id))
        found += [
            Drop(before, after)
            for before, after in pairwise(mine)
            if start <= after.taken_at and is_drop(before.followers, after.followers)
        ]
    return sorted(found, key=lambda d: (d.at, d.after.id))


@dataclass(frozen=True, slots=True)
class Purge:
    """Drops on one platform that look platform-wide rather than anyone's own."""

    platform: Platform
    first: datetime  # the earliest drop in it
    last: datetime  # the latest drop in it
    members: frozenset[int]  # who dropped
    logged: int  # members who logged in the server that week
    readings: frozenset[int]  # ids of the readings each drop was measured at


def likely_purges(readings: Iterable[Reading], start: datetime, end: datetime) -> list[Purge]:
    """The likely purges of a server's week [start, end), from its members' readings (all
    platforms; each member's reading before `start` among them). Windows of 48 hours that
    overlap become one purge."""
    readings = list(readings)
    logged = len({r.user_id for r in readings if start <= r.taken_at < end})
    needed = max(PURGE_MEMBERS, PURGE_SHARE * logged)
    by_platform: dict[Platform, list[Drop]] = defaultdict(list)
    for drop in drops(readings, start, end):
        by_platform[drop.after.platform].append(drop)
    purges = []
    for platform, found in by_platform.items():
        groups: list[list[Drop]] = []
        low = 0
        for high, drop in enumerate(found):
            while drop.at - found[low].at > PURGE_WINDOW:
                low += 1
            window = found[low : high + 1]
            if len({d.after.user_id for d in window}) < needed:
                continue
            if groups and window[0].at <= groups[-1][-1].at:
                groups[-1] += [d for d in window if d not in groups[-1]]
            else:
                groups.append(list(window))
        purges += [
            Purge(
                platform=platform,
                first=group[0].at,
                last=group[-1].at,
                members=frozenset(d.after.user_id for d in group),
                logged=logged,
                readings=frozenset(d.after.id for d in group),
            )
            for group in groups
        ]
    return sorted(purges, key=lambda p: (p.first, p.platform.value))


def purged_readings(
    readings: Iterable[Reading], tz: ZoneInfo, start: datetime, end: datetime
) -> frozenset[int]:
    """Ids of the readings whose drops were part of a likely purge in a local week (in the
    server's zone `tz`) overlapping [start, end): the drops a goal's pace leaves out."""
    readings = list(readings)
    found: set[int] = set()
    monday = week_of(start, tz)
    while True:
        week_start, week_end = week_bounds(monday, tz)
        if week_start >= end:
            return frozenset(found)
        for purge in likely_purges(readings, week_start, week_end):
            found |= purge.readings
        monday += ONE_WEEK
