"""The server's leaderboard: members ranked by one measure over a period. No Discord, no SQL.

- Growth % (the default, so a small creator can top it) and growth come from
  `bot.domain.rules.growth_over`, the same figure `/net` shows, summed over the platforms
  ranked (all of them when none is named).
- Consistency is the logging streak (`bot.domain.rules.logging_streak`), on the platform
  named, or on every platform (the streak `/net` shows) when none is.
- Engagement is the rate by views over the last 30 posts (`bot.domain.engagement`), as one
  ratio of sums over the platforms ranked.

A member without the data a measure needs (no reading in the period, only a first reading, a
start of zero followers for growth %, no views for engagement) is listed apart, never ranked
as zero. Ties share a rank (1, 2, 2, 4). Who is listed at all is `bot.domain.visibility`'s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum

from bot.domain.digest import DigestMember
from bot.domain.engagement import WINDOW, rate_by_views
from bot.domain.metrics import Growth
from bot.domain.models import Platform, Post, Reading, Source
from bot.domain.records import record
from bot.domain.rules import Change, growth_over, logging_streak, week_of
from bot.domain.visibility import visible

ROWS = 10  # rows shown; the caller's own row is added when it falls below them


class Measure(StrEnum):
    GROWTH_PCT = "growth%"
    GROWTH = "growth"
    CONSISTENCY = "consistency"
    ENGAGEMENT = "engagement"


@record
class Entry:
    member: DigestMember
    rank: int
    value: float  # growth %, followers gained, weeks in a row, or engagement by views
    growth: Growth | None = None  # the growth it comes from, for growth and growth %
    imported: bool = False  # it is worked out from imported numbers, at least in part


@record
class Board:
    measure: Measure
    platform: Platform | None
    ranked: list[Entry]  # best first; ties share a rank, then by name
    unranked: list[DigestMember]  # too little data for this measure, by name
    caller_private: bool = False  # the caller keeps their numbers private: not on it

    def shown(self, caller_id: int, rows: int = ROWS) -> tuple[list[Entry], Entry | None]:
        """The first `rows` entries, and the caller's own entry when it is not among them."""
        top = self.ranked[:rows]
        if any(entry.member.user_id == caller_id for entry in top):
            return top, None
        mine = next((e for e in self.ranked if e.member.user_id == caller_id), None)
        return top, mine


Ranked = tuple[DigestMember, float, Growth | None, bool]


def ranked(values: Iterable[Ranked]) -> list[Entry]:
    """Best first, ties sharing a rank (standard competition ranking: 1, 2, 2, 4)."""
    order = sorted(values, key=lambda item: (-item[1], item[0].name.lower(), item[0].user_id))
    entries: list[Entry] = []
    for index, (member, value, growth, imported) in enumerate(order):
        tied = entries and entries[-1].value == value
        rank = entries[-1].rank if tied else index + 1
        entries.append(Entry(member, rank, value, growth, imported))
    return entries


def _growth(readings: Sequence[Reading], start: datetime | None, end: datetime) -> Growth | None:
    """Growth over [start, end) summed over the member's platforms that have a figure."""
    by_platform: dict[Platform, list[Reading]] = defaultdict(list)
    for reading in readings:
        by_platform[reading.platform].append(reading)
    changes = [
        found
        for found_readings in by_platform.values()
        if isinstance(found := growth_over(found_readings, start, end), Change)
    ]
    if not changes:
        return None
    return Growth(
        start=sum(c.growth.start for c in changes), end=sum(c.growth.end for c in changes)
    )


def _engagement(posts: Sequence[Post]) -> float | None:
    by_platform: dict[Platform, list[Post]] = defaultdict(list)
    for post in posts:
        by_platform[post.platform].append(post)
    counts = [post.counts for found in by_platform.values() for post in found[-WINDOW:]]
    return rate_by_views(counts) if counts else None


def build_board(
    members: Sequence[DigestMember],
    readings: Iterable[Reading],
    posts: Iterable[Post],
    *,
    measure: Measure,
    platform: Platform | None,
    start: datetime | None,
    end: datetime,
    now: datetime,
    viewer_id: int,
) -> Board:
    """Rank the members a server may see by `measure` over [start, end) (`start` None: all
    time). `readings` and `posts` are oldest first per member and platform; those at or after
    `end` are left out."""
    mine: dict[int, list[Reading]] = defaultdict(list)
    for reading in readings:
        if reading.taken_at < end and (platform is None or reading.platform is platform):
            mine[reading.user_id].append(reading)
    their_posts: dict[int, list[Post]] = defaultdict(list)
    for post in posts:
        if post.posted_at < end and (platform is None or post.platform is platform):
            their_posts[post.user_id].append(post)
    values: list[Ranked] = []
    unranked: list[DigestMember] = []
    # The board is posted for everyone to read: a private member is left out even of their
    # own request for it.
    for member in visible(members, None):
        value: float | None = None
        growth = None
        if measure in (Measure.GROWTH_PCT, Measure.GROWTH):
            growth = _growth(mine[member.user_id], start, end)
            if growth is not None:
                value = growth.pct if measure is Measure.GROWTH_PCT else growth.delta
        elif measure is Measure.CONSISTENCY:
            taken = [r.taken_at for r in mine[member.user_id]]
            if taken:
                value = logging_streak(taken, member.timezone, week_of(now, member.timezone))
        else:
            value = _engagement(their_posts[member.user_id])
        if value is None:
            unranked.append(member)
        else:
            used = [r for r in mine[member.user_id] if start is None or r.taken_at >= start]
            imported = any(r.source is Source.IMPORTED for r in used)
            values.append((member, value, growth, imported))
    return Board(
        measure=measure,
        platform=platform,
        ranked=ranked(values),
        unranked=sorted(unranked, key=lambda m: (m.name.lower(), m.user_id)),
        caller_private=any(m.user_id == viewer_id and m.hidden for m in members),
    )
