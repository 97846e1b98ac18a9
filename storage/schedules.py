"""The values storage returns for what runs on a schedule: settings, digests, reminders.

The interfaces themselves are the ports in `storage.ports`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from datetime import UTC, datetime, time
from enum import StrEnum
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestMember
from bot.domain.goals import Goal
from bot.domain.models import DEFAULT_POSTS_PER_WEEK, Platform, Post, Reading
from bot.domain.records import record
from bot.domain.series import CommunityWeek, Trace
from bot.domain.streaks import StreakBase

KeyT = TypeVar("KeyT")


class RunState(StrEnum):
    CLAIMED = "claimed"
    POSTED = "posted"
    FAILED = "failed"
    SKIPPED = "skipped"


@record
class DigestRun:
    """The durable record of one server's digest for one covered week."""

    state: RunState
    pages_posted: int = 0
    message_ids: list[int] = field(default_factory=list)
    late: bool = False
    reason: str | None = None
    attempts: int = 0
    updated_at: datetime | None = None
    channel_id: int | None = None  # where its pages went
    generation: int = 0  # times an admin had it posted again (its pages' nonces change)


@record
class OpenClaims(Generic[KeyT]):
    """Claims still marked as being worked on, as one read sees them."""

    stale: list[KeyT]  # whose lease ran out: their process stopped before finishing
    next_end: datetime | None  # when the first lease still running runs out


def open_claims(rows: Sequence[tuple[KeyT, int]], now: datetime) -> OpenClaims[KeyT]:
    """Split (key, lease_until) rows at `now` (leases in unix seconds)."""
    cut = now.timestamp()
    running = [lease for _, lease in rows if lease >= cut]
    return OpenClaims(
        stale=[key for key, lease in rows if lease < cut],
        next_end=datetime.fromtimestamp(min(running), UTC) if running else None,
    )


@record
class DigestData:
    members: list[DigestMember]
    readings: list[Reading]  # oldest first per member and platform
    # Their last posts on each platform (as many as the rates are over) and every one in the
    # window; oldest first per member and platform.
    posts: list[Post] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)  # the members' goals
    # With `chart_since` (`DigestsPort.digest_data`): each member's follower counts on each
    # platform from `traces_since` on, and those at the last instant before the chart's first
    # week not kept, for the community chart and the streaks counted on a kept base.
    traces: list[Trace] | None = None
    traces_since: datetime | None = None
    # What storage keeps of each member's logging streak, in the zone their weeks are counted
    # in here (their own, or the server's).
    streaks: dict[int, StoredStreak] = field(default_factory=dict)
    # With `chart_since`: the chart's weeks kept in the server's zone, in order from the
    # chart's first week on, without a gap (`DigestsPort.keep_chart_weeks`).
    chart: list[ChartWeek] = field(default_factory=list)


@record
class ChartWeek:
    """A week of the community chart, with when it starts and ends in the zone it is counted
    in (`DigestData.chart`, `DigestsPort.keep_chart_weeks`)."""

    week: CommunityWeek
    start: datetime
    end: datetime


@record
class StoredStreak:
    """A member's kept `StreakBase` in one zone (None: none kept), and the version of their
    readings it was read at: a base counted from readings read then is stored only while the
    version is unchanged (`DigestsPort.keep_streak_bases`)."""

    zone: str
    version: int
    base: StreakBase | None = None


@record
class KeptStreak:
    """A base to keep for a member (`DigestsPort.keep_streak_bases`)."""

    user_id: int
    zone: str
    base: StreakBase
    # `base.needs_from` in `zone`, where the base splits the member's history: it sums up the
    # readings before, which it is dropped for changing, and needs those from then on.
    settled_before: datetime
    version: int  # the member's readings' version (`StoredStreak.version`) it was counted at


@record
class MemberSettings:
    user_id: int
    timezone: ZoneInfo | None = None
    default_platform: Platform = Platform.TIKTOK
    reminders: bool = True
    reminder_time: time | None = None
    mentions: bool = False
    posts_per_week: int = DEFAULT_POSTS_PER_WEEK
    hidden: bool = False  # keeps their numbers private from others (/privacy)
