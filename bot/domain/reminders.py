"""Who gets a reminder, and what it says. Pure functions of a clock and a member's numbers.

Consistency: a member who has not logged for the server's `consistency_days` gets one
reminder at their local reminder time, at most once a (member-local) week. Engagement: on the
server's engagement day, a nudge built from the member's own numbers this week. The wording
of both lives with the reminders cog's renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.engagement import Engagement, engagement_of
from bot.domain.models import DEFAULT_POSTS_PER_WEEK, Platform, Post, Reading
from bot.domain.records import record
from bot.domain.rules import (
    Change,
    Measured,
    NudgeFigures,
    NudgeKind,
    choose_nudge,
    posts_per_week,
    week_of,
    week_to_date,
)

CONSISTENCY = "consistency"
ENGAGEMENT = "engagement"
# A member whose DMs were closed is not DMed again for this long (they may reopen them).
DMS_RETRY_AFTER = timedelta(weeks=4)
# The engagement nudge is for members who are logging; others get the consistency reminder.
ACTIVE_WITHIN = timedelta(days=14)
# Consistency reminders back off: after 1, 2 and 4 times the server's `consistency_days`
# without a reading, then they stop until the member logs again (PRODUCT.md, "Rules").
BACKOFF = (1, 2, 4)


@record
class ReminderCandidate:
    """A member whose reminder time has come, with what deciding about a reminder needs."""

    user_id: int
    timezone: ZoneInfo
    last_reading: datetime | None
    dms_closed_at: datetime | None
    allows_mentions: bool
    home_guild_id: int | None  # the server whose reminder settings apply (first logged in)
    consistency_days: int
    engagement_day: int
    digest_channel_id: int | None
    guild_mentions: bool
    reminded: frozenset[str]  # kinds already sent this member-local week
    # Since their DMs were found closed, a reminder already reached them by a mention.
    fell_back: bool = False
    posts_per_week: int = DEFAULT_POSTS_PER_WEEK  # their posting target
    guild_dms: bool = True  # their home server lets NetGain DM reminders
    # Consistency reminders sent since their latest reading (the backoff counts them).
    consistency_sent: int = 0

    def can_dm(self, now: datetime) -> bool:
        if not self.guild_dms:
            return False
        return self.dms_closed_at is None or now - self.dms_closed_at >= DMS_RETRY_AFTER

    @property
    def last_consistency(self) -> bool:
        """The consistency reminder due now is the last until the member logs again."""
        return self.consistency_sent == len(BACKOFF) - 1

    def can_mention(self) -> bool:
        """Only where the server allows mentions and the member allows being mentioned."""
        return self.guild_mentions and self.allows_mentions and self.digest_channel_id is not None


def needs_consistency(candidate: ReminderCandidate, now: datetime) -> bool:
    """Due once the member has not logged for the server's `consistency_days`, then again at
    twice and four times that (1, 2 and 4 weeks by default), then never until they log again:
    a member who stopped logging is not reminded every week for a year."""
    if CONSISTENCY in candidate.reminded or candidate.last_reading is None:
        return False
    if candidate.consistency_sent >= len(BACKOFF):
        return False
    wait = timedelta(days=candidate.consistency_days * BACKOFF[candidate.consistency_sent])
    return now - candidate.last_reading >= wait


def needs_engagement(candidate: ReminderCandidate, now: datetime) -> bool:
    if ENGAGEMENT in candidate.reminded or candidate.last_reading is None:
        return False
    on_the_day = now.astimezone(candidate.timezone).weekday() == candidate.engagement_day
    return on_the_day and now - candidate.last_reading < ACTIVE_WITHIN


@record
class MidWeek:
    """The mid-week nudge's figures: the week so far on the platform logged last, and the
    one nudge those figures support (the wording is the reminders cog's)."""

    platform: Platform
    growth: Measured  # the same week-to-date figure as /log and /net
    # Posts logged with /post this week on every platform; None for a member who never
    # logged a post (unknown, not zero).
    posts: int | None
    target: int  # their posts-per-week target
    engagement: Engagement | None  # over their last posts on `platform`
    nudge: NudgeKind | None


def mid_week(
    readings: Sequence[Reading],
    now: datetime,
    tz: ZoneInfo,
    posts: Sequence[Post] = (),
    target: int = DEFAULT_POSTS_PER_WEEK,
) -> MidWeek | None:
    """What the mid-week nudge says, from the member's readings and posts (any platform, any
    order)."""
    if not readings:
        return None
    platform = max(readings, key=lambda r: (r.taken_at, r.id)).platform
    mine = sorted((r for r in readings if r.platform is platform), key=lambda r: (r.taken_at, r.id))
    growth = week_to_date(mine, now, tz)
    this_week = (
        posts_per_week((p.posted_at for p in posts if p.posted_at <= now), tz)[week_of(now, tz)]
        if posts
        else None
    )
    here = sorted(
        (p for p in posts if p.platform is platform and p.posted_at <= now),
        key=lambda p: (p.posted_at, p.id),
    )
    engagement = engagement_of(here, mine[-1].followers)
    shown = growth.growth if isinstance(growth, Change) else None
    return MidWeek(
        platform=platform,
        growth=growth,
        posts=this_week,
        target=target,
        engagement=engagement,
        nudge=choose_nudge(
            NudgeFigures(
                growth=shown,
                posts=this_week,
                low_engagement=None if engagement is None else engagement.low,
            )
        ),
    )
