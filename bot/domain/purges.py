"""Drops and likely platform purges. No Discord, no SQL.

- Drop alert (PRODUCT.md, "Formulas"): followers fell by 5% or more, or by 1,000 or more,
  since the previous reading (by date) on the same platform.
- Likely purge: at least 30% of a server's members who logged in a local week, and at least 3
  of them, dropped on the same platform within 48 hours of one another, the drops falling in
  that week. A platform removing fake or inactive accounts hits everyone at once; those drops
  are nobody's fault, so they neither break streaks nor count against a goal's pace.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.models import Platform, Reading, taken_at_of
from bot.domain.periods import ONE_WEEK, week_bounds, week_of
from bot.domain.records import record

DROP_RATIO = 0.05
DROP_FOLLOWERS = 1_000
PURGE_SHARE = 0.30
PURGE_MEMBERS = 3
PURGE_WINDOW = timedelta(hours=48)


def is_drop(before: int, after: int) -> bool:
    """Down 5% or more, or 1,000 or more, since the previous reading (PRODUCT.md)."""
    fall = before - after
    return fall > 0 and (fall >= DROP_FOLLOWERS or fall >= before * DROP_RATIO)


@record
class Drop:
    before: Reading
    after: Reading

    @property
    def at(self) -> datetime:
        return self.after.taken_at

    @property
    def change(self) -> int:
        return self.after.followers - self.before.followers


def by_member_platform(readings: Iterable[Reading]) -> list[list[Reading]]:
    """Readings of any members and platforms, in any order, as one list per member and
    platform in time order: what `drops` and `likely_purges` take."""
    by_key: dict[tuple[int, Platform], list[Reading]] = defaultdict(list)
    for reading in readings:
        by_key[(reading.user_id, reading.platform)].append(reading)
    return [sorted(found, key=lambda r: (r.taken_at, r.id)) for found in by_key.values()]


def drops(groups: Iterable[Sequence[Reading]], start: datetime, end: datetime) -> list[Drop]:
    """Every drop whose later reading lies in [start, end), from lists of one member's
    readings on one platform in time order (each with the reading before `start`)."""
    found = []
    for mine in groups:
        high = bisect_left(mine, end, key=taken_at_of)
        low = bisect_left(mine, start, 0, high, key=taken_at_of)
        # Each reading in the week against the one before it (a plain loop: most lists
        # hold one or two readings, and a digest goes through one for every member).
        for index in range(max(low, 1), high):
            before, after = mine[index - 1], mine[index]
            if is_drop(before.followers, after.followers):
                found.append(Drop(before, after))
    return sorted(found, key=lambda d: (d.at, d.after.id))


@record
class Purge:
    """Drops on one platform that look platform-wide rather than anyone's own."""

    platform: Platform
    first: datetime  # the earliest drop in it
    last: datetime  # the latest drop in it
    members: frozenset[int]  # who dropped
    logged: int  # members who logged in the server that week
    readings: frozenset[int]  # ids of the readings each drop was measured at


def _any_inside(mine: Sequence[Reading], start: datetime, end: datetime) -> bool:
    """Whether a list in time order holds a reading in [start, end)."""
    index = bisect_left(mine, start, key=taken_at_of)
    return index < len(mine) and mine[index].taken_at < end


def likely_purges(
    groups: Sequence[Sequence[Reading]],
    start: datetime,
    end: datetime,
    found_drops: Sequence[Drop] | None = None,
) -> list[Purge]:
    """The likely purges of a server's week [start, end), from its members' readings, one
    list per member and platform in time order (`by_member_platform`), each with the reading
    before `start`. Windows of 48 hours that overlap become one purge. `found_drops`: what
    `drops` gives for the same groups and week, when it is known already."""
    logged = len({mine[0].user_id for mine in groups if _any_inside(mine, start, end)})
    needed = max(PURGE_MEMBERS, PURGE_SHARE * logged)
    by_platform: dict[Platform, list[Drop]] = defaultdict(list)
    for drop in drops(groups, start, end) if found_drops is None else found_drops:
        by_platform[drop.after.platform].append(drop)
    purges = []
    for platform, found in by_platform.items():
        clusters: list[list[Drop]] = []
        low = 0
        for high, drop in enumerate(found):
            while drop.at - found[low].at > PURGE_WINDOW:
                low += 1
            window = found[low : high + 1]
            if len({d.after.user_id for d in window}) < needed:
                continue
            if clusters and window[0].at <= clusters[-1][-1].at:
                clusters[-1] += [d for d in window if d not in clusters[-1]]
            else:
                clusters.append(list(window))
        purges += [
            Purge(
                platform=platform,
                first=group[0].at,
                last=group[-1].at,
                members=frozenset(d.after.user_id for d in group),
                logged=logged,
                readings=frozenset(d.after.id for d in group),
            )
            for group in clusters
        ]
    return sorted(purges, key=lambda p: (p.first, p.platform.value))


def purged_readings(
    readings: Iterable[Reading], tz: ZoneInfo, start: datetime, end: datetime
) -> frozenset[int]:
    """Ids of the readings whose drops were part of a likely purge in a local week (in the
    server's zone `tz`) overlapping [start, end): the drops a goal's pace leaves out."""
    groups = by_member_platform(readings)
    found: set[int] = set()
    monday = week_of(start, tz)
    while True:
        week_start, week_end = week_bounds(monday, tz)
        if week_start >= end:
            return frozenset(found)
        for purge in likely_purges(groups, week_start, week_end):
            found |= purge.readings
        monday += ONE_WEEK
