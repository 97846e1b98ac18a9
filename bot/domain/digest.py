"""What a server's weekly digest says, computed from its members' readings. No Discord, no SQL.

Formulas are PRODUCT.md's: growth % = change / followers at the start; a drop alert when
followers fell by 5% or more, or by 1,000 or more, since the previous reading. Weeks, growth,
streaks and the nudge come from `bot.domain.rules`, the same functions `/log` and `/net` use.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.metrics import Growth
from bot.domain.models import Platform, Reading
from bot.domain.rules import (
    Change,
    Measured,
    NudgeFigures,
    NudgeKind,
    choose_nudge,
    growth_over,
    logging_streak,
    week_of,
)

DROP_RATIO = 0.05
DROP_FOLLOWERS = 1_000


@dataclass(frozen=True, slots=True)
class DigestMember:
    """A member of the server as the digest sees them."""

    user_id: int
    name: str
    timezone: ZoneInfo
    allows_mentions: bool = False
    # When they first logged in this server: a week that ended before it is not theirs.
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Drop:
    before: int
    after: int
    at: datetime

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class MemberWeek:
    member: DigestMember
    platform: Platform
    latest: Reading  # their latest reading in the week
    growth: Measured  # Missing.NOT_ENOUGH: their very first reading, nothing to compare
    streak: int
    drop: Drop | None
    posts: int | None  # posts added this week, when the member reports posts
    likes: int | None  # likes gained this week, when reported

    @property
    def change(self) -> Change | None:
        return self.growth if isinstance(self.growth, Change) else None


@dataclass(frozen=True, slots=True)
class DigestReport:
    week: date  # local Monday of the covered week
    timezone: ZoneInfo  # the zone the week is counted in
    start: datetime
    end: datetime
    rows: list[MemberWeek]
    community: Growth | None  # None: nobody has two readings to compare
    members: int
    logged: list[DigestMember]
    not_logged: list[DigestMember]
    nudge: NudgeKind | None
    engagement: float | None = None  # median likes per new post over followers
    posts: int | None = None  # posts added by the members who report posts
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.logged

    @property
    def fastest(self) -> MemberWeek | None:
        """The row that grew fastest, when one grew at all."""
        grown = [row for row in self.rows if row.change and row.change.growth.delta > 0]
        return grown[0] if grown else None


def is_drop(before: int, after: int) -> bool:
    """PRODUCT.md drop alert: down 5% or more, or 1,000 or more, since the previous reading."""
    fall = before - after
    return fall > 0 and (fall >= DROP_FOLLOWERS or fall >= before * DROP_RATIO)


def _largest_drop(readings: Sequence[Reading], start: datetime, end: datetime) -> Drop | None:
    drops = [
        Drop(before.followers, after.followers, after.taken_at)
        for before, after in pairwise(readings)
        if start <= after.taken_at < end and is_drop(before.followers, after.followers)
    ]
    return min(drops, key=lambda drop: drop.change) if drops else None


def profile_change(
    readings: Sequence[Reading], attribute: str, start: datetime, end: datetime
) -> int | None:
    """Growth of a profile total (posts, likes) over [start, end), from readings that carry it.

    None when nothing inside carries it, or when the only one is the first ever (no baseline).
    """
    known = [r for r in readings if getattr(r, attribute) is not None and r.taken_at < end]
    before = [r for r in known if r.taken_at < start]
    inside = [r for r in known if r.taken_at >= start]
    if not inside or (not before and len(inside) == 1):
        return None
    first = before[-1] if before else inside[0]
    return max(0, int(getattr(inside[-1], attribute)) - int(getattr(first, attribute)))


def member_week(
    member: DigestMember,
    readings: Sequence[Reading],
    start: datetime,
    end: datetime,
    streak: int,
) -> MemberWeek | None:
    """One member's week [start, end) on one platform (`readings` oldest first); None if they
    logged nothing in it."""
    inside = [r for r in readings if start <= r.taken_at < end]
    if not inside:
        return None
    return MemberWeek(
        member=member,
        platform=inside[-1].platform,
        latest=inside[-1],
        growth=growth_over(readings, start, end),
        streak=streak,
        drop=_largest_drop(readings, start, end),
        posts=profile_change(readings, "posts", start, end),
        likes=profile_change(readings, "likes", start, end),
    )


def _sort_key(row: MemberWeek) -> tuple[int, float, int, str]:
    change = row.change
    if change is None:
        return (1, 0.0, 0, row.member.name.lower())
    pct = change.growth.pct
    return (
        0,
        -(pct if pct is not None else float("-inf")),
        -change.growth.delta,
        row.member.name.lower(),
    )


def engagement_rate(likes: int | None, posts: int | None, followers: int) -> float | None:
    """Likes per new post over followers, from profile totals; None when not reported."""
    if likes is None or not posts:
        return None
    return likes / posts / max(followers, 1)


def build_report(
    members: Sequence[DigestMember],
    readings: Iterable[Reading],
    week: date,
    start: datetime,
    end: datetime,
    timezone: ZoneInfo,
) -> DigestReport:
    """The digest of the server's week [start, end) (local Monday `week` in `timezone`) for
    these members, from their readings.

    `readings` (oldest first per member and platform) may reach past `end`: those are ignored.
    """
    by_key: dict[tuple[int, Platform], list[Reading]] = defaultdict(list)
    for reading in readings:
        if reading.taken_at < end:
            by_key[(reading.user_id, reading.platform)].append(reading)
    rows: list[MemberWeek] = []
    logged: list[DigestMember] = []
    present: list[DigestMember] = []
    for member in members:
        mine = [by_key.get((member.user_id, platform), []) for platform in Platform]
        streak = logging_streak(
            (r.taken_at for found in mine for r in found),
            member.timezone,
            week_of(end - timedelta(seconds=1), member.timezone),
        )
        weeks = [
            row
            for found in mine
            if (row := member_week(member, found, start, end, streak)) is not None
        ]
        rows.extend(weeks)
        if weeks:
            logged.append(member)
        if weeks or member.since is None or member.since < end:
            present.append(member)
    rows.sort(key=_sort_key)
    changes = [row.change for row in rows if row.change is not None]
    community = (
        Growth(start=sum(c.growth.start for c in changes), end=sum(c.growth.end for c in changes))
        if changes
        else None
    )
    logged_ids = {member.user_id for member in logged}
    not_logged = sorted(
        (m for m in present if m.user_id not in logged_ids), key=lambda m: m.name.lower()
    )
    reported = [row.posts for row in rows if row.posts is not None]
    rates = [
        rate
        for row in rows
        if (rate := engagement_rate(row.likes, row.posts, row.latest.followers)) is not None
    ]
    posts = sum(reported) if reported else None
    engagement = statistics.median(rates) if rates else None
    return DigestReport(
        week=week,
        timezone=timezone,
        start=start,
        end=end,
        rows=rows,
        community=community,
        members=len(present),
        logged=logged,
        not_logged=not_logged,
        nudge=(
            choose_nudge(NudgeFigures(growth=community, posts=posts, engagement=engagement))
            if rows
            else None
        ),
        engagement=engagement,
        posts=posts,
    )
