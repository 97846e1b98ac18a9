"""Choose the reminders due at a local time, and the figures of a member's mid-week nudge.

Sending them (DMs, the fallback mention, the claim that makes each go out once) is the
reminders cog's; what is due and what it says come from here and `bot.domain.reminders`.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.periods import local_day, monday_of
from bot.domain.records import record
from bot.domain.reminders import (
    ACTIVE_WITHIN,
    MidWeek,
    ReminderCandidate,
    mid_week,
    needs_consistency,
    needs_engagement,
)
from storage.ports_scheduled import RemindersPort


@record
class Due:
    """A member whose reminder time has come, and which reminders they are due."""

    candidate: ReminderCandidate
    consistency: bool
    engagement: bool


async def due_reminders(
    reminders: RemindersPort, timezone: str, at: str, now: datetime
) -> tuple[date, list[Due]]:
    """The member-local week, and every member at this local time with a reminder due."""
    week = monday_of(local_day(now, ZoneInfo(timezone)))
    due = []
    for candidate in await reminders.reminder_candidates(timezone, at, week):
        consistency = needs_consistency(candidate, now)
        engagement = needs_engagement(candidate, now)
        if consistency or engagement:
            due.append(Due(candidate, consistency, engagement))
    return week, due


async def nudge_figures(
    reminders: RemindersPort, candidate: ReminderCandidate, now: datetime
) -> MidWeek | None:
    """The mid-week nudge's figures: the member's week so far (`bot.domain.rules`)."""
    since = now - ACTIVE_WITHIN
    readings = await reminders.recent_readings(candidate.user_id, since)
    posts = await reminders.recent_posts(candidate.user_id, since)
    return mid_week(readings, now, candidate.timezone, posts, candidate.posts_per_week)
