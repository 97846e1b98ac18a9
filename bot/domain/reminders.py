"""Who gets a reminder, and what it says. Pure functions of a clock and a member's numbers.

Consistency: a member who has not logged for the server's `consistency_days` gets one
reminder at their local reminder time, at most once a (member-local) week. Engagement: on the
server's engagement day, a nudge built from the member's own recent numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import format as fmt
from bot.domain.digest import LOW_ENGAGEMENT, profile_change
from bot.domain.models import Reading
from bot.domain.summaries import window

CONSISTENCY = "consistency"
ENGAGEMENT = "engagement"
# A member whose DMs were closed is not DMed again for this long (they may reopen them).
DMS_RETRY_AFTER = timedelta(weeks=4)
# The engagement nudge is for members who are logging; others get the consistency reminder.
ACTIVE_WITHIN = timedelta(days=14)


@dataclass(frozen=True, slots=True)
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

    def can_dm(self, now: datetime) -> bool:
        return self.dms_closed_at is None or now - self.dms_closed_at >= DMS_RETRY_AFTER

    def can_mention(self) -> bool:
        """Only where the server allows mentions and the member allows being mentioned."""
        return self.guild_mentions and self.allows_mentions and self.digest_channel_id is not None


def needs_consistency(candidate: ReminderCandidate, now: datetime) -> bool:
    if CONSISTENCY in candidate.reminded or candidate.last_reading is None:
        return False
    return now - candidate.last_reading >= timedelta(days=candidate.consistency_days)


def needs_engagement(candidate: ReminderCandidate, now: datetime) -> bool:
    if ENGAGEMENT in candidate.reminded or candidate.last_reading is None:
        return False
    on_the_day = now.astimezone(candidate.timezone).weekday() == candidate.engagement_day
    return on_the_day and now - candidate.last_reading < ACTIVE_WITHIN


def consistency_text(candidate: ReminderCandidate, now: datetime) -> str:
    assert candidate.last_reading is not None
    days = (now - candidate.last_reading).days
    return (
        f"You haven't logged your counts for {days} days (last: "
        f"{fmt.timestamp(candidate.last_reading, 'R')}). Read them off your profile and run "
        "`/log followers … following …` so your streak and the weekly digest keep counting. "
        "(`/me reminders:off` stops these reminders.)"
    )


def engagement_text(readings: list[Reading], now: datetime) -> str | None:
    """A mid-week nudge from the member's own numbers on the platform they logged last."""
    if not readings:
        return None
    platform = max(readings, key=lambda r: r.taken_at).platform
    mine = sorted((r for r in readings if r.platform is platform), key=lambda r: r.taken_at)
    week = window(mine, now - timedelta(days=7), now)
    fortnight = window(mine, now - ACTIVE_WITHIN, now)
    if week is None or fortnight is None:
        return None
    growth = week.growth
    lines = [
        f"Your week so far on {platform.label}: {fmt.signed(growth.delta)} followers "
        f"({fmt.pct(growth.pct)}), net followers {fmt.signed(week.net_change)}."
    ]
    posts = profile_change(mine, "posts", now - timedelta(days=7), now)
    likes = profile_change(mine, "likes", now - timedelta(days=7), now)
    if posts == 0:
        lines.append(
            "You haven't added a post in a week: put your next two posts in your calendar "
            "now, on your best days."
        )
    elif posts and likes is not None and likes / posts / max(growth.end, 1) < LOW_ENGAGEMENT:
        lines.append(
            "Likes per new post are under the 2.6% median: reply to every comment in the "
            "first hour after you post."
        )
    elif fortnight.growth.delta <= 0:
        lines.append(
            "Growth has been flat for two weeks: plan a collaboration with another creator "
            "(a duet, a stitch or a shared live)."
        )
    else:
        lines.append("You're growing: post again at the times that worked this week.")
    return "\n".join(lines)
