"""What a server's weekly digest says, computed from its members' readings. No Discord, no SQL.

Formulas are PRODUCT.md's: growth % = change / followers at the start; a drop alert when
followers fell by 5% or more, or by 1,000 or more, since the previous reading; streaks count
weeks in the member's own time zone with a grace day.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.metrics import Growth
from bot.domain.models import Platform, Reading
from bot.domain.periods import monday_of
from bot.domain.summaries import window

DROP_RATIO = 0.05
DROP_FOLLOWERS = 1_000
STREAK_GRACE = timedelta(days=1)
STREAK_CAP = 520
# TikTok's median engagement is about 2.6% (PRODUCT.md); likes gained per follower per new
# post under that reads as low engagement.
LOW_ENGAGEMENT = 0.026
STALLED_PCT = 0.005


@dataclass(frozen=True, slots=True)
class DigestMember:
    """A member of the server as the digest sees them."""

    user_id: int
    name: str
    timezone: ZoneInfo
    allows_mentions: bool = False


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
    growth: Growth
    from_first_log: bool
    net_end: int
    net_change: int
    streak: int
    drop: Drop | None
    posts: int | None  # posts added this week, when the member reports posts
    likes: int | None  # likes gained this week, when reported


class NudgeKind(StrEnum):
    NO_POSTS = "no_posts"
    LOW_ENGAGEMENT = "low_engagement"
    STALLED = "stalled"
    MOMENTUM = "momentum"


@dataclass(frozen=True, slots=True)
class Nudge:
    kind: NudgeKind
    text: str


@dataclass(frozen=True, slots=True)
class DigestReport:
    week: date  # local Monday of the covered week
    start: datetime
    end: datetime
    rows: list[MemberWeek]
    community: Growth
    members: int
    logged: list[DigestMember]
    not_logged: list[DigestMember]
    nudge: Nudge | None
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.logged


def is_drop(before: int, after: int) -> bool:
    """PRODUCT.md drop alert: down 5% or more, or 1,000 or more, since the previous reading."""
    fall = before - after
    return fall > 0 and (fall >= DROP_FOLLOWERS or fall >= before * DROP_RATIO)


def weekly_streak(taken: Iterable[datetime], last_week: date, tz: ZoneInfo) -> int:
    """Consecutive local weeks with a reading, ending with the week starting `last_week`.

    A reading in the first day of a week also keeps the week before it (the grace day), so
    logging on Monday morning does not break a Sunday habit.
    """
    kept: set[date] = set()
    one_week = timedelta(weeks=1)
    for moment in taken:
        day = moment.astimezone(tz).date()
        weekday = day.weekday()
        monday = day - timedelta(days=weekday)
        kept.add(monday)
        if weekday == 0:  # the first day of a week (STREAK_GRACE) keeps the week before
            kept.add(monday - one_week)
    streak, week = 0, last_week
    while week in kept and streak < STREAK_CAP:
        streak += 1
        week -= timedelta(weeks=1)
    return streak


def _largest_drop(readings: Sequence[Reading], start: datetime, end: datetime) -> Drop | None:
    drops = [
        Drop(before.followers, after.followers, after.taken_at)
        for before, after in pairwise(readings)
        if start < after.taken_at <= end and is_drop(before.followers, after.followers)
    ]
    return min(drops, key=lambda drop: drop.change) if drops else None


def profile_change(
    readings: Sequence[Reading], attribute: str, start: datetime, end: datetime
) -> int | None:
    """Growth of a profile total (posts, likes) over (start, end], from readings that carry it."""
    known = [r for r in readings if getattr(r, attribute) is not None and r.taken_at <= end]
    before = [r for r in known if r.taken_at <= start]
    inside = [r for r in known if r.taken_at > start]
    if not inside:
        return None
    first = before[-1] if before else inside[0]
    return max(0, int(getattr(inside[-1], attribute)) - int(getattr(first, attribute)))


def member_week(
    member: DigestMember,
    readings: Sequence[Reading],
    start: datetime,
    end: datetime,
    last_local_week: date,
) -> MemberWeek | None:
    """One member's week on one platform (`readings` oldest first); None if no reading in it.

    Like every stretch in NetGain the week is (start, end]: a reading at exactly Monday 00:00
    closes the week before and opens this one, so no change is counted twice.
    """
    if not any(start < r.taken_at <= end for r in readings):
        return None
    found = window(readings, start, end)
    assert found is not None  # a reading lies inside the week
    return MemberWeek(
        member=member,
        platform=found.last.platform,
        growth=found.growth,
        from_first_log=found.from_first_log,
        net_end=found.last.net,
        net_change=found.net_change,
        streak=weekly_streak(
            (r.taken_at for r in readings if r.taken_at <= end + STREAK_GRACE),
            last_local_week,
            member.timezone,
        ),
        drop=_largest_drop(readings, start, end),
        posts=profile_change(readings, "posts", start, end),
        likes=profile_change(readings, "likes", start, end),
    )


def _sort_key(row: MemberWeek) -> tuple[float, int, str]:
    pct = row.growth.pct
    return (-(pct if pct is not None else float("-inf")), -row.growth.delta, row.member.name)


def choose_nudge(rows: Sequence[MemberWeek], community: Growth) -> Nudge | None:
    """One concrete nudge from the week's numbers (PRODUCT.md), never a random quote."""
    if not rows:
        return None
    reported = [row for row in rows if row.posts is not None]
    if reported and all(row.posts == 0 for row in reported):
        return Nudge(
            NudgeKind.NO_POSTS,
            "Nobody who reports posts published one this week. Put three posting slots in "
            "your calendar for next week (say Tuesday, Thursday and Saturday at your best "
            "hour) and log them as you go.",
        )
    rates = [
        row.likes / row.posts / max(row.growth.end, 1)
        for row in rows
        if row.likes is not None and row.posts
    ]
    if rates and statistics.median(rates) < LOW_ENGAGEMENT:
        return Nudge(
            NudgeKind.LOW_ENGAGEMENT,
            f"Likes per new post came to {statistics.median(rates) * 100:.1f}% of followers, "
            "under the 2.6% TikTok median. Reply to every comment in the first hour after "
            "posting: early replies lift a post's reach.",
        )
    pct = community.pct
    if community.delta <= 0 or (pct is not None and pct < STALLED_PCT):
        return Nudge(
            NudgeKind.STALLED,
            "Growth stalled this week. Pair up for a collaboration: a duet, a stitch or a "
            "shared live with another member here puts you both in front of new followers.",
        )
    best = max(rows, key=lambda row: row.growth.pct or 0)
    return Nudge(
        NudgeKind.MOMENTUM,
        f"{best.member.name} grew fastest ({best.growth.delta:+,} on {best.platform.label}). "
        "Ask them what they posted and try the same format this week.",
    )


