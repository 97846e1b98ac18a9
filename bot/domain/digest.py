"""What a server's weekly digest says, computed from its members' readings. No Discord, no SQL.

Formulas are PRODUCT.md's: growth % = change / followers at the start; drop alerts and likely
purges are `bot.domain.purges`'s. Weeks, growth, streaks and the nudge come from
`bot.domain.rules`, the same functions `/log` and `/net` use.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.engagement import Engagement, engagement_of
from bot.domain.goals import Goal, first_reached
from bot.domain.metrics import Growth
from bot.domain.models import Platform, Post, Reading, taken_at_of
from bot.domain.narrowed import Narrowed
from bot.domain.periods import weeks_of
from bot.domain.purges import Drop, Purge, drops, likely_purges
from bot.domain.records import record
from bot.domain.rules import (
    Change,
    Measured,
    Missing,
    NudgeFigures,
    NudgeKind,
    choose_nudge,
    growth_over,
    logging_streak_of,
    week_of,
)
from bot.domain.series import CommunityWeek, Trace, community_weeks
from bot.domain.streaks import StreakBase, logging_streak_and_base
from bot.domain.visibility import visible

# A member who has not logged for longer than this is no longer mentioned in the digest (the
# same four weeks after which consistency reminders stop, `bot.domain.reminders.BACKOFF`).
MENTION_WITHIN = timedelta(weeks=4)


@record
class DigestMember:
    """A member of the server as the digest sees them."""

    user_id: int
    name: str
    timezone: ZoneInfo
    allows_mentions: bool = False
    # When they first logged in this server: a week that ended before it is not theirs.
    since: datetime | None = None
    # They logged in this server, and keep their numbers private: what
    # `bot.domain.visibility.may_see` asks.
    logged_here: bool = True
    hidden: bool = False


@record
class MemberWeek:
    member: DigestMember
    platform: Platform
    latest: Reading  # their latest reading in the week
    growth: Measured  # Missing.NOT_ENOUGH: their very first reading, nothing to compare
    streak: int
    drop: Drop | None
    # Posts logged with /post this week on this platform; None for a member who never
    # logged a post (unknown, not zero).
    posts: int | None
    engagement: Engagement | None  # over their last posts here up to the week's end
    # Their goal on this platform, when it was first reached this week (announced once).
    goal_reached: Goal | None = None
    purged: bool = False  # their drop is part of a likely platform-wide purge

    @property
    def change(self) -> Change | None:
        return self.growth if isinstance(self.growth, Change) else None


@record
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
    # Posts logged this week by the members who log posts; None when none of them ever did.
    posts: int | None = None
    # Of the rows whose engagement can be read against a rough benchmark, how many are under
    # it, and how many there are.
    under_benchmark: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)
    # The community's last weeks up to this one, for the digest's chart.
    weeks: list[CommunityWeek] = field(default_factory=list)
    # Of those who have not logged, who logged within `MENTION_WITHIN` of the week's end: only
    # they may be mentioned (a member who stopped is not pinged every quiet week).
    lapsed_recently: frozenset[int] = frozenset()
    purges: list[Purge] = field(default_factory=list)  # likely platform-wide purges this week
    # The streak bases at this week counted beside the streaks, for the members
    # `Narrowed.move` names.
    moved_bases: dict[int, StreakBase] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.logged

    @property
    def fastest(self) -> MemberWeek | None:
        """The row that grew fastest, when one grew at all."""
        return next(
            (
                row
                for row in self.rows
                if (c := row.change) and c.last.followers > c.first.followers
            ),
            None,
        )


# Each platform's place in the platforms' order, which a member's rows follow.
_PLATFORM_ORDER = {platform: place for place, platform in enumerate(Platform)}


def _platform_place(found: tuple[Platform, list[Reading]]) -> int:
    return _PLATFORM_ORDER[found[0]]


def _largest_drops(found: Iterable[Drop]) -> dict[tuple[int, Platform], Drop]:
    """Each member's largest drop on each platform (the earliest of equal ones), from drops
    in time order."""
    largest: dict[tuple[int, Platform], Drop] = {}
    for drop in found:
        key = (drop.after.user_id, drop.after.platform)
        if key not in largest or drop.change < largest[key].change:
            largest[key] = drop
    return largest


def member_week(
    member: DigestMember,
    readings: Sequence[Reading],
    start: datetime,
    end: datetime,
    streak: int,
    posts: Sequence[Post] | None = None,
    goal: Goal | None = None,
    purged: frozenset[int] = frozenset(),
    drop: Drop | None = None,
) -> MemberWeek | None:
    """One member's week [start, end) on one platform (`readings` oldest first); None if they
    logged nothing in it. `posts`: their posts on that platform before `end`, oldest first,
    or None when they never logged a post anywhere; `goal`: theirs on that platform; `drop`:
    their largest drop in the week (`_largest_drops`)."""
    growth = growth_over(readings, start, end)
    if growth is Missing.NO_READING:
        return None
    # Their latest reading in the week: where the growth ends, or the week's only reading.
    latest = (
        growth.last
        if isinstance(growth, Change)
        else readings[bisect_left(readings, end, key=taken_at_of) - 1]
    )
    reached = None if goal is None else first_reached(goal, readings)
    # In the fields' order: by keyword, building the record takes three times as long, and
    # a digest builds one for every member each week.
    return MemberWeek(
        member,
        latest.platform,
        latest,
        growth,
        streak,
        drop,
        None if posts is None else sum(1 for p in posts if p.posted_at >= start),
        engagement_of(posts, latest.followers) if posts else None,
        goal if reached is not None and start <= reached.taken_at < end else None,
        drop is not None and drop.after.id in purged,
    )


# Where a row whose growth has no % (from zero followers) sorts: after every row with one.
_NO_PCT = float("inf")


def _sort_key(row: MemberWeek) -> tuple[int, float, int, str]:
    measured = row.growth
    if not isinstance(measured, Change):
        return (1, 0.0, 0, row.member.name.lower())
    growth = measured.growth
    pct = growth.pct
    return (0, -pct if pct is not None else _NO_PCT, -growth.delta, row.member.name.lower())


def build_report(
    members: Sequence[DigestMember],
    readings: Iterable[Reading],
    week: date,
    start: datetime,
    end: datetime,
    timezone: ZoneInfo,
    posts: Iterable[Post] = (),
    goals: Iterable[Goal] = (),
    narrowed: Narrowed | None = None,
) -> DigestReport:
    """The digest of the server's week [start, end) (local Monday `week` in `timezone`) for
    these members, from their readings and posts.

    `readings` and `posts` (oldest first per member and platform) may reach past `end`:
    those are ignored. With `narrowed`, `readings` may hold only those the week's own
    figures reach back to.
    """
    by_key: dict[tuple[int, Platform], list[Reading]] = defaultdict(list)
    # Private members are counted in the totals, anonymously; only the others are shown.
    counted = [member for member in members if member.logged_here]
    seen = {member.user_id for member in counted}
    shown_ids = {member.user_id for member in visible(counted, None)}
    for reading in readings:
        if reading.taken_at < end and reading.user_id in seen:
            by_key[(reading.user_id, reading.platform)].append(reading)
    posts_by_key: dict[tuple[int, Platform], list[Post]] = defaultdict(list)
    posters: set[int] = set()
    for post in posts:
        if post.posted_at < end:
            posts_by_key[(post.user_id, post.platform)].append(post)
            posters.add(post.user_id)
    goal_of = {(goal.user_id, goal.platform): goal for goal in goals}
    # Each member's platforms with readings, in the platforms' order.
    mine_of: dict[int, list[tuple[Platform, list[Reading]]]] = defaultdict(list)
    for (user_id, platform), found in by_key.items():
        mine_of[user_id].append((platform, found))
    for mine in mine_of.values():
        if len(mine) > 1:
            mine.sort(key=_platform_place)
    groups = list(by_key.values())
    week_drops = drops(groups, start, end)
    largest = _largest_drops(week_drops)
    purges = likely_purges(groups, start, end, week_drops)
    purged = frozenset(reading for purge in purges for reading in purge.readings)
    # A purge's week neither counts toward nor breaks the streaks of those it hit.
    excused: dict[int, set[datetime]] = defaultdict(set)
    for purge in purges:
        for user_id in purge.members:
            excused[user_id].add(purge.first)
    rows: list[MemberWeek] = []
    logged: list[DigestMember] = []
    present: list[DigestMember] = []
    moved: dict[int, StreakBase] = {}
    last_week = weeks_of(end - timedelta(seconds=1))
    move = () if narrowed is None else narrowed.move
    for member in counted:
        user_id = member.user_id
        mine = mine_of.get(user_id) or []
        hit = excused.get(user_id)
        counting = (
            (
                (r.taken_at.timestamp() for _, found in mine for r in found)
                if narrowed is None
                else narrowed.instants.get(user_id, ())
            ),
            member.timezone,
            last_week(member.timezone),
            {week_of(at, member.timezone) for at in hit} if hit else (),
            None if narrowed is None else narrowed.bases.get(user_id),
        )
        if user_id in move:
            streak, moved[user_id] = logging_streak_and_base(*counting)
        else:
            streak = logging_streak_of(*counting)
        posted = user_id in posters
        weeks = [
            row
            for platform, found in mine
            if (
                row := member_week(
                    member,
                    found,
                    start,
                    end,
                    streak,
                    posts_by_key.get((user_id, platform), []) if posted else None,
                    goal_of.get((user_id, platform)),
                    purged,
                    largest.get((user_id, platform)),
                )
            )
            is not None
        ]
        rows.extend(weeks)
        if weeks:
            logged.append(member)
        if weeks or member.since is None or member.since < end:
            present.append(member)
    rows.sort(key=_sort_key)
    changes = [row.change for row in rows if row.change is not None]  # everyone's, anonymous
    community = (
        Growth(
            start=sum(c.first.followers for c in changes),
            end=sum(c.last.followers for c in changes),
        )
        if changes
        else None
    )
    logged_ids = {member.user_id for member in logged}
    not_logged = sorted(
        (m for m in present if m.user_id not in logged_ids and m.user_id in shown_ids),
        key=lambda m: m.name.lower(),
    )
    last_logged: dict[int, datetime] = {}
    for (user_id, _), found in by_key.items():
        if found and (user_id not in last_logged or found[-1].taken_at > last_logged[user_id]):
            last_logged[user_id] = found[-1].taken_at
    lapsed_recently = frozenset(
        m.user_id
        for m in not_logged
        if m.user_id in last_logged and end - last_logged[m.user_id] <= MENTION_WITHIN
    )
    present_ids = {member.user_id for member in present}
    week_posts = (
        sum(
            1
            for (user_id, _), found in posts_by_key.items()
            if user_id in present_ids
            for post in found
            if post.posted_at >= start
        )
        if posters & present_ids
        else None
    )
    judged = [
        row.engagement.low for row in rows if row.engagement and row.engagement.low is not None
    ]
    under = (sum(judged), len(judged)) if judged else None
    return DigestReport(
        week=week,
        timezone=timezone,
        start=start,
        end=end,
        rows=[row for row in rows if row.member.user_id in shown_ids],
        community=community,
        members=len(present),
        logged=logged,
        not_logged=not_logged,
        nudge=(
            choose_nudge(
                NudgeFigures(
                    growth=community,
                    posts=week_posts,
                    low_engagement=None if under is None else 2 * under[0] > under[1],
                )
            )
            if rows
            else None
        ),
        posts=week_posts,
        under_benchmark=under,
        purges=purges,
        weeks=community_weeks(
            (Trace.of(found) for found in by_key.values())
            if narrowed is None
            else (trace for trace in narrowed.traces if trace.user_id in seen),
            week,
            timezone,
            kept=() if narrowed is None else narrowed.weeks,
        ),
        lapsed_recently=lapsed_recently,
        moved_bases=moved,
    )