def build_report(
    members: Sequence[DigestMember],
    readings: Iterable[Reading],
    week: date,
    start: datetime,
    end: datetime,
) -> DigestReport:
    """The digest of the week (start, end] for these members, from their readings.

    `readings` may reach a day past `end`: those count only for streaks (the grace day).
    """
    by_key: dict[tuple[int, Platform], list[Reading]] = defaultdict(list)
    for reading in readings:
        by_key[(reading.user_id, reading.platform)].append(reading)
    rows: list[MemberWeek] = []
    logged: list[DigestMember] = []
    for member in members:
        last_local_week = monday_of((end - STREAK_GRACE).astimezone(member.timezone).date())
        mine = [
            row
            for platform in Platform
            if (
                row := member_week(
                    member, by_key.get((member.user_id, platform), []), start, end, last_local_week
                )
            )
            is not None
        ]
        rows.extend(mine)
        if mine:
            logged.append(member)
    rows.sort(key=_sort_key)
    community = Growth(
        start=sum(row.growth.start for row in rows), end=sum(row.growth.end for row in rows)
    )
    logged_ids = {member.user_id for member in logged}
    not_logged = sorted(
        (m for m in members if m.user_id not in logged_ids), key=lambda m: m.name.lower()
    )
    return DigestReport(
        week=week,
        start=start,
        end=end,
        rows=rows,
        community=community,
        members=len(members),
        logged=logged,
        not_logged=not_logged,
        nudge=choose_nudge(rows, community),
    )
